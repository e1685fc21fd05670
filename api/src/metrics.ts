/**
 * The Prometheus registry behind `GET /metrics`: the api process's own metrics (`fm_api_*`), its live sockets
 * (`fm_api_live_*`), and the broker's (`fm_broker_*`) and ingest's (`fm_ingest_*`) figures from their latest retained
 * status, which the api already keeps for `/api/health`.
 *
 * - A Registry of its own, never prom-client's global one: every app built (tests build many) has its own metrics,
 *   and nothing another library registers globally shows up in ours.
 * - Values are read when Prometheus scrapes, in each metric's `collect()`: nothing is updated on the message path,
 *   and a scrape shows the latest status as it is.
 * - A metric whose source has not reported is absent: its value is removed in `collect()` (prom-client would show
 *   a metric without labels as 0 otherwise). `fm_broker_up` and `fm_ingest_up` are there and 0.
 * - Totals another process counts (the broker's, ingest's) are Counters set in `collect()`: reset, then increased by
 *   the reported total. The counter type is what tells Prometheus that a drop is a restart (`rate()`, `increase()`).
 */
import {
  BROKER_DROP_REASONS,
  type BrokerStatus,
  type IngestStatus,
  MQTT_REJECTIONS,
  serviceStatusTopic,
} from '@fm/protocol'
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { LiveStats } from './live.ts'
import { INGEST_STATUS_INTERVAL_MS, isStale, statusAgeMs } from './service-status.ts'

export interface MetricSources {
  brokerStatus(): BrokerStatus | undefined
  ingestStatus(): IngestStatus | undefined
  liveStats(): LiveStats
}

/** One value per label set; undefined when the source has not reported. */
type Read = () => number | undefined
type ReadLabelled = () => Record<string, number> | undefined

interface Spec {
  name: string
  help: string
}

// Each metric registers itself in `registry` (its `registers` option); the registry keeps it for every scrape.
function gauge(registry: Registry, { name, help }: Spec, read: Read): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read()
      if (value === undefined) this.remove()
      else this.set(value)
    },
  })
}

function counter(registry: Registry, { name, help }: Spec, read: Read): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset()
      const value = read()
      if (value === undefined) this.remove()
      else this.inc(value)
    },
  })
}

function labelledGauge(registry: Registry, { name, help }: Spec, label: string, read: ReadLabelled): void {
  new Gauge({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset()
      for (const [key, value] of Object.entries(read() ?? {})) this.set({ [label]: key }, value)
    },
  })
}

function labelledCounter(registry: Registry, { name, help }: Spec, label: string, read: ReadLabelled): void {
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset()
      for (const [key, value] of Object.entries(read() ?? {})) this.inc({ [label]: key }, value)
    },
  })
}

/** Every known key at 0, so that a series exists (and `rate()` works) before its first count. */
function withZeros(keys: readonly string[], counts: Record<string, number>): Record<string, number> {
  return { ...Object.fromEntries(keys.map((key) => [key, 0])), ...counts }
}

function liveMetrics(registry: Registry, sources: MetricSources): void {
  const stats = () => sources.liveStats()
  gauge(registry, { name: 'fm_api_live_clients', help: 'socket.io clients connected' }, () => stats().clients)
  gauge(
    registry,
    { name: 'fm_api_live_lagging_clients', help: 'sockets taking no data right now; their deltas are held, coalesced' },
    () => stats().lagging,
  )
  gauge(
    registry,
    { name: 'fm_api_live_queued_frames', help: 'frames queued in engine.io for all sockets, not yet written' },
    () => stats().queuedFrames,
  )
  gauge(
    registry,
    { name: 'fm_api_live_held_deltas', help: 'deltas held for lagging sockets, at most one per device and socket' },
    () => stats().heldDeltas,
  )
  gauge(
    registry,
    { name: 'fm_api_live_held_events', help: 'device events held for lagging sockets' },
    () => stats().heldEvents,
  )
  labelledCounter(
    registry,
    {
      name: 'fm_api_live_dropped_events_total',
      help: 'device events dropped: for every socket in a flood (flood), or the oldest held for a lagging one (lagging)',
    },
    'reason',
    () => ({ flood: stats().floodDroppedEvents, lagging: stats().droppedEvents }),
  )
  counter(
    registry,
    { name: 'fm_api_live_stuck_disconnects_total', help: 'sockets closed after taking no data for too long' },
    () => stats().stuckDisconnects,
  )
  counter(
    registry,
    { name: 'fm_api_live_refused_client_events_total', help: 'events live clients sent, which the api takes none of' },
    () => stats().refusedClientEvents,
  )
}

