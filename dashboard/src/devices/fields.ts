/** Lookups on the protocol's field catalogue, indexed once per kind. */
import { type DeviceKind, type FieldSpec, type FieldValue, telemetryFields } from '@fm/protocol'

const byKind = new Map<DeviceKind, ReadonlyMap<string, FieldSpec>>()

export function fieldSpec(kind: DeviceKind, key: string): FieldSpec | undefined {
  let index = byKind.get(kind)
  if (!index) {
    index = new Map(telemetryFields(kind).map((f) => [f.key, f]))
    byKind.set(kind, index)
  }
  return index.get(key)
}

/** The value a chart opens on: what an engineer looks at first for each kind. */
const PRIMARY_FIELD: Record<DeviceKind, string> = {
  'water-tank': 'level_pct',
  pump: 'outlet_pressure_mpa',
  'electrical-panel': 'power_kw',
  'fire-alarm-panel': 'fire_points',
  'fire-water': 'hydrant_pressure_mpa',
  'room-environment': 'temperature_c',
  gate: 'vehicles_in_count',
  'patrol-checkpoint': 'battery_pct',
}

/** The kind's primary field when the device reports it, else the first numeric field it reports, else the first. */
export function defaultChartField(kind: DeviceKind, values: Values): string | undefined {
  const fields = numericFields(kind)
  // An exit lane counts only vehicles out: open the counter that moves.
  const primary =
    kind === 'gate' && (numberOf(values, 'vehicles_out_count') ?? 0) > (numberOf(values, 'vehicles_in_count') ?? 0)
      ? 'vehicles_out_count'
      : PRIMARY_FIELD[kind]
  if (typeof values[primary] === 'number') return primary
  return (fields.find((f) => typeof values[f.key] === 'number') ?? fields[0])?.key
}

/** Fields that can be drawn as a line: numbers and counters, in catalogue order. */
export function numericFields(kind: DeviceKind): FieldSpec[] {
  return telemetryFields(kind).filter((f) => f.type === 'number' || f.type === 'integer')
}

/**
 * Booleans and enums (running, breaker, mode): the history stores them as codes (0/1, enum index), which read as
 * nonsense on a value axis. They are charted as steps between labelled states instead.
 */
export function stateFields(kind: DeviceKind): FieldSpec[] {
  return telemetryFields(kind).filter((f) => f.type === 'boolean' || f.type === 'enum')
}

export function isStateField(field: FieldSpec): boolean {
  return field.type === 'boolean' || field.type === 'enum'
}

/** The states of a boolean or enum field in code order (false = 0, true = 1; enums by index). */
export function stateCodes(field: FieldSpec): readonly (string | boolean)[] {
  return field.type === 'boolean' ? [false, true] : (field.values ?? [])
}

export type Values = Readonly<Record<string, FieldValue>>

export function numberOf(values: Values, key: string): number | undefined {
  const value = values[key]
  return typeof value === 'number' ? value : undefined
}

export function booleanOf(values: Values, key: string): boolean | undefined {
  const value = values[key]
  return typeof value === 'boolean' ? value : undefined
}

export function stringOf(values: Values, key: string): string | undefined {
  const value = values[key]
  return typeof value === 'string' ? value : undefined
}
