/**
 * One shape for device events on screen, whether they came from REST history (`StoredEvent`, loosely typed `data`)
 * or live over socket.io (`DeviceEvent`, already decoded by the api). Stored events are checked field by field: a
 * record that does not match its type is skipped, never rendered half-way.
 */
import {
  type DeviceEvent,
  type EventPayload,
  FIRE_POINT_STATES,
  type FirePointState,
  PLATE_COLORS,
  type StoredEvent,
} from '@fm/protocol'

type AnyPayload = EventPayload<'fire-alarm-panel'> | EventPayload<'gate'> | EventPayload<'patrol-checkpoint'>
export type PlatePayload = EventPayload<'gate'>
export type ScanPayload = EventPayload<'patrol-checkpoint'>

export interface ShownEvent {
  /** Stable across REST and live, so the same event arriving both ways is shown once. */
  key: string
  deviceId: string
  ts: number
  payload: AnyPayload
}

function eventKey(deviceId: string, ts: number, payload: AnyPayload): string {
  switch (payload.type) {
    case 'plate':
      return `${deviceId}|${ts}|plate|${payload.plate}`
    case 'scan':
      return `${deviceId}|${ts}|scan|${payload.guard_id}`
    case 'point':
      return `${deviceId}|${ts}|point|${payload.loop}.${payload.point}`
    case 'reset':
      return `${deviceId}|${ts}|reset`
  }
}

export function fromLive(event: DeviceEvent): ShownEvent {
  const payload = event.event as AnyPayload
  return { key: eventKey(event.deviceId, event.ts, payload), deviceId: event.deviceId, ts: event.ts, payload }
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const optional = <T>(v: unknown, guard: (x: unknown) => x is T): T | undefined => (guard(v) ? v : undefined)
const isPointState = (v: unknown): v is FirePointState =>
  typeof v === 'string' && (FIRE_POINT_STATES as readonly string[]).includes(v)
const isPlateColor = (v: unknown): v is PlatePayload['plate_color'] =>
  typeof v === 'string' && (PLATE_COLORS as readonly string[]).includes(v)

function payloadOf(type: string, d: Record<string, unknown>, ts: number): AnyPayload | undefined {
  if (type === 'plate' && isString(d.plate) && (d.direction === 'in' || d.direction === 'out')) {
    return {
      type,
      ts,
      plate: d.plate,
      direction: d.direction,
      plate_color: isPlateColor(d.plate_color) ? d.plate_color : 'unknown',
      confidence_pct: isNumber(d.confidence_pct) ? d.confidence_pct : 0,
      offline_cached: d.offline_cached === true,
    }
  }
  if (type === 'scan' && isString(d.guard_id)) {
    const method = d.method === 'rfid' || d.method === 'qr' || d.method === 'ble' ? d.method : 'nfc'
    return { type, ts, guard_id: d.guard_id, method, route_id: optional(d.route_id, isString) }
  }
  if (type === 'point' && isNumber(d.loop) && isNumber(d.point) && Array.isArray(d.states)) {
    const states = d.states.filter(isPointState)
    if (states.length === 0) return undefined
    return {
      type,
      ts,
      loop: d.loop,
      point: d.point,
      states,
      zone: optional(d.zone, isString),
      description: optional(d.description, isString),
    }
  }
  if (type === 'reset') return { type, ts, operator: optional(d.operator, isString) }
  return undefined
}

export function fromStored(event: StoredEvent): ShownEvent | undefined {
  const payload = payloadOf(event.type, event.data, event.ts)
  if (!payload) return undefined
  return { key: eventKey(event.deviceId, event.ts, payload), deviceId: event.deviceId, ts: event.ts, payload }
}

/** Newest first, without duplicates, at most `limit`. */
export function mergeEvents(lists: readonly (readonly ShownEvent[])[], limit: number): ShownEvent[] {
  const seen = new Map<string, ShownEvent>()
  for (const list of lists) for (const event of list) if (!seen.has(event.key)) seen.set(event.key, event)
  return [...seen.values()].sort((a, b) => b.ts - a.ts).slice(0, limit)
}
