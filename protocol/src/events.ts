/**
 * Device events: things that happen rather than values that are sampled. Each payload names its `type`.
 *
 * - `fire-alarm-panel` → `point`: a point's GB/T 26875.3 component state changed; `reset`: the panel was reset.
 * - `gate` → `plate`: the camera recognised a plate.
 * - `patrol-checkpoint` → `scan`: a guard scanned the checkpoint.
 */
import { type Static, Type } from 'typebox'
import type { DeviceKind } from './kinds.ts'

const ts = Type.Optional(Type.Integer({ minimum: 0, description: 'event time, epoch milliseconds (UTC)' }))

/** GB/T 26875.3 component states (部件状态). `normal` is bit 0 set with every other bit clear. */
export const FIRE_POINT_STATES = [
  'normal',
  'fire',
  'fault',
  'isolated',
  'supervisory',
  'started',
  'feedback',
  'delay',
  'power_fault',
  'test',
] as const
export type FirePointState = (typeof FIRE_POINT_STATES)[number]

export const FirePointEvent = Type.Object(
  {
    type: Type.Literal('point'),
    ts,
    loop: Type.Integer({ minimum: 0, maximum: 255, description: 'loop (回路) number' }),
    point: Type.Integer({ minimum: 0, maximum: 65_535, description: 'point (点位) address on the loop' }),
    zone: Type.Optional(Type.String({ maxLength: 64, description: 'zone or location text' })),
    description: Type.Optional(
      Type.String({ maxLength: 64, description: 'point description (GB18030 text ≤ 31 bytes on the wire)' }),
    ),
    states: Type.Array(Type.Enum(FIRE_POINT_STATES), {
      minItems: 1,
      maxItems: FIRE_POINT_STATES.length,
      uniqueItems: true,
      description: 'current states of the point',
    }),
    status_bits: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 65_535, description: 'raw GB/T 26875.3 status word' }),
    ),
  },
  { additionalProperties: false },
)

export const FireResetEvent = Type.Object(
  { type: Type.Literal('reset'), ts, operator: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
)

export const PLATE_COLORS = ['blue', 'yellow', 'white', 'black', 'green', 'yellow_green', 'unknown'] as const

export const PlateEvent = Type.Object(
  {
    type: Type.Literal('plate'),
    ts,
    plate: Type.String({ minLength: 1, maxLength: 16, description: 'recognised licence plate, e.g. 鄂A12345' }),
    plate_color: Type.Enum(PLATE_COLORS, { description: 'plate colour (green: new-energy vehicle)' }),
    confidence_pct: Type.Number({ minimum: 0, maximum: 100, unit: '%', description: 'recognition confidence' }),
    direction: Type.Enum(['in', 'out'], { description: 'travel direction through the lane' }),
    vehicle_type: Type.Optional(Type.Enum(['car', 'suv', 'van', 'truck', 'bus', 'motorcycle', 'unknown'])),
    offline_cached: Type.Optional(Type.Boolean({ description: 'recognised while the camera was offline, sent later' })),
  },
  { additionalProperties: false },
)

export const ScanEvent = Type.Object(
  {
    type: Type.Literal('scan'),
    ts,
    guard_id: Type.String({ minLength: 1, maxLength: 64, description: 'guard badge or account id' }),
    route_id: Type.Optional(Type.String({ maxLength: 64, description: 'patrol route being walked' })),
    method: Type.Enum(['nfc', 'rfid', 'qr', 'ble'], { description: 'how the checkpoint was scanned' }),
  },
  { additionalProperties: false },
)

export const EVENT_SCHEMAS = {
  'fire-alarm-panel': Type.Union([FirePointEvent, FireResetEvent]),
  gate: PlateEvent,
  'patrol-checkpoint': ScanEvent,
} as const

export type EventKind = keyof typeof EVENT_SCHEMAS
export type EventPayload<K extends EventKind = EventKind> = Static<(typeof EVENT_SCHEMAS)[K]>

export function hasEvents(kind: DeviceKind): kind is EventKind {
  return kind in EVENT_SCHEMAS
}

/** One device event after decoding; `ts` is always set. */
export type DeviceEvent = {
  [K in EventKind]: { siteId: string; kind: K; deviceId: string; ts: number; event: EventPayload<K> & { ts: number } }
}[EventKind]
