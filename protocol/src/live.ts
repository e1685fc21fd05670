/**
 * socket.io events between the api and the dashboard. On connect the server sends one `snapshot`; after that only
 * `deltas`, coalesced so that a browser gets a handful of updates per second per device, and `events` as they happen.
 */
import { type Static, Type } from 'typebox'
import type { AlarmChange, AlarmView, FloodStatus } from './alarms.ts'
import type { DeviceView } from './api.ts'
import type { DeviceEvent } from './events.ts'
import type { FieldValue } from './telemetry.ts'
import type { WorkOrderChange } from './work-orders.ts'

export interface LiveSnapshot {
  ts: number
  devices: DeviceView[]
  /** Every alarm not in state normal, or shelved or out of service, of the user's scope. */
  alarms: AlarmView[]
  /** The flood state of each site of the user's scope. */
  floods: FloodStatus[]
}

/** What changed on one device since the last delta. `values` holds only the fields that changed. */
export interface DeviceDelta {
  id: string
  online?: boolean
  lastSeen?: number
  values?: Record<string, FieldValue>
  valuesTs?: number
}

export interface ServerToClientEvents {
  snapshot: (snapshot: LiveSnapshot) => void
  deltas: (deltas: DeviceDelta[]) => void
  events: (events: DeviceEvent[]) => void
  /** Alarms that changed, each in its latest state, oldest change first. */
  alarms: (changes: AlarmChange[]) => void
  flood: (status: FloodStatus) => void
  /** A work order changed, in its latest state (a resident's phone number left out: the REST detail has it). */
  workOrder: (change: WorkOrderChange) => void
}

// biome-ignore lint/complexity/noBannedTypes: the dashboard sends nothing yet; typed so that adding events is checked
export type ClientToServerEvents = {}

/** Most often the api sends deltas to a browser. */
export const LIVE_FLUSH_INTERVAL_MS = 250

/** Service status, retained on `fm/services/<service>/status`, for health and monitoring. */
export const SERVICE_STATUS_TOPIC = 'fm/services/+/status'
export function serviceStatusTopic(service: string): string {
  return `fm/services/${service}/status`
}

/** The time series as ingest, its only writer, sees it: `down` while its writes fail, whatever the server says. */
export const IngestTimeSeriesStatus = Type.Object({
  name: Type.Enum(['sqlite', 'influxdb'], { description: 'which implementation ingest writes to' }),
  status: Type.Enum(['ok', 'degraded', 'down']),
  detail: Type.Optional(Type.String()),
  writeLagMs: Type.Integer({
    minimum: 0,
    description: 'age of the oldest reading received and not yet confirmed stored (in memory or spooled), ms',
  }),
  pendingPoints: Type.Integer({
    minimum: 0,
    description: 'readings received and not yet confirmed stored: in memory, in the spool, in client buffers',
  }),
})
export type IngestTimeSeriesStatus = Static<typeof IngestTimeSeriesStatus>

/** Ingest's on-disk spool of readings the time series has not taken yet (drained oldest first when it answers). */
export const IngestSpoolStatus = Type.Object({
  depth: Type.Integer({ minimum: 0, description: 'readings waiting in the spool' }),
  bytes: Type.Integer({ minimum: 0, description: 'size of the readings waiting, bytes; the limit counts these' }),
  limitBytes: Type.Integer({ minimum: 1, description: 'FM_INGEST_SPOOL_MAX_MB; at 100 % readings are refused' }),
  oldestTs: Type.Optional(Type.Integer({ minimum: 0, description: 'when the oldest waiting batch was spooled' })),
  detail: Type.Optional(
    Type.String({ description: 'set while ingest refuses readings (spool full or failing): they stay in the broker' }),
  ),
})
export type IngestSpoolStatus = Static<typeof IngestSpoolStatus>

/** Time from a reading's `ts` to it being durably stored or spooled, over the last status interval. */
export const IngestLatency = Type.Object({
  samples: Type.Integer({ minimum: 0, description: 'readings measured' }),
  p50Ms: Type.Number({ minimum: 0 }),
  p99Ms: Type.Number({ minimum: 0 }),
  maxMs: Type.Number({ minimum: 0 }),
})
export type IngestLatency = Static<typeof IngestLatency>

/**
 * Ingest's own status, retained on `fm/services/ingest/status` and refreshed every `intervalMs`; its last will
 * is the same with `online: false`. Readers accept unknown keys so that a newer ingest can add counters, and
 * `timeseries` and `spool` are optional so that the status of an older ingest still decodes.
 */
