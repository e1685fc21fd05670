/**
 * The public surface of the store. Services depend on these interfaces; `openStore` and `openTimeSeries`
 * return the SQLite implementations (PostgreSQL and InfluxDB come with later issues).
 */
import type {
  DeviceEvent,
  DeviceKind,
  DeviceView,
  FieldValue,
  History,
  Reading,
  Site,
  SiteManifest,
  StoredEvent,
} from '@fm/protocol'

/** A registered device as the broker and ingest see it. */
export interface DeviceRecord {
  id: string
  siteId: string
  kind: DeviceKind
  name: string
  nameEn?: string
  buildingId?: string
  roomId?: string
  attributes: Record<string, string | number | boolean>
  reportIntervalSec: number
  /** Set when an admin revoked the device: it may no longer connect. */
  revokedAt?: number
}

export interface ProvisionResult {
  siteId: string
  /** Devices created by this call, with the password to give to the device. Shown once; only a hash is kept. */
  created: { id: string; password: string }[]
  /** Devices that already existed: names, places and attributes were updated from the manifest, credentials were not touched. */
  existing: string[]
}

/** Latest state of one device, merged from every message it sent. */
export interface DeviceState {
  deviceId: string
  online: boolean
  lastSeen: number | null
  values: Record<string, FieldValue>
  valuesTs: number | null
}

export interface Store {
  /**
   * Creates or updates the site, its buildings and rooms, creates the devices that do not exist yet and updates
   * the others. Idempotent. Throws a `ManifestError` listing every problem when the manifest is invalid.
   * Async: new passwords are hashed (scrypt) off the event loop.
   */
  provisionSite(manifest: SiteManifest): Promise<ProvisionResult>
  listSites(): Site[]
  getDevice(id: string): DeviceRecord | undefined
  listDevices(filter?: { siteId?: string }): DeviceRecord[]
  /**
   * Checks a device's MQTT credentials (scrypt). Returns the device, or undefined for a wrong password, an unknown or
   * revoked device. A password that verified recently against the device's current hash is admitted without scrypt.
   */
  verifyDeviceCredentials(deviceId: string, password: string): Promise<DeviceRecord | undefined>
  /** Sets a new password for a device and returns it (undefined for an unknown device). Lifts a revocation. */
  rotateDeviceCredentials(deviceId: string): Promise<string | undefined>
  /** Refuses the device from now on, until its credentials are rotated. Returns false for an unknown device. */
  revokeDevice(deviceId: string): boolean
  /** How the cache of recently verified credentials behind `verifyDeviceCredentials` did since the store was opened. */
  credentialCacheStats(): CredentialCacheStats
  /**
   * Merges a batch of telemetry and status into the latest device state, in one transaction. Out-of-order safe:
   * a late reading never overwrites newer values, a status older than the stored one is ignored.
   * Updates for unregistered devices are ignored.
   */
  updateDeviceStates(updates: DeviceStateUpdate[]): void
  getDeviceStates(): DeviceState[]
  /** Devices joined with their latest state, as the api serves them. */
  listDeviceViews(filter?: { siteId?: string }): DeviceView[]
  /** Stores device events in one transaction; events of unregistered devices are ignored. */
  appendEvents(events: DeviceEvent[]): void
  /** Newest first. `limit` defaults to 50 and is capped at 500; `before` (epoch ms, exclusive) pages backwards. */
  /**
   * Newest first. Page backwards with the last event of the previous page: `before` its ts, `beforeId` its id.
   * `before` alone returns events strictly earlier than that time.
   */
  listEvents(deviceId: string, options?: { limit?: number; before?: number; beforeId?: number }): StoredEvent[]
  close(): void
}

/** Bounds of the cache of recently verified device credentials (`openStore({ credentialCache })`). */
export interface CredentialCacheOptions {
  /** Most entries (devices) kept; the least recently used goes first. 0 turns the cache off. Default 50 000. */
  capacity?: number
  /** How long after its scrypt check an entry still admits, in ms; then the full check runs again. Default 24 h. */
  maxAgeMs?: number
}

export interface CredentialCacheStats {
  /** Verifications answered from the cache, without a scrypt round. */
  hits: number
  /**
   * Verifications that ran the full scrypt check: a first login, a wrong password, an unknown, revoked or rotated
   * device, or an entry past its age.
   */
  misses: number
  /** Entries held now. */
  size: number
}

export type DeviceStateUpdate =
  | { deviceId: string; type: 'reading'; ts: number; values: Record<string, FieldValue> }
  | { deviceId: string; type: 'status'; ts: number; online: boolean }
  | { deviceId: string; type: 'seen'; ts: number }

export interface HistoryQuery {
  deviceId: string
  kind: DeviceKind
  /** Fields to return; when omitted, every field of the kind this device has data for. Unknown fields throw. */
  fields?: string[]
  /** Range in epoch ms, from inclusive, to exclusive. */
  from: number
  to: number
  /** Upper bound on points per series; the bucket width is chosen from it. */
  maxPoints?: number
}

/** Resolution a history answer was read from: raw samples, or the 1-minute or 1-hour roll-ups. */
export type TimeSeriesTier = 'raw' | '1m' | '1h'

/** State of a time-series store as health checks and ingest see it. */
export interface TimeSeriesHealth {
  status: 'ok' | 'degraded' | 'down'
  detail?: string
  /** Age of the oldest point accepted by `write` but not yet confirmed stored, in ms; 0 when nothing is pending. */
  writeLagMs: number
  /** Points accepted by `write` and not yet confirmed stored (client-side buffers). */
  pendingPoints: number
}

/**
 * The time-series store: one interface, two implementations (embedded SQLite, the default; InfluxDB 2.x when
 * `INFLUX_URL` is set), one contract test suite that both pass.
 */
export interface TimeSeriesStore {
  /** Which implementation this is, for logs and health. */
  readonly name: 'sqlite' | 'influxdb'
  /**
   * Stores readings. Enum and boolean fields are stored as numeric codes (see `numericValue`). Resolves only when the
   * points are durably stored; rejects when they could not be (the caller spools them and retries later).
   */
  write(readings: Reading[]): Promise<void>
  /** Buckets with mean, min and max per field, from the coarsest tier that still gives about `maxPoints` points. */
  history(query: HistoryQuery): Promise<History>
  health(): TimeSeriesHealth
  close(): Promise<void>
}
