/**
 * The public surface of the store. Services depend on these interfaces; `openStore` and `openTimeSeries`
 * return the SQLite implementations (PostgreSQL and InfluxDB come with later issues).
 */

import type {
  AlarmPriority,
  AlarmView,
  ChecklistItem,
  ChecklistResult,
  CreateWorkOrderInput,
  DeviceEvent,
  DeviceKind,
  DeviceSpec,
  DeviceView,
  FieldValue,
  History,
  Permission,
  PmPlan,
  PmSchedule,
  Reading,
  Site,
  SiteManifest,
  SlaPolicy,
  SlaTargets,
  StoredEvent,
  UserRole,
  UserScope,
  WorkOrderActionInput,
  WorkOrderCategory,
  WorkOrderEvent,
  WorkOrderOrigin,
  WorkOrderPerson,
  WorkOrderState,
  WorkOrderView,
} from '@fm/protocol'
import type { AlarmStore } from './alarms.ts'

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

/** One device to register in a provisioned site, as a manifest lists it, less the password: the store generates it. */
export type NewDevice = Omit<DeviceSpec, 'password'>

export interface CreatedDevice {
  device: DeviceRecord
  /** Generated; shown once, only its hash is kept. */
  password: string
}

/** Latest state of one device, merged from every message it sent. */
export interface DeviceState {
  deviceId: string
  online: boolean
  lastSeen: number | null
  values: Record<string, FieldValue>
  valuesTs: number | null
}

export interface Store extends AlarmStore {
  /**
   * Creates or updates the site, its buildings and rooms, creates the devices that do not exist yet and updates
   * the others. Idempotent. Throws a `ManifestError` listing every problem when the manifest is invalid.
   * Async: new passwords are hashed (scrypt) off the event loop.
   */
  provisionSite(manifest: SiteManifest): Promise<ProvisionResult>
  listSites(): Site[]
  /**
   * Registers one device in a provisioned site, checked as `provisionSite` checks a manifest's devices, with a
   * generated password that is returned once (only its scrypt hash is kept). Throws a `DeviceError`:
   * FM_ERR_DEVICE_INVALID (the schema of a manifest's device, a building or room the site does not have, a room in
   * another building, an id reserved for services, a password given), FM_ERR_SITE_NOT_FOUND, FM_ERR_DEVICE_EXISTS
   * (the id is taken, in any site). Async: the password is hashed off the event loop.
   */
  createDevice(siteId: string, device: NewDevice): Promise<CreatedDevice>
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

  /**
   * Creates a user. Throws a `UserError`: FM_ERR_USER_INVALID (username, display name, role or scope),
   * FM_ERR_PASSWORD_WEAK, FM_ERR_USER_EXISTS (the username, compared case-insensitively, is taken).
   * Async: the password is hashed (scrypt) off the event loop.
   */
  createUser(input: NewUser): Promise<UserRecord>
  getUser(id: string): UserRecord | undefined
  /** Case-insensitive. */
  getUserByUsername(username: string): UserRecord | undefined
  /** Every user, disabled ones included, by username. */
  listUsers(): UserRecord[]
  /**
   * Changes the given fields; undefined for an unknown user. Disabling also revokes the user's sessions.
   * Throws a `UserError` (FM_ERR_USER_INVALID) for an invalid value, and when the change would leave no enabled admin.
   */
  updateUser(id: string, patch: UserPatch): UserRecord | undefined
  /**
   * Sets a new password (policy as in `createUser`), revokes every session of the user and lifts a lockout.
   * `mustChange` (default false) asks the user to choose another one at the next login. False for an unknown user.
   */
  setUserPassword(id: string, password: string, options?: { mustChange?: boolean }): Promise<boolean>
  /**
   * Checks a login (scrypt; an unknown username costs the same time). LOGIN_MAX_FAILURES wrong passwords in a row
   * lock the account for LOGIN_LOCK_MS, during which even the right password is answered 'locked'.
   * 'disabled' is only answered after the right password. Callers must not tell a client which reason it was.
   */
  verifyUserLogin(username: string, password: string): Promise<LoginResult>
  /**
   * When no admin exists, creates `admin` with the given password or a generated one, returned once (generated:
   * the user must change it at first login). Idempotent; concurrent calls of one process run one after the other.
   */
  ensureFirstAdmin(password?: string): Promise<FirstAdminResult>
  /**
   * Opens a session for an enabled user (a `UserError` FM_ERR_USER_INVALID otherwise). The token is returned once;
   * only its SHA-256 is stored. `ttlMs` (default SESSION_TTL_MS) is the absolute lifetime.
   */
  createSession(userId: string, options?: { ip?: string; userAgent?: string; ttlMs?: number }): SessionStart
  /**
   * The live session of a token with its user; undefined when unknown, revoked, expired, idle for SESSION_IDLE_MS,
   * or when the user is disabled. Records activity at most once a minute.
   */
  getSession(token: string): { session: SessionRecord; user: UserRecord } | undefined
  /** False when the token names no session. */
  revokeSession(token: string): boolean
  /** Returns how many sessions were revoked. */
  revokeUserSessions(userId: string): number
  /**
   * Appends an entry to the audit log, which nobody can change or delete (the database refuses it).
   * Never pass passwords, tokens or other secrets: keys containing "password", "token" or "secret" are removed from
   * detail/before/after at any depth as a safety net, and each of them is cut to AUDIT_VALUE_MAX_BYTES of JSON.
   */
  appendAudit(entry: AuditInput): AuditEntry
  /** Newest first; see `AuditQuery`. */
  queryAudit(query?: AuditQuery): AuditEntry[]

