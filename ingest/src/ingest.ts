/**
 * Ingest: every device message is decoded once, checked against the device registry, and handed to the named steps
 * of its channel (steps.ts), which queue the writes; readings go to the time series or, while it is unreachable, to
 * the spool on disk (timeseries-writer.ts), device state and events to the operational store (write-queue.ts).
 * Nothing a device sends can stop the flow: a bad message is counted by code, logged (rate-limited) and dropped,
 * and a step that throws is logged while the next message still runs.
 *
 * Nothing the broker accepted is lost: the PUBACK of a QoS 1 reading or event is held until it is written or spooled
 * (held-acks.ts), so a message ingest had not made durable when it stopped, crashed or refused it is delivered again.
 *
 * The alarm engine (alarm-engine.ts) is told of every message as the last step of its channel and ticks every
 * second; each alarm change it makes is published on `fm/services/ingest/alarms/<siteId>` (QoS 1, not retained).
 */
import {
  type AlarmChange,
  alarmChangeTopic,
  channelFilter,
  DEVICE_CHANNELS,
  type DeviceAddress,
  type DeviceMessage,
  decodeMessage,
  type IngestStatus,
  type MqttRejection,
  parseTopic,
  RULE_CHANGES_FILTER,
  serviceStatusTopic,
  type WorkOrderChange,
  workOrderChangeTopic,
} from '@fm/protocol'
import type { AlarmUpdate, DeviceRecord, Store, TimeSeriesStore } from '@fm/store'
import type { Logger } from 'pino'
import { createAlarmEngine } from './alarm-engine.ts'
import type { IngestConfig } from './config.ts'
import { createDeviceRegistry } from './device-registry.ts'
import { type AckTicket, MAX_HELD_ACKS } from './held-acks.ts'
import { createLogLimiter } from './log-limiter.ts'
import { createMaintenance, MAINTENANCE_SWEEP_MS } from './maintenance.ts'
import { type MqttSession, openMqttSession } from './mqtt-session.ts'
import { createSinks } from './sinks.ts'
import { openSpool, type Spool, spoolFile } from './spool.ts'
import { createIngestCounters, type IngestStats } from './stats.ts'
import { createPipelines, runSteps } from './steps.ts'

export interface IngestDeps {
  store: Store
  timeseries: TimeSeriesStore
  /** Where readings wait while the time series is unreachable; by default `<dataDir>/spool.db`, closed on stop. */
  spool?: Spool
  logger: Logger
  /** Epoch ms; injectable so that tests control receive times. */
  now?: () => number
}

export interface Ingest {
  /** Connects (retrying until the broker is there) and resolves once subscribed. */
  start(): Promise<void>
  /** Writes everything queued, publishes the offline status and disconnects. Idempotent. */
  stop(): Promise<void>
  stats(): IngestStats
  /** Building and room of a registered device, from the registry's cache (for the InfluxDB tags). */
  placeOf(deviceId: string): Pick<DeviceRecord, 'buildingId' | 'roomId'> | undefined
}

export const INGEST_STATUS_TOPIC = serviceStatusTopic('ingest')
/** Full log lines per rejection code (and per failing step) per window; the rest are summarised. */
const LOG_LIMIT = 5
const LOG_WINDOW_MS = 60_000
const EXCERPT_CHARS = 120
/** Longest wait for the broker's PUBACK of a status; it bounds how long stop() can hang on a stuck broker. */
const STATUS_PUBACK_TIMEOUT_MS = 5000
const RULE_CHANGES_PREFIX = RULE_CHANGES_FILTER.slice(0, -1)
/** How often alarm delays, silent devices and expired shelves are checked. */
const ALARM_TICK_MS = 1000

function isRuleChange(topic: string): boolean {
  return topic.startsWith(RULE_CHANGES_PREFIX) && !topic.slice(RULE_CHANGES_PREFIX.length).includes('/')
}

function addressOf(message: DeviceMessage): DeviceAddress {
  switch (message.channel) {
    case 'telemetry':
      return message.reading
    case 'event':
      return message.event
    case 'status':
      return message.status
    case 'ack':
      return message.ack
  }
}

function excerpt(payload: Buffer): string {
  const text = payload.subarray(0, EXCERPT_CHARS * 4).toString('utf8')
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text
}