function brokerMetrics(registry: Registry, sources: MetricSources): void {
  const status = () => sources.brokerStatus()
  const topic = serviceStatusTopic('broker')
  gauge(
    registry,
    { name: 'fm_broker_up', help: `1 while the broker's status on ${topic} says online and is fresh, else 0` },
    () => {
      const broker = status()
      return broker?.online && !isStale(broker, broker.intervalMs, Date.now()) ? 1 : 0
    },
  )
  gauge(
    registry,
    { name: 'fm_broker_status_age_seconds', help: `age of the broker's latest status on ${topic}` },
    () => {
      const broker = status()
      return broker && statusAgeMs(broker, Date.now()) / 1000
    },
  )
  labelledGauge(
    registry,
    { name: 'fm_broker_connections', help: 'connected MQTT clients: every kind (clients) and devices only (devices)' },
    'kind',
    () => {
      const connections = status()?.connections
      return connections && { clients: connections.clients, devices: connections.devices }
    },
  )
  const figures: [Spec, (broker: BrokerStatus) => number][] = [
    [
      { name: 'fm_broker_connections_max', help: 'connections the broker accepts (FM_BROKER_MAX_CONNECTIONS)' },
      (broker) => broker.connections.max,
    ],
    [
      { name: 'fm_broker_auth_pending', help: 'logins waiting for their password check' },
      (broker) => broker.connections.authPending,
    ],
    [
      { name: 'fm_broker_messages_received_per_second', help: 'PUBLISH packets accepted, over the last interval' },
      (broker) => broker.messages.inPerSec,
    ],
    [
      { name: 'fm_broker_messages_sent_per_second', help: 'PUBLISH packets written, over the last interval' },
      (broker) => broker.messages.outPerSec,
    ],
    [
      { name: 'fm_broker_throttled_clients', help: 'clients over their publish rate right now, being slowed down' },
      (broker) => broker.throttled.clients,
    ],
    [
      { name: 'fm_broker_outgoing_bytes', help: 'bytes written to clients and not yet sent, all clients' },
      (broker) => broker.queues.outgoingBytes,
    ],
    [
      { name: 'fm_broker_largest_outgoing_bytes', help: 'bytes not yet sent to the client with the most' },
      (broker) => broker.queues.largestOutgoingBytes,
    ],
    [
      { name: 'fm_broker_slow_consumer_limit_bytes', help: 'unsent bytes at which a client is disconnected' },
      (broker) => broker.queues.slowConsumerLimitBytes,
    ],
    [
      { name: 'fm_broker_resident_memory_bytes', help: "the broker process's resident memory" },
      (broker) => broker.memory.rssBytes,
    ],
    [{ name: 'fm_broker_heap_used_bytes', help: "the broker's used V8 heap" }, (broker) => broker.memory.heapUsedBytes],
  ]
  for (const [spec, figure] of figures) {
    gauge(registry, spec, () => {
      const broker = status()
      return broker && figure(broker)
    })
  }
  const totals: [Spec, (broker: BrokerStatus) => number][] = [
    [
      {
        name: 'fm_broker_messages_received_total',
        help: 'PUBLISH packets accepted from clients since the broker started',
      },
      (broker) => broker.messages.inTotal,
    ],
    [
      {
        name: 'fm_broker_messages_sent_total',
        help: 'PUBLISH packets written to subscribers since the broker started',
      },
      (broker) => broker.messages.outTotal,
    ],
    [
      { name: 'fm_broker_throttled_publishes_total', help: 'PUBLISH packets delayed by a rate limit since start' },
      (broker) => broker.throttled.total,
    ],
  ]
  for (const [spec, total] of totals) {
    counter(registry, spec, () => {
      const broker = status()
      return broker && total(broker)
    })
  }
  labelledCounter(
    registry,
    {
      name: 'fm_broker_dropped_total',
      help: 'connections closed or refused and packets discarded since start, by reason',
    },
    'reason',
    () => {
      const dropped = status()?.dropped
      return dropped && withZeros(BROKER_DROP_REASONS, dropped)
    },
  )
}

function ingestMetrics(registry: Registry, sources: MetricSources): void {
  const status = () => sources.ingestStatus()
  const topic = serviceStatusTopic('ingest')
  gauge(
    registry,
    { name: 'fm_ingest_up', help: `1 while ingest's status on ${topic} says online and is fresh, else 0` },
    () => {
      const ingest = status()
      return ingest?.online && !isStale(ingest, ingest.intervalMs ?? INGEST_STATUS_INTERVAL_MS, Date.now()) ? 1 : 0
    },
  )
  gauge(registry, { name: 'fm_ingest_status_age_seconds', help: `age of ingest's latest status on ${topic}` }, () => {
    const ingest = status()
    return ingest && statusAgeMs(ingest, Date.now()) / 1000
  })
  counter(
    registry,
    { name: 'fm_ingest_accepted_total', help: 'MQTT messages accepted since ingest started' },
    () => status()?.accepted,
  )
  labelledCounter(
    registry,
    { name: 'fm_ingest_rejected_total', help: 'MQTT messages rejected since ingest started, by error code' },
    'code',
    () => {
      const byCode = status()?.rejectedByCode
      return byCode && withZeros(MQTT_REJECTIONS, byCode)
    },
  )
  gauge(
    registry,
    { name: 'fm_ingest_rate_per_second', help: 'messages accepted per second over the last interval' },
    () => status()?.ratePerSec,
  )
  gauge(
    registry,
    { name: 'fm_ingest_spool_depth', help: 'readings waiting in the spool for the time series' },
    () => status()?.spool?.depth,
  )
  gauge(
    registry,
    { name: 'fm_ingest_spool_bytes', help: 'size of the readings waiting in the spool' },
    () => status()?.spool?.bytes,
  )
  gauge(
    registry,
    { name: 'fm_ingest_write_lag_seconds', help: 'age of the oldest reading received and not yet confirmed stored' },
    () => {
      const writeLagMs = status()?.timeseries?.writeLagMs
      return writeLagMs === undefined ? undefined : writeLagMs / 1000
    },
  )
  gauge(
    registry,
    {
      name: 'fm_ingest_latency_p99_seconds',
      help: "99th percentile from a reading's ts to it being stored or spooled, over the last interval",
    },
    () => {
      // with no reading measured, the percentile means nothing
      const latency = status()?.latency
      return latency && latency.samples > 0 ? latency.p99Ms / 1000 : undefined
    },
  )
}

export function createMetricsRegistry(sources: MetricSources): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'fm_api_' })
  liveMetrics(registry, sources)
  brokerMetrics(registry, sources)
  ingestMetrics(registry, sources)
  return registry
}