  // ---- work orders (work-orders.ts, work-order-actions.ts). Refusals throw a `WorkOrderError`. `ts` defaults to now.

  /**
   * Reports a work order (origin request, guard or complaint). The device, room and building must exist in the site
   * and belong together; the device's room and building fill in those not given. The SLA targets are the site's
   * policy for (category, priority), frozen now. FM_ERR_WO_INVALID otherwise.
   */
  createWorkOrder(input: CreateWorkOrderInput, actor: WorkOrderPerson, ts?: number): WorkOrderView
  /**
   * The one open work order of the alarm's (device, rule): opened once, however often the alarm re-triggers and
   * whichever process asks; a re-trigger counts in `alarm.retriggers` (exact) and on the timeline (at most one
   * `retriggered` event a minute). `created` tells which.
   */
  openAlarmWorkOrder(
    alarm: AlarmView,
    spec: { category: WorkOrderCategory; priority: AlarmPriority },
    ts?: number,
  ): { workOrder: WorkOrderView; created: boolean }
  /**
   * One action of `WORK_ORDER_ACTIONS`, with its effects, appended to the timeline. Throws FM_ERR_WO_NOT_FOUND,
   * FM_ERR_WO_TRANSITION, FM_ERR_WO_FORBIDDEN, FM_ERR_WO_INVALID, FM_ERR_WO_ALARM_ACTIVE, FM_ERR_WO_REOPEN_EXPIRED,
   * FM_ERR_WO_CHECKLIST_INCOMPLETE. Resolving opens one corrective work order per failed checklist item; verifying
   * (or cancelling) a PM work order schedules the plan's next one.
   */
  actOnWorkOrder(id: number, input: WorkOrderActionInput, actor: WorkOrderActor, ts?: number): WorkOrderView
  /** With its clocks as of `now` (default: the store's clock). */
  getWorkOrder(id: number, now?: number): WorkOrderView | undefined
  /** Newest first, a page at a time (`nextCursor`); see `WorkOrderFilter`. Clocks as of `now`. */
  listWorkOrders(filter?: WorkOrderFilter, now?: number): WorkOrderPage
  /** The timeline, oldest first. */
  workOrderEvents(id: number): WorkOrderEvent[]
  /** The open alarm work order of (device, rule). */
  openWorkOrderFor(deviceId: string, ruleId: string): WorkOrderView | undefined
  /**
   * Records checklist results (merged by item, a later result replaces an earlier one) while the work order is
   * accepted or in progress, by its assignee or a manager. Item ids and value types are checked.
   */
  recordChecklist(id: number, results: readonly ChecklistResult[], actor: WorkOrderActor, ts?: number): WorkOrderView
  /**
   * A photo of an open work order, by anyone who may report one (`CREATE_WORK_ORDER_PERMISSIONS`). FM_ERR_PHOTO_INVALID
   * for an empty one, one above WORK_ORDER_PHOTO_MAX_BYTES, or bytes that are not of the content type.
   */
  addWorkOrderPhoto(id: number, photo: WorkOrderPhotoInput, actor: WorkOrderActor, ts?: number): { id: number }
  getWorkOrderPhoto(workOrderId: number, photoId: number): WorkOrderPhoto | undefined
  /** Every (category × priority) of the site, the seed (`defaultSlaTargets`) where the site set none. */
  slaPolicies(siteId: string): SlaPolicy[]
  /** Applies to work orders created from now on (and to those triaged into it). */
  setSlaPolicy(
    siteId: string,
    category: WorkOrderCategory,
    priority: AlarmPriority,
    targets: SlaTargets,
    actor: WorkOrderPerson,
    ts?: number,
  ): SlaPolicy
  /**
   * For every open work order: the first time a clock nears its due time (`needsEscalation`) or breaches, an
   * `escalated` event (once per clock; `escalatedAt` set at the first); the first time it breaches, a `breached`
   * event (once per clock). Answers the work orders it changed. Idempotent.
   */
  escalateWorkOrders(now?: number): WorkOrderView[]
  /**
   * Enabled technicians whose scope includes the site (covers `buildingId` when given), with their trades and how
   * many open work orders they hold.
   */
  technicians(siteId: string, buildingId?: string): Technician[]
  /** Replaces a user's trades; FM_ERR_WO_INVALID for an unknown user or category. */
  setTrades(username: string, trades: readonly WorkOrderCategory[]): WorkOrderCategory[]

