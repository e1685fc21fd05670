/**
 * A site manifest describes one compound (小区) or building: its buildings, equipment rooms and devices.
 * An admin provisions a site, or more devices for one, by loading a manifest (`npm run provision -- <file>`);
 * the demo compound is one such file. Names are in the site's own language; `name_en` is shown in English.
 */
import { type Static, Type } from 'typebox'
import { DEVICE_KINDS } from './kinds.ts'
import { ID_PATTERN } from './topics.ts'

const Id = Type.String({ pattern: ID_PATTERN, description: 'lower-case slug, unique within its list' })
const Name = Type.String({ minLength: 1, maxLength: 100 })

export const ROOM_TYPES = [
  'domestic-pump-room',
  'fire-pump-room',
  'power-room',
  'fire-control-room',
  'gatehouse',
  'outdoor',
  'other',
] as const

export const BuildingSpec = Type.Object(
  {
    id: Id,
    name: Name,
    name_en: Type.Optional(Name),
    floors: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
)

export const RoomSpec = Type.Object(
  {
    id: Id,
    name: Name,
    name_en: Type.Optional(Name),
    type: Type.Enum(ROOM_TYPES),
    building: Type.Optional(Id),
  },
  { additionalProperties: false },
)

export const DeviceSpec = Type.Object(
  {
    id: Id,
    kind: Type.Enum(DEVICE_KINDS),
    name: Name,
    name_en: Type.Optional(Name),
    building: Type.Optional(Id),
    room: Type.Optional(Id),
    /** Demo and bulk provisioning only: a password to set. Omit it and one is generated and printed once. */
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 128 })),
    /** Expected telemetry interval; the device counts as silent after three missed intervals. */
    report_interval_sec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    /** Free attributes shown on the device page, e.g. pump role and zone, lane direction, tank capacity. */
    attributes: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]),
      ),
    ),
  },
  { additionalProperties: false },
)

export const SiteManifest = Type.Object(
  {
    site: Type.Object(
      {
        id: Id,
        name: Name,
        name_en: Type.Optional(Name),
        timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Shanghai' }),
        city: Type.Optional(Name),
        address: Type.Optional(Type.String({ maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    buildings: Type.Array(BuildingSpec, { maxItems: 1000 }),
    rooms: Type.Array(RoomSpec, { maxItems: 5000 }),
    devices: Type.Array(DeviceSpec, { maxItems: 100_000 }),
  },
  { additionalProperties: false },
)

export type BuildingSpec = Static<typeof BuildingSpec>
export type RoomSpec = Static<typeof RoomSpec>
export type DeviceSpec = Static<typeof DeviceSpec>
export type SiteManifest = Static<typeof SiteManifest>
