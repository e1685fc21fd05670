/**
 * REST resources of `/api`, as TypeBox schemas: the api validates and documents with them (OpenAPI at
 * `/api/docs/json`), the dashboard reads the same types. Structural keys are camelCase; measured values keep their
 * wire keys with units (`level_pct`).
 */
import { type Static, Type } from 'typebox'
import { PERMISSIONS } from './access.ts'
import { DEVICE_KINDS } from './kinds.ts'
import { BrokerStatus, IngestSpoolStatus, IngestTimeSeriesStatus } from './live.ts'
import { DeviceSpec, ROOM_TYPES } from './site.ts'
import { ID_PATTERN } from './topics.ts'
import { USER_ROLES } from './users.ts'

const Scalar = Type.Union([Type.Number(), Type.Boolean(), Type.String()])

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'stable error code, FM_ERR_<AREA>_<WHAT>' }),
    error: Type.String(),
    message: Type.String(),
  },
  { $id: 'ErrorResponse' },
)
export type ErrorResponse = Static<typeof ErrorResponse>

export const Building = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  floors: Type.Optional(Type.Integer()),
})
export const Room = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  type: Type.Enum(ROOM_TYPES),
  buildingId: Type.Optional(Type.String()),
})
export const Site = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  timezone: Type.String(),
  city: Type.Optional(Type.String()),
  address: Type.Optional(Type.String()),
  buildings: Type.Array(Building),
  rooms: Type.Array(Room),
})
export type Building = Static<typeof Building>
export type Room = Static<typeof Room>
export type Site = Static<typeof Site>

/** A device with its live state: registry facts plus the latest values and availability. */
export const DeviceView = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  kind: Type.Enum(DEVICE_KINDS),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  buildingId: Type.Optional(Type.String()),
  roomId: Type.Optional(Type.String()),
  attributes: Type.Record(Type.String(), Scalar),
  reportIntervalSec: Type.Integer({ description: 'expected telemetry interval' }),
  online: Type.Boolean({ description: 'connected, per its retained status and last will' }),
  lastSeen: Type.Union([Type.Integer(), Type.Null()], { description: 'last message of any kind, epoch ms' }),
  values: Type.Record(Type.String(), Scalar, { description: 'latest value of every field reported so far' }),
  valuesTs: Type.Union([Type.Integer(), Type.Null()], { description: 'time of the latest reading, epoch ms' }),
})
export type DeviceView = Static<typeof DeviceView>

export const HistoryPoint = Type.Object({
  ts: Type.Integer({ description: 'bucket start, epoch ms' }),
  mean: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  count: Type.Integer(),
})
export const HistorySeries = Type.Object({
  field: Type.String(),
  unit: Type.Optional(Type.String()),
  points: Type.Array(HistoryPoint),
})
export const History = Type.Object({
  deviceId: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  stepMs: Type.Integer({ description: 'bucket width; 0 when raw samples are returned' }),
  tier: Type.Optional(
    Type.Enum(['raw', '1m', '1h'], {
      description: 'resolution the buckets were computed from: raw samples or a roll-up',
    }),
  ),
  series: Type.Array(HistorySeries),
})
export type HistoryPoint = Static<typeof HistoryPoint>
export type HistorySeries = Static<typeof HistorySeries>
export type History = Static<typeof History>

export const StoredEvent = Type.Object({
  id: Type.Integer({ description: 'event id; with ts, the cursor for paging backwards' }),
  deviceId: Type.String(),
  ts: Type.Integer(),
  type: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
})
export type StoredEvent = Static<typeof StoredEvent>

export const PartHealth = Type.Object({
  status: Type.Enum(['ok', 'degraded', 'down']),
  detail: Type.Optional(Type.String()),
})
export const Health = Type.Object({
  status: Type.Enum(['ok', 'degraded', 'down']),
  version: Type.String(),
  uptimeSec: Type.Number(),
  parts: Type.Record(Type.String(), PartHealth),
  devices: Type.Object({ total: Type.Integer(), online: Type.Integer() }),
  ingest: Type.Optional(
    Type.Object({
      accepted: Type.Integer(),
      rejected: Type.Integer(),
      ratePerSec: Type.Number(),
      timeseries: Type.Optional(IngestTimeSeriesStatus),
      spool: Type.Optional(IngestSpoolStatus),
    }),
  ),
  broker: Type.Optional(BrokerStatus),
})
export type PartHealth = Static<typeof PartHealth>
export type Health = Static<typeof Health>

/**
 * What `GET /api/health` tells anyone without `system.read`, load balancers and monitors included: whether the
 * platform works, not how it is built nor how many devices it watches.
 */
