/**
 * The normal ranges of /work/shared/DOMAIN.md §b, as checks on one reading: a healthy simulated compound must never
 * trip the thresholds the rule engine will use. Each check returns the problems found (empty when healthy).
 */
import type { DeviceTick } from '../src/devices/device-model.ts'

type Values = Record<string, unknown>

const num = (values: Values, key: string): number => {
  const value = values[key]
  if (typeof value !== 'number') throw new Error(`${key} is not a number: ${String(value)}`)
  return value
}

function inRange(problems: string[], values: Values, key: string, min: number, max: number): void {
  if (!(key in values)) return
  const value = num(values, key)
  if (value < min || value > max) problems.push(`${key}=${value} outside ${min}..${max}`)
}

function expectValue(problems: string[], values: Values, key: string, expected: unknown): void {
  if (key in values && values[key] !== expected)
    problems.push(`${key}=${String(values[key])}, expected ${String(expected)}`)
}

const attribute = (tick: DeviceTick, key: string): number => Number(tick.spec.attributes?.[key])

const CHECKS: Record<DeviceTick['spec']['kind'], (values: Values, tick: DeviceTick, problems: string[]) => void> = {
  // level: low warning ≤30 %, high ≥95 %; GB 5749-2022: chlorine 0.05–2 mg/L, turbidity ≤1 NTU (warn 0.5), pH 6.5–8.5
  'water-tank': (values, _tick, problems) => {
    inRange(problems, values, 'level_pct', 30.1, 94.9)
    expectValue(problems, values, 'overflow', false)
    inRange(problems, values, 'chlorine_mg_l', 0.1, 0.8)
    inRange(problems, values, 'turbidity_ntu', 0, 0.5)
    inRange(problems, values, 'ph', 6.5, 8.5)
    inRange(problems, values, 'water_temp_c', 5, 25)
  },
  // no fault; current ≤ rated; VFD 30–50 Hz; zone pressure within setpoint ± 0.05 MPa
  pump: (values, tick, problems) => {
    expectValue(problems, values, 'fault', false)
    expectValue(problems, values, 'mode', 'auto')
    inRange(problems, values, 'current_a', 0, attribute(tick, 'rated_current_a'))
    if (values.running === true && 'frequency_hz' in values) inRange(problems, values, 'frequency_hz', 30, 50)
    const setpoint = values.setpoint_mpa
    if (typeof setpoint === 'number') inRange(problems, values, 'outlet_pressure_mpa', setpoint - 0.05, setpoint + 0.05)
  },
  // GB/T 12325: 380 V +7 %; GB/T 15543: unbalance ≤2 %; currents ≤0.8 In; residual <100 mA; cable <55 °C; PF ≥0.9
  'electrical-panel': (values, tick, problems) => {
    const voltages = ['uab_v', 'ubc_v', 'uca_v'].map((key) => num(values, key))
    for (const key of ['uab_v', 'ubc_v', 'uca_v']) inRange(problems, values, key, 353, 407)
    const mean = voltages.reduce((sum, v) => sum + v, 0) / 3
    const unbalance = Math.max(...voltages.map((v) => Math.abs(v - mean))) / mean
    if (unbalance > 0.02) problems.push(`voltage unbalance ${(unbalance * 100).toFixed(1)} %`)
    for (const key of ['ia_a', 'ib_a', 'ic_a'])
      inRange(problems, values, key, 0, 0.8 * attribute(tick, 'rated_current_a'))
    inRange(problems, values, 'residual_current_ma', 0, 99)
    inRange(problems, values, 'cable_temp_c', -10, 54.9)
    inRange(problems, values, 'power_factor', 0.9, 1)
    expectValue(problems, values, 'breaker', 'closed')
  },
  'fire-alarm-panel': (values, _tick, problems) => {
    for (const key of ['fire_points', 'fault_points', 'supervisory_points', 'started_points', 'power_fault_points'])
      expectValue(problems, values, key, 0)
    expectValue(problems, values, 'mode', 'auto')
    expectValue(problems, values, 'mains_power_ok', true)
    expectValue(problems, values, 'backup_power_ok', true)
  },
  // level at design level; mains not below jockey start − 0.05 MPa; water ≥5 °C (GB 50974 14.0.3)
  'fire-water': (values, _tick, problems) => {
    inRange(problems, values, 'tank_level_pct', 90, 100)
    inRange(problems, values, 'hydrant_pressure_mpa', 0.45, 0.65)
    inRange(problems, values, 'sprinkler_pressure_mpa', 0.5, 0.7)
    inRange(problems, values, 'water_temp_c', 5, 30)
  },
  'room-environment': (values, _tick, problems) => {
    inRange(problems, values, 'temperature_c', 18, 28)
    inRange(problems, values, 'humidity_pct', 50, 70)
    expectValue(problems, values, 'flood', false)
    expectValue(problems, values, 'smoke', false)
  },
  gate: (values, _tick, problems) => {
    if (!['down', 'up', 'moving'].includes(String(values.barrier))) problems.push(`barrier ${String(values.barrier)}`)
  },
  'patrol-checkpoint': (values, _tick, problems) => inRange(problems, values, 'battery_pct', 5, 100),
}

export function healthProblems(tick: DeviceTick): string[] {
  const problems: string[] = []
  CHECKS[tick.spec.kind]({ ...tick.values }, tick, problems)
  return problems.map((problem) => `${tick.spec.id}: ${problem}`)
}