  // ---- preventive maintenance (pm-plans.ts)

  /** Creates the site's plans from `PM_LIBRARY` that it does not have yet; answers those created. Idempotent. */
  seedPmPlans(siteId: string, ts?: number): PmPlan[]
  pmPlans(siteId: string): PmPlan[]
  getPmPlan(id: number): PmPlan | undefined
  /** FM_ERR_PM_PLAN_NOT_FOUND, FM_ERR_PM_PLAN_INVALID. A new interval moves the next due dates with it. */
  updatePmPlan(id: number, patch: PmPlanPatch, actor: WorkOrderPerson, ts?: number): PmPlan
  /** Every (plan, device) of the site's plans; `deviceId` '' for a site-level plan. */
  pmSchedules(siteId: string): PmSchedule[]
  /** Opens the work orders of calendar plans due by `now`, at most one open per (plan, device). */
  openDuePmWorkOrders(now?: number): WorkOrderView[]
  /**
   * A plan's work order for `deviceId` (undefined: a plan of the site itself), now, ahead of its schedule, as a
   * supervisor starts one before a holiday. FM_ERR_PM_PLAN_NOT_FOUND; FM_ERR_WO_INVALID when the plan does not apply
   * to the device or has a work order open for it already.
   */
  startPmWorkOrder(id: number, deviceId: string | undefined, actor: WorkOrderPerson, ts?: number): WorkOrderView
  /**
   * Follows the device's counters for its usage plans: opens a plan's work order when the counter passed
   * `usageBase + every`, once while that work order is open. The first reading seen sets `usageBase`.
   */
  recordUsage(deviceId: string, values: Readonly<Record<string, FieldValue>>, ts?: number): WorkOrderView[]
  close(): void
}

/** Who acts on a work order: the user, with the permissions of their role. */
export interface WorkOrderActor extends WorkOrderPerson {
  permissions: readonly Permission[]
}

/** All given conditions hold. */
export interface WorkOrderFilter {
  /** undefined: every site; empty: none */
  siteIds?: readonly string[]
  buildingIds?: readonly string[]
  buildingId?: string
  states?: readonly WorkOrderState[]
  /** only the states of `OPEN_WORK_ORDER_STATES` */
  open?: boolean
  /** username */
  assignee?: string
  priority?: AlarmPriority
  category?: WorkOrderCategory
  origin?: WorkOrderOrigin
  deviceId?: string
  /** a household (房号): its repair history */
  unit?: string
  /** epoch ms, inclusive */
  createdFrom?: number
  /** epoch ms, exclusive */
  createdTo?: number
  /** 1..WORK_ORDER_PAGE_MAX (500), default 100 */
  limit?: number
  /** `nextCursor` of the previous page (FM_ERR_WO_INVALID when it is not one) */
  cursor?: string
}

export interface WorkOrderPage {
  items: WorkOrderView[]
  /** absent on the last page */
  nextCursor?: string
}

export interface WorkOrderPhotoInput {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp'
  /** at most WORK_ORDER_PHOTO_MAX_BYTES */
  bytes: Buffer
  /** what it shows, kept on the timeline: before or after the repair, or a checklist item's evidence */
  stage?: 'before' | 'after' | 'checklist'
}

export interface WorkOrderPhoto extends WorkOrderPhotoInput {
  id: number
  workOrderId: number
  at: number
  /** display name */
  by: string
}

export interface Technician {
  username: string
  displayName: string
  trades: WorkOrderCategory[]
  /** open work orders assigned to them, at any site */
  open: number
}

export interface PmPlanPatch {
  everyDays?: number
  /** only for a plan with a usage trigger */
  usage?: { every: number }
  enabled?: boolean
  checklist?: ChecklistItem[]
}