export const HealthSummary = Type.Object({
  status: Type.Enum(['ok', 'degraded', 'down']),
  version: Type.String(),
})
export type HealthSummary = Static<typeof HealthSummary>

/** `UserScope` of `users.ts` as a schema. */
const Scope = Type.Object({
  allSites: Type.Boolean({ description: 'every site, including sites provisioned later' }),
  siteIds: Type.Array(Type.String(), { description: 'the sites, when not allSites' }),
  buildingIds: Type.Array(Type.String(), {
    description: 'only these buildings of the sites (and nothing at site level); empty: the sites whole',
  }),
})

/** The signed-in user as the dashboard sees them: who, where (scope) and what they may do (see docs/access.md). */
export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Enum(USER_ROLES),
  scope: Scope,
  mustChangePassword: Type.Boolean({ description: 'the dashboard asks for a new password before anything else' }),
  permissions: Type.Array(Type.Enum(PERMISSIONS), { description: 'what the role may do, from ROLE_PERMISSIONS' }),
  disabled: Type.Optional(Type.Boolean({ description: 'in /api/users: the account is disabled and cannot sign in' })),
  lockedUntil: Type.Optional(
    Type.Integer({ description: 'in /api/users: locked after too many wrong passwords until then, epoch ms' }),
  ),
})
export type UserView = Static<typeof UserView>

/**
 * One entry of the audit log: who (`actor`) did what (`action`, dotted from the general to the particular), to what
 * (`target`), where (`siteId`; none for platform-wide actions such as logins and user changes), from where (`ip`) and
 * how it ended. `before` and `after` are the state of the target around a change; they never hold secrets.
 */
export const AuditEntryView = Type.Object({
  id: Type.Integer({ description: 'increasing, never reused; with ts, the cursor for paging backwards' }),
  ts: Type.Integer({ description: 'epoch ms' }),
  actor: Type.Object({
    type: Type.Enum(['user', 'device', 'service', 'system', 'anonymous']),
    id: Type.Optional(Type.String({ description: 'user, device or service id' })),
    name: Type.Optional(Type.String({ description: 'a username; for an anonymous login, the username tried' })),
  }),
  action: Type.String({ description: "e.g. 'auth.login', 'user.create', 'user.update', 'user.password.reset'" }),
  outcome: Type.Enum(['ok', 'denied', 'failed']),
  siteId: Type.Optional(Type.String()),
  target: Type.Optional(Type.Object({ type: Type.String(), id: Type.String() })),
  ip: Type.Optional(Type.String({ description: 'client address of the request' })),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  before: Type.Optional(Type.Unknown({ description: 'the target before the change' })),
  after: Type.Optional(Type.Unknown({ description: 'the target after the change' })),
})
export type AuditEntryView = Static<typeof AuditEntryView>

/** A page of the audit log, newest first; `next` is the cursor of the following page, absent on the last one. */
export const AuditPage = Type.Object({
  entries: Type.Array(AuditEntryView),
  next: Type.Optional(
    Type.Object(
      { beforeTs: Type.Integer(), beforeId: Type.Integer() },
      { description: 'pass both as query parameters to read the next (older) page' },
    ),
  ),
})
export type AuditPage = Static<typeof AuditPage>

const NewDeviceFields = DeviceSpec.properties

/**
 * A device an admin provisions (`POST /api/sites/:siteId/devices`): the fields of a manifest's device in camelCase,
 * and no password, which the platform generates.
 */
export const NewDeviceInput = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN, description: 'device id, which is also its MQTT username and client id' }),
    kind: NewDeviceFields.kind,
    name: NewDeviceFields.name,
    nameEn: NewDeviceFields.name_en,
    buildingId: NewDeviceFields.building,
    roomId: NewDeviceFields.room,
    reportIntervalSec: NewDeviceFields.report_interval_sec,
    attributes: NewDeviceFields.attributes,
  },
  { additionalProperties: false },
)
export type NewDeviceInput = Static<typeof NewDeviceInput>

/** New MQTT credentials of a device, shown only in the answer that made them. */
export const DeviceCredentials = Type.Object({
  password: Type.String({ description: 'the MQTT password of the device, shown only in this answer' }),
})
export type DeviceCredentials = Static<typeof DeviceCredentials>

/** The answer to a provisioning: the device as `GET /api/devices/:deviceId` shows it, and its password, once. */
export const DeviceCreated = Type.Object({ device: DeviceView, password: DeviceCredentials.properties.password })
export type DeviceCreated = Static<typeof DeviceCreated>