export function createIngest(config: IngestConfig, deps: IngestDeps): Ingest {
  const now = deps.now ?? Date.now
  const { logger } = deps
  const counters = createIngestCounters(now(), config.statusIntervalMs)
  const registry = createDeviceRegistry({ store: deps.store, logger, now })
  const ownSpool = deps.spool === undefined
  const spool = deps.spool ?? openSpool({ file: spoolFile(config.dataDir), limitBytes: config.spoolMaxBytes, now })
  const sinks = createSinks(config, deps, spool, now)
  const writer = sinks.readings
  const queues = [sinks.readings, sinks.states, sinks.events]
  const rejectionLog = createLogLimiter({
    limit: LOG_LIMIT,
    windowMs: LOG_WINDOW_MS,
    onSuppressed: ({ key, count, since }) =>
      logger.warn({ code: key, suppressed: count, sinceMs: now() - since }, 'further rejections not logged one by one'),
  })
  const failureLog = createLogLimiter({
    limit: LOG_LIMIT,
    windowMs: LOG_WINDOW_MS,
    onSuppressed: ({ key, count, since }) =>
      logger.error({ step: key, suppressed: count, sinceMs: now() - since }, 'further step failures not logged'),
  })
  let session: MqttSession | undefined
  let timers: NodeJS.Timeout[] = []
  let stopping: Promise<void> | undefined
  /** Set when stopping: a QoS 1 message that arrives now is left to the broker rather than half processed. */
  let intakeClosed = false
  /** QoS 1 messages refused (left with the broker) since start. */
  let deferred = 0
  /** Alarm changes made before the session existed (at start); the session sends them once connected. */
  let unannounced: AlarmUpdate[] = []
  let unannouncedWorkOrders: WorkOrderChange[] = []
  let alarmPublishFailures = 0
  const alarms = createAlarmEngine({
    store: deps.store,
    now,
    commsSettleMs: config.commsSettleMs,
    onChange: alarmChanged,
    onError: alarmFailed,
  })
  const maintenance = createMaintenance({
    store: deps.store,
    now,
    onChange: publishWorkOrder,
    onError: (part, error) => {
      const step = `maintenance.${part}`
      if (failureLog.admit(step, now())) logger.error({ err: error, step }, 'maintenance step failed; retried later')
    },
  })
  const pipelines = createPipelines(sinks, alarms, maintenance, logger)

  function reject(topic: string, payload: Buffer, code: MqttRejection, reason: string): void {
    counters.reject(code)
    if (rejectionLog.admit(code, now())) {
      logger.warn({ topic, code, reason, bytes: payload.byteLength, payload: excerpt(payload) }, 'message rejected')
    }
  }

  function fail(step: string, topic: string, error: unknown): void {
    counters.stepFailed()
    if (failureLog.admit(step, now())) logger.error({ err: error, step, topic }, 'ingest step failed')
  }

  function alarmFailed(part: string, error: unknown): void {
    const step = `alarms.${part}`
    if (failureLog.admit(step, now())) logger.error({ err: error, step }, 'alarm engine failed; retrying on next tick')
  }

  function alarmChanged(update: AlarmUpdate): void {
    publishAlarm(update)
    maintenance.alarmChanged(update)
  }

  /** Announces a work order opened or escalated here to the api instances; the change is in the store already. */
  function publishWorkOrder(change: WorkOrderChange): void {
    if (!session) {
      unannouncedWorkOrders.push(change)
      return
    }
    const topic = workOrderChangeTopic('ingest', change.workOrder.siteId)
    session.publish(topic, JSON.stringify(change)).catch((error: unknown) => {
      if (failureLog.admit('maintenance.publish', now())) logger.warn({ err: error, topic }, 'work order not published')
    })
  }

  function sweepMaintenance(): void {
    maintenance.sweep(now())
  }

  /** Announces an alarm change to the api instances and integrations; the change itself is in the store already. */
  function publishAlarm(update: AlarmUpdate): void {
    if (!session) {
      unannounced.push(update)
      return
    }
    const change: AlarmChange = { alarm: update.alarm, transition: update.transition, ts: update.ts }
    const topic = alarmChangeTopic('ingest', update.alarm.siteId)
    session.publish(topic, JSON.stringify(change)).catch((error: unknown) => {
      alarmPublishFailures += 1
      if (failureLog.admit('alarms.publish', now())) logger.warn({ err: error, topic }, 'alarm change not published')
    })
  }

  function tickAlarms(): void {
    try {
      alarms.tick(now())
    } catch (error) {
      alarmFailed('tick', error)
    }
  }

  /** The api changed a rule override: read them again now rather than at the next periodic reload. */
  function reloadRules(topic: string): void {
    try {
      alarms.reload()
      logger.info({ topic }, 'alarm rules reloaded')
    } catch (error) {
      logger.error({ err: error, topic }, 'reloading the alarm rules failed; keeping the rules loaded before')
    }
  }

  /**
   * Only `status` is retained by the protocol, and the broker clears the retain flag elsewhere. A retained telemetry,
   * event or ack that still reaches us (kept by an older broker, or one without that rule) is replayed on every
   * subscribe, i.e. on every ingest start, and would be stored again each time: it is dropped. Not a rejection of
   * the device's message, which was taken when it was first published, so it is logged at debug and not counted.
   */
  function isStaleRetained(topic: string, retained: boolean): boolean {
    if (!retained) return false
    const parsed = parseTopic(topic)
    if (!parsed.ok || parsed.topic.channel === 'status') return false
    logger.debug({ topic }, 'retained message skipped: only status is retained')
    return true
  }

  /** Leaves a QoS 1 message with the broker: not processed, not acknowledged, delivered again on a new connection. */
  function defer(ack: AckTicket, reason: string): void {
    deferred += 1
    if (ack.accepted) ack.refuse(reason)
  }

  function onRefused(reason: string): void {
    if (intakeClosed) return
    logger.error(
      { reason, held: session?.heldAcks },
      'not acknowledging QoS 1 messages any more on this connection: the broker keeps them until ingest reconnects',
    )
  }

  function receive(topic: string, payload: Buffer, retained: boolean, ack: AckTicket | undefined): void {
    try {
      // a connection that refuses takes nothing more (PUBACKs go in order); a stopping ingest takes nothing new
      if (ack && (!ack.accepted || intakeClosed)) {
        defer(ack, 'ingest is stopping')
        return
      }
      if (isRuleChange(topic)) {
        reloadRules(topic)
        return
      }
      if (isStaleRetained(topic, retained)) return
      const receivedAt = now()
      const decoded = decodeMessage(topic, payload, receivedAt)
      if (!decoded.ok) {
        reject(topic, payload, decoded.code, decoded.error)
        return
      }
      const known = registry.check(addressOf(decoded.message))
      if (!known.ok) {
        reject(topic, payload, 'FM_ERR_MQTT_DEVICE_UNKNOWN', known.reason)
        return
      }
      if (ack && decoded.message.channel === 'telemetry' && !writer.accepting()) {
        defer(ack, writer.status().spool.detail ?? 'the spool does not take readings')
        return
      }
      counters.accept()
      const receipt = { receivedAt, retained, ...(ack ? { ack } : {}) }
      runSteps(pipelines, decoded.message, receipt, (step, error) => fail(step, topic, error))
    } catch (error) {
      // Decoding never throws by contract; this guards the contract, not the device.
      fail('receive', topic, error)
    }
  }

  async function flushAll(): Promise<void> {
    await Promise.all(queues.map((queue) => queue.flush()))
  }

  /** Once the spool takes readings again, reconnect: the broker then delivers what this connection refused. */
  async function flushAndResume(): Promise<void> {
    await flushAll()
    if (session?.refusal !== undefined && !intakeClosed && writer.accepting()) session.restart()
  }

  function status(online: boolean): IngestStatus {
    return { ...counters.status(online, now()), ...writer.status(), latency: writer.latency() }
  }

  async function publishStatus(online: boolean): Promise<void> {
    if (!session?.connected) return
    const payload = JSON.stringify(status(online))
    try {
      await session.publishRetained(INGEST_STATUS_TOPIC, payload, STATUS_PUBACK_TIMEOUT_MS)
    } catch (error) {
      logger.warn({ err: error, topic: INGEST_STATUS_TOPIC }, 'could not publish ingest status')
    }
  }

  /**
   * Revocations and kind or site changes reach a running ingest here, within `registryReloadMs`. The broker already
   * refuses a revoked device at CONNECT; the device identity issue adds an instant disconnect on revocation. This
   * reload is the last line: a message from a device that is no longer allowed is rejected, not stored.
   */
  function reloadRegistry(): void {
    try {
      registry.load()
    } catch (error) {
      logger.error({ err: error }, 'reloading the device registry failed; keeping the devices loaded before')
    }
  }

  function tick(): void {
    const at = now()
    counters.sampleRate(at)
    rejectionLog.sweep(at)
    failureLog.sweep(at)
    void publishStatus(true)
  }

  async function start(): Promise<void> {
    if (session || stopping) throw new Error('ingest can be started once; create another to start again')
    // Before the first CONNACK: a resumed session delivers queued messages at once, and they need the registry and
    // the open alarms.
    registry.load()
    alarms.start()
    // What an earlier run spooled goes first; new batches queue behind it until it is drained.
    writer.start()
    session = openMqttSession({
      url: config.mqttUrl,
      ca: config.mqttCa,
      username: config.mqttUsername,
      password: config.mqttPassword,
      clientId: config.clientId,
      subscriptions: [...DEVICE_CHANNELS.map(channelFilter), RULE_CHANGES_FILTER],
      // Fixed at CONNECT time, so its counters say nothing: `online: false` is the message.
      will: { topic: INGEST_STATUS_TOPIC, payload: JSON.stringify(counters.status(false, now())) },
      logger,
      onMessage: receive,
      maxHeldAcks: MAX_HELD_ACKS,
      onRefused,
      onConnect: () => void publishStatus(true),
    })
    for (const update of unannounced) publishAlarm(update)
    unannounced = []
    for (const change of unannouncedWorkOrders) publishWorkOrder(change)
    unannouncedWorkOrders = []
    timers = [
      // On time even when the batch is small: the PUBACKs of its messages wait for it.
      setInterval(() => void flushAndResume(), config.flushIntervalMs),
      setInterval(tick, config.statusIntervalMs),
      setInterval(reloadRegistry, config.registryReloadMs),
      setInterval(tickAlarms, ALARM_TICK_MS),
      setInterval(sweepMaintenance, MAINTENANCE_SWEEP_MS),
    ]
    await session.ready
  }

  async function shutdown(): Promise<void> {
    for (const timer of timers) clearInterval(timer)
    // Unsubscribing would stop intake sooner, but it would also drop the subscriptions from the persistent session,
    // and the broker would stop queueing for us while we are down. So messages keep flowing until the session ends:
    // a QoS 1 message arriving from now on is left unacknowledged for the next run (processing it without being able
    // to acknowledge it would store it twice), and everything received before is written or spooled, and acknowledged
    // before the DISCONNECT.
    intakeClosed = true
    await flushAll()
    if (session) {
      counters.sampleRate(now())
      await publishStatus(false)
      await session.end()
    }
    await flushAll()
    await writer.stop()
    rejectionLog.drain()
    failureLog.drain()
    const unwritten = Object.fromEntries(
      [sinks.states, sinks.events].filter((q) => q.size > 0).map((q) => [q.name, q.size]),
    )
    if (Object.keys(unwritten).length > 0) {
      // QoS 1 events among them were not acknowledged: the broker delivers them again to the next run
      logger.error({ unwritten }, 'operational store still failing at shutdown: these queued items are not written')
    }
    if (writer.size > 0) logger.error({ readings: writer.size }, 'readings neither written nor spooled at shutdown')
    logger.info(status(false), 'ingest stopped')
    if (ownSpool) spool.close()
  }

  return {
    start,
    stop() {
      stopping ??= shutdown()
      return stopping
    },
    stats() {
      const { readings, states, events } = sinks
      return {
        ...status(session?.connected ?? false),
        stepFailures: counters.stepFailures(),
        queued: { readings: readings.size, states: states.size, events: events.size },
        heldAcks: session?.heldAcks ?? 0,
        deferred,
        dropped: readings.dropped,
        duplicates: readings.duplicates,
        alarms: { ...alarms.counts(), publishFailures: alarmPublishFailures },
      }
    },
    placeOf(deviceId) {
      return registry.device(deviceId)
    },
  }
}