/** A person who signs in to the dashboard. Never carries the password hash. Times are epoch ms. */
export interface UserRecord {
  /** Random, 'u_' and 16 base64url characters; never changes. */
  id: string
  /** Unique, lower-case, 3–64 characters of a–z, 0–9, '.', '_' and '-'. */
  username: string
  /** 1–64 characters, e.g. '王工'. */
  displayName: string
  role: UserRole
  scope: UserScope
  disabled: boolean
  /** The user must choose a new password before doing anything else (the api enforces it). */
  mustChangePassword: boolean
  /** Set while the account is locked out after too many wrong passwords: when the lock ends. */
  lockedUntil?: number
  createdAt: number
  updatedAt: number
  passwordChangedAt: number
}

export interface NewUser {
  username: string
  displayName: string
  role: UserRole
  scope: UserScope
  password: string
  /** Default false. */
  mustChangePassword?: boolean
}

export interface UserPatch {
  displayName?: string
  role?: UserRole
  scope?: UserScope
  disabled?: boolean
}

/**
 * The answer to a login. `failures` is the count of wrong passwords in a row including this one; the attempt that
 * reaches LOGIN_MAX_FAILURES answers 'wrong-password' with `lockedUntil` set, the following ones 'locked'.
 */
export type LoginResult =
  | { ok: true; user: UserRecord }
  | {
      ok: false
      reason: 'unknown' | 'wrong-password' | 'locked' | 'disabled'
      /** Absent for 'unknown'. */
      user?: UserRecord
      lockedUntil?: number
      failures?: number
    }

export type FirstAdminResult =
  | { created: false }
  | { created: true; username: 'admin'; password: string; generated: boolean }

/** A signed-in browser. The token itself is never stored; `id` names the session in logs and lists. */
export interface SessionRecord {
  /** 's_' and 16 base64url characters; not the token. */
  id: string
  userId: string
  createdAt: number
  /** Last request seen, to the minute. */
  lastSeenAt: number
  /** Absolute end of the session, whatever the activity. */
  expiresAt: number
  ip?: string
  userAgent?: string
}

export interface SessionStart {
  /** 32 random bytes, base64url (43 characters): the cookie value. Shown once. */
  token: string
  session: SessionRecord
}

/** Who did something: a person, a device, a platform service, the platform itself, or nobody signed in. */
export type AuditActor = { type: 'user' | 'device' | 'service' | 'system' | 'anonymous'; id?: string; name?: string }

export type AuditOutcome = 'ok' | 'denied' | 'failed'

/**
 * One entry for the audit log. Never put secrets in it (see `Store.appendAudit`). Strings of actor, site, target
 * and ip are cut to 256 characters, as they may come from a request.
 */
export interface AuditInput {
  /** Epoch ms; defaults to now. */
  ts?: number
  actor: AuditActor
  /**
   * Dotted, from the general to the particular, e.g. 'auth.login', 'auth.login.failed', 'auth.logout',
   * 'auth.password.change', 'user.create', 'user.update', 'device.create', 'device.credentials.rotate',
   * 'device.revoke', 'command.send', 'alarm.ack'.
   */
  action: string
  outcome: AuditOutcome
  /** The site concerned; none for platform-wide actions (users, logins). Scopes the entry for supervisors. */
  siteId?: string
  target?: { type: string; id: string }
  ip?: string
  detail?: Record<string, unknown>
  before?: unknown
  after?: unknown
}

export interface AuditEntry extends Required<Pick<AuditInput, 'actor' | 'action' | 'outcome'>> {
  /** Increasing, never reused. */
  id: number
  ts: number
  siteId?: string
  target?: { type: string; id: string }
  ip?: string
  detail?: Record<string, unknown>
  before?: unknown
  after?: unknown
}

export interface AuditQuery {
  /** Epoch ms, inclusive. */
  from?: number
  /** Epoch ms, exclusive. */
  to?: number
  actorId?: string
  /** Prefix match: 'auth.' finds every login and logout, 'auth.login' also 'auth.login.failed'. */
  action?: string
  outcome?: AuditOutcome
  targetId?: string
  /**
   * Only entries of these sites, plus the entries without a site when `includeGlobal` is true.
   * When absent, entries of every site, and those without a site unless `includeGlobal` is false.
   */
  siteIds?: string[]
  includeGlobal?: boolean
  /** 1..500 (more is capped at 500), default 100. */
  limit?: number
  /** Cursor: the last entry of the previous page; returns entries strictly older than it, newest first. */
  before?: { ts: number; id: number }
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
