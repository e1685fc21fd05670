/**
 * Telemetry payloads, one schema per device kind. Wire keys are snake_case with the unit as suffix
 * (`_pct`, `_mpa`, `_v`, `_a`, `_c`, …). Every field is optional so that a device may report by exception;
 * a payload must carry at least one field. Unknown keys are refused so that a typo never passes silently.
 *
 * Each property carries `unit` (display unit) and `description`; `telemetryFields()` turns the schemas into the
 * field catalogue that the store, the dashboard and `docs/protocol.md` are built from.
 */
import { type Static, type TSchema, Type } from 'typebox'
import type { DeviceKind } from './kinds.ts'

const num = (unit: string, minimum: number, maximum: number, description: string) =>
  Type.Optional(Type.Number({ unit, minimum, maximum, description }))
const count = (description: string) =>
  Type.Optional(Type.Integer({ unit: '', minimum: 0, maximum: 2_147_483_647, description }))
const flag = (description: string) => Type.Optional(Type.Boolean({ description }))
const choice = <const V extends string[]>(values: readonly [...V], description: string) =>
  Type.Optional(Type.Enum(values, { description }))

/** Epoch milliseconds at which the device took the reading; the receive time is used when absent. */
const ts = Type.Optional(Type.Integer({ minimum: 0, description: 'reading time, epoch milliseconds (UTC)' }))

const object = <P extends Record<string, TSchema>>(properties: P) =>
  Type.Object({ ts, ...properties }, { additionalProperties: false, minProperties: 1 })

export const WaterTankTelemetry = object({
  level_pct: num('%', 0, 100, 'water level, percent of effective volume'),
  level_m: num('m', 0, 30, 'water depth'),
  volume_m3: num('m³', 0, 100_000, 'water volume'),
  inlet_valve: choice(['open', 'closed'], 'inlet (float) valve position'),
  overflow: flag('overflow switch active'),
  hatch_open: flag('tank hatch or lid open (anti-tamper)'),
  chlorine_mg_l: num('mg/L', 0, 20, 'free residual chlorine at the outlet, where fitted'),
  turbidity_ntu: num('NTU', 0, 1000, 'turbidity, where fitted'),
  ph: num('pH', 0, 14, 'pH, where fitted'),
  water_temp_c: num('°C', -20, 80, 'water temperature, where fitted'),
})

export const PumpTelemetry = object({
  running: flag('run feedback'),
  run_command: flag('run command from the controller (for command/feedback checks)'),
  fault: flag('pump or VFD fault'),
  fault_code: count('VFD fault code, 0 when healthy'),
  mode: choice(['auto', 'manual'], 'control mode (手/自动)'),
  outlet_pressure_mpa: num('MPa', 0, 5, 'outlet header pressure'),
  setpoint_mpa: num('MPa', 0, 5, 'pressure setpoint'),
  inlet_pressure_mpa: num('MPa', -0.1, 5, 'suction / municipal inlet pressure'),
  current_a: num('A', 0, 2000, 'motor current'),
  frequency_hz: num('Hz', 0, 100, 'VFD output frequency'),
  run_hours_h: num('h', 0, 1_000_000, 'accumulated run hours'),
  starts_count: count('accumulated starts'),
})

export const ElectricalPanelTelemetry = object({
  uab_v: num('V', 0, 1000, 'line voltage A–B'),
  ubc_v: num('V', 0, 1000, 'line voltage B–C'),
  uca_v: num('V', 0, 1000, 'line voltage C–A'),
  ia_a: num('A', 0, 10_000, 'phase A current'),
  ib_a: num('A', 0, 10_000, 'phase B current'),
  ic_a: num('A', 0, 10_000, 'phase C current'),
  in_a: num('A', 0, 10_000, 'neutral current'),
  power_kw: num('kW', -100_000, 100_000, 'active power'),
  energy_kwh: num('kWh', 0, 1e12, 'active energy import (meter reading)'),
  power_factor: num('', -1, 1, 'power factor'),
  residual_current_ma: num('mA', 0, 10_000, 'residual (leakage) current'),
  cable_temp_c: num('°C', -40, 250, 'hottest cable / terminal temperature'),
  breaker: choice(['closed', 'open', 'tripped'], 'main breaker state'),
  spd: choice(['ok', 'failed'], 'surge protective device state'),
  ats_source: choice(['main', 'backup', 'none'], 'automatic transfer switch source'),
})