export const IngestStatus = Type.Object({
  online: Type.Boolean(),
  ts: Type.Integer({ minimum: 0, description: 'when this status was published, epoch ms' }),
  intervalMs: Type.Optional(Type.Integer({ minimum: 1, description: 'how often ingest refreshes this status' })),
  accepted: Type.Integer({ minimum: 0, description: 'messages accepted since ingest started' }),
  rejected: Type.Integer({ minimum: 0, description: 'messages rejected since ingest started' }),
  rejectedByCode: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  ratePerSec: Type.Number({ minimum: 0, description: 'accepted messages per second over the last interval' }),
  timeseries: Type.Optional(IngestTimeSeriesStatus),
  spool: Type.Optional(IngestSpoolStatus),
  latency: Type.Optional(IngestLatency),
})
export type IngestStatus = Static<typeof IngestStatus>

/**
 * Why the broker closed, refused or discarded something. Counted since the broker started; each also logs a warning
 * (rate-limited) with the client id and remote address.
 */
export const BROKER_DROP_REASONS = [
  /** CONNECT refused: unknown client, wrong password, revoked device, forbidden will */
  'auth-failed',
  /** CONNECT refused with "server unavailable": too many logins waiting for their password check */
  'admission-full',
  /** socket closed at once: FM_BROKER_MAX_CONNECTIONS reached */
  'connection-limit',
  /** PUBLISH to a topic the client may not use; the connection is closed */
  'publish-denied',
  /** packet announced beyond the size limit; the connection is closed */
  'oversized-packet',
  /** a device kept publishing beyond its rate limit after being throttled; the connection is closed */
  'rate-limit',
  /** a subscriber let too many bytes pile up unread; the connection is closed so that it cannot hold memory */
  'slow-consumer',
] as const
export type BrokerDropReason = (typeof BROKER_DROP_REASONS)[number]

/**
 * The broker's own status, retained on `fm/services/broker/status` every `intervalMs`; `online: false` is published
 * when it shuts down. The api turns it into `/api/health` and `/metrics`.
 */
export const BrokerStatus = Type.Object({
  online: Type.Boolean(),
  ts: Type.Integer({ minimum: 0, description: 'when this status was published, epoch ms' }),
  intervalMs: Type.Integer({ minimum: 1, description: 'how often the broker refreshes this status' }),
  startedAt: Type.Integer({ minimum: 0, description: 'when the broker started, epoch ms' }),
  connections: Type.Object({
    clients: Type.Integer({ minimum: 0, description: 'connected MQTT clients of every kind' }),
    devices: Type.Integer({ minimum: 0, description: 'connected devices' }),
    max: Type.Integer({ minimum: 1, description: 'FM_BROKER_MAX_CONNECTIONS' }),
    authPending: Type.Integer({ minimum: 0, description: 'logins waiting for their password check' }),
  }),
  messages: Type.Object({
    inTotal: Type.Integer({ minimum: 0, description: 'PUBLISH packets accepted from clients since start' }),
    outTotal: Type.Integer({ minimum: 0, description: 'PUBLISH packets written to subscribers since start' }),
    inPerSec: Type.Number({ minimum: 0, description: 'over the last interval' }),
    outPerSec: Type.Number({ minimum: 0, description: 'over the last interval' }),
  }),
  throttled: Type.Object({
    clients: Type.Integer({ minimum: 0, description: 'clients over their publish rate right now, being slowed down' }),
    total: Type.Integer({ minimum: 0, description: 'PUBLISH packets delayed by a rate limit since start' }),
  }),
  dropped: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
    description: `closed, refused or discarded since start, by reason: ${BROKER_DROP_REASONS.join(', ')}`,
  }),
  queues: Type.Object({
    outgoingBytes: Type.Integer({ minimum: 0, description: 'bytes written to clients and not yet sent, all clients' }),
    largestOutgoingBytes: Type.Integer({ minimum: 0, description: 'the same, for the client with the most' }),
    slowConsumerLimitBytes: Type.Integer({ minimum: 1, description: 'a client above this is disconnected' }),
  }),
  memory: Type.Object({
    rssBytes: Type.Integer({ minimum: 0 }),
    heapUsedBytes: Type.Integer({ minimum: 0 }),
  }),
})
export type BrokerStatus = Static<typeof BrokerStatus>