export const FireAlarmPanelTelemetry = object({
  mode: choice(['auto', 'manual'], 'linkage control mode'),
  mains_power_ok: flag('main power supply healthy'),
  backup_power_ok: flag('backup battery healthy'),
  points_total: count('registered points (detectors, call points, modules)'),
  fire_points: count('points in fire (火警)'),
  fault_points: count('points in fault (故障)'),
  isolated_points: count('points isolated (屏蔽)'),
  supervisory_points: count('points in supervisory state (监管)'),
  started_points: count('linkage outputs started (启动)'),
  feedback_points: count('points reporting feedback (反馈)'),
  power_fault_points: count('points with power fault (电源故障)'),
})

export const FireWaterTelemetry = object({
  tank_level_m: num('m', 0, 30, 'fire pool / roof tank level'),
  tank_level_pct: num('%', 0, 100, 'fire pool / roof tank level, percent of design effective level'),
  hydrant_pressure_mpa: num('MPa', 0, 5, 'hydrant main pressure'),
  sprinkler_pressure_mpa: num('MPa', 0, 5, 'sprinkler main pressure'),
  water_temp_c: num('°C', -20, 80, 'water temperature'),
})

export const RoomEnvironmentTelemetry = object({
  flood: flag('water on the floor (水浸)'),
  temperature_c: num('°C', -40, 100, 'air temperature'),
  humidity_pct: num('%', 0, 100, 'relative humidity'),
  smoke: flag('room smoke detector'),
  door_open: flag('room door open'),
})

export const GateTelemetry = object({
  barrier: choice(['down', 'up', 'moving', 'fault'], 'barrier arm state'),
  loop_occupied: flag('vehicle detector loop occupied'),
  vehicles_in_count: count('vehicles passed inbound (counter)'),
  vehicles_out_count: count('vehicles passed outbound (counter)'),
})

export const PatrolCheckpointTelemetry = object({
  battery_pct: num('%', 0, 100, 'checkpoint battery'),
})

export const TELEMETRY_SCHEMAS = {
  'water-tank': WaterTankTelemetry,
  pump: PumpTelemetry,
  'electrical-panel': ElectricalPanelTelemetry,
  'fire-alarm-panel': FireAlarmPanelTelemetry,
  'fire-water': FireWaterTelemetry,
  'room-environment': RoomEnvironmentTelemetry,
  gate: GateTelemetry,
  'patrol-checkpoint': PatrolCheckpointTelemetry,
} as const satisfies Record<DeviceKind, TSchema>

export type TelemetryPayload<K extends DeviceKind = DeviceKind> = Static<(typeof TELEMETRY_SCHEMAS)[K]>
/** The measured values of one reading, without its timestamp. */
export type TelemetryValues<K extends DeviceKind = DeviceKind> = Omit<TelemetryPayload<K>, 'ts'>

/** One telemetry reading as it travels from ingest to the chart: the only shape, parsed once per process. */
export type Reading = {
  [K in DeviceKind]: { siteId: string; kind: K; deviceId: string; ts: number; values: TelemetryValues<K> }
}[DeviceKind]

export type FieldValue = number | boolean | string

export interface FieldSpec {
  key: string
  type: 'number' | 'integer' | 'boolean' | 'enum'
  /** Display unit; '' for dimensionless numbers, undefined for booleans and enums. */
  unit?: string
  minimum?: number
  maximum?: number
  /** Allowed values of an enum field; a value is stored as its index. */
  values?: readonly string[]
  description: string
}

interface SchemaLike {
  type?: string
  enum?: readonly string[]
  unit?: string
  minimum?: number
  maximum?: number
  description?: string
}

const fieldCache = new Map<DeviceKind, readonly FieldSpec[]>()

/** The telemetry fields of one kind, in schema order, without `ts`. */
export function telemetryFields(kind: DeviceKind): readonly FieldSpec[] {
  const cached = fieldCache.get(kind)
  if (cached) return cached
  const properties = (TELEMETRY_SCHEMAS[kind] as unknown as { properties: Record<string, SchemaLike> }).properties
  const fields: FieldSpec[] = []
  for (const [key, schema] of Object.entries(properties)) {
    if (key === 'ts') continue
    const description = schema.description ?? key
    if (schema.enum) fields.push({ key, type: 'enum', values: schema.enum, description })
    else if (schema.type === 'boolean') fields.push({ key, type: 'boolean', description })
    else {
      const type = schema.type === 'integer' ? 'integer' : 'number'
      const spec: FieldSpec = { key, type, unit: schema.unit ?? '', description }
      if (schema.minimum !== undefined) spec.minimum = schema.minimum
      if (schema.maximum !== undefined) spec.maximum = schema.maximum
      fields.push(spec)
    }
  }
  fieldCache.set(kind, fields)
  return fields
}

/** Numeric form of a field value for time-series storage: booleans 0/1, enums their index. */
export function numericValue(field: FieldSpec, value: FieldValue): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  const index = field.values?.indexOf(value) ?? -1
  return index >= 0 ? index : undefined
}
