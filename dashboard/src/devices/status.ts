/**
 * Status of a device from its current values: normal, attention (amber), fault (red) or offline (grey).
 *
 * PLACEHOLDER until the alarm rules of ingest (`ingest/src/rules/catalog.ts`) publish alarms to the dashboard: then
 * the status must come from open alarms, with their debounce and hysteresis, and this file goes away. Thresholds are
 * the proposed defaults of DOMAIN.md §b; none of them is configurable here, on purpose, so that nobody mistakes this
 * for the rule engine.
 */
import type { DeviceKind, DeviceView } from '@fm/protocol'
import type { Messages } from '../i18n/zh-CN.ts'
import { booleanOf, numberOf, stringOf, type Values } from './fields.ts'

export type StatusLevel = 'normal' | 'attention' | 'fault' | 'offline'
export type StatusReason = keyof Messages['reasons']

export interface DeviceStatus {
  level: StatusLevel
  /** Why the level is not normal, most severe first; empty when normal or offline. */
  reasons: StatusReason[]
}

interface Finding {
  level: 'attention' | 'fault'
  reason: StatusReason
}

type Check = (values: Values) => Finding[]

const fault = (reason: StatusReason): Finding => ({ level: 'fault', reason })
const attention = (reason: StatusReason): Finding => ({ level: 'attention', reason })

/** `when(condition, finding)` reads like the rule table in DOMAIN.md. */
function when(condition: boolean | undefined, finding: Finding): Finding[] {
  return condition ? [finding] : []
}

const below = (value: number | undefined, limit: number) => value !== undefined && value < limit
const above = (value: number | undefined, limit: number) => value !== undefined && value > limit
const atLeast = (value: number | undefined, limit: number) => value !== undefined && value >= limit
const outside = (value: number | undefined, low: number, high: number) => below(value, low) || above(value, high)

const checkTank: Check = (v) => {
  const level = numberOf(v, 'level_pct')
  return [
    ...when(below(level, 15), fault('tankLowLow')),
    ...when(!below(level, 15) && below(level, 30), attention('tankLow')),
    ...when(booleanOf(v, 'overflow'), fault('overflow')),
    ...when(booleanOf(v, 'hatch_open'), attention('hatchOpen')),
    // GB 5749-2022: free chlorine 0.05–2 mg/L, turbidity ≤ 1 NTU, pH 6.5–8.5.
    ...when(outside(numberOf(v, 'chlorine_mg_l'), 0.05, 2), fault('chlorineOut')),
    ...when(above(numberOf(v, 'turbidity_ntu'), 1), fault('turbidityHigh')),
    ...when(outside(numberOf(v, 'ph'), 6.5, 8.5), attention('phOut')),
  ]
}

const checkPump: Check = (v) => [
  ...when(booleanOf(v, 'fault'), fault('pumpFault')),
  ...when(stringOf(v, 'mode') === 'manual', attention('pumpManual')),
  ...when(booleanOf(v, 'run_command') === true && booleanOf(v, 'running') === false, attention('pumpNoFeedback')),
]

/** 380 V −20 % is a supply loss; outside 380 V ±7 % (GB/T 12325) a deviation. */
function voltageFindings(v: Values): Finding[] {
  const volts = ['uab_v', 'ubc_v', 'uca_v'].map((k) => numberOf(v, k)).filter((x) => x !== undefined)
  if (volts.some((x) => x < 304)) return [fault('voltageLow')]
  if (volts.some((x) => x < 353 || x > 407)) return [attention('voltageOut')]
  return []
}

const checkPanel: Check = (v) => {
  const breaker = stringOf(v, 'breaker')
  const cable = numberOf(v, 'cable_temp_c')
  const ats = stringOf(v, 'ats_source')
  return [
    ...when(breaker === 'tripped', fault('breakerTripped')),
    ...when(breaker === 'open', attention('breakerOpen')),
    ...when(above(cable, 70), fault('cableHot')),
    ...when(!above(cable, 70) && above(cable, 60), attention('cableWarm')),
    // GB 50116 suggests alarming at 300–500 mA of residual current.
    ...when(atLeast(numberOf(v, 'residual_current_ma'), 300), fault('residualHigh')),
    ...voltageFindings(v),
    ...when(stringOf(v, 'spd') === 'failed', attention('spdFailed')),
    ...when(ats === 'none', fault('atsNone')),
    ...when(ats === 'backup', attention('atsBackup')),
  ]
}

const checkFirePanel: Check = (v) => [
  ...when(above(numberOf(v, 'fire_points'), 0), fault('fire')),
  ...when(above(numberOf(v, 'fault_points'), 0), fault('firePointFault')),
  ...when(booleanOf(v, 'mains_power_ok') === false, fault('mainsFault')),
  ...when(booleanOf(v, 'backup_power_ok') === false, attention('backupFault')),
  // GB 25201: automatic systems must not be left in manual.
  ...when(stringOf(v, 'mode') === 'manual', attention('panelManual')),
  ...when(above(numberOf(v, 'supervisory_points'), 0), attention('supervisory')),
  ...when(above(numberOf(v, 'isolated_points'), 0), attention('isolated')),
]

function pressureFindings(pressure: number | undefined): Finding[] {
  if (below(pressure, 0.1)) return [fault('pressureLowLow')]
  if (below(pressure, 0.15)) return [attention('pressureLow')]
  return []
}

const checkFireWater: Check = (v) => {
  const level = numberOf(v, 'tank_level_pct')
  const lowest = Math.min(
    numberOf(v, 'hydrant_pressure_mpa') ?? Number.POSITIVE_INFINITY,
    numberOf(v, 'sprinkler_pressure_mpa') ?? Number.POSITIVE_INFINITY,
  )
  return [
    ...when(below(level, 50), fault('fireWaterLowLow')),
    ...when(!below(level, 50) && below(level, 80), attention('fireWaterLow')),
    ...pressureFindings(Number.isFinite(lowest) ? lowest : undefined),
    // GB 50974 14.0.3: fire water must stay at 5 °C or above.
    ...when(below(numberOf(v, 'water_temp_c'), 5), attention('freezeRisk')),
  ]
}

const checkRoom: Check = (v) => {
  const temperature = numberOf(v, 'temperature_c')
  return [
    ...when(booleanOf(v, 'flood'), fault('flood')),
    ...when(booleanOf(v, 'smoke'), fault('smoke')),
    ...when(above(temperature, 40), attention('roomHot')),
    ...when(below(temperature, 5), attention('roomCold')),
    ...when(above(numberOf(v, 'humidity_pct'), 85), attention('humid')),
  ]
}

const checkGate: Check = (v) => when(stringOf(v, 'barrier') === 'fault', fault('barrierFault'))

const checkCheckpoint: Check = (v) => when(below(numberOf(v, 'battery_pct'), 20), attention('batteryLow'))

const CHECKS: Record<DeviceKind, Check> = {
  'water-tank': checkTank,
  pump: checkPump,
  'electrical-panel': checkPanel,
  'fire-alarm-panel': checkFirePanel,
  'fire-water': checkFireWater,
  'room-environment': checkRoom,
  gate: checkGate,
  'patrol-checkpoint': checkCheckpoint,
}

/** Life-safety conditions (P0 in DOMAIN.md §b): shown first and pulsing until they clear. */
export const URGENT_REASONS: ReadonlySet<StatusReason> = new Set(['fire', 'smoke', 'flood'])

export function isUrgent(status: DeviceStatus): boolean {
  return status.reasons.some((r) => URGENT_REASONS.has(r))
}

const LEVEL_RANK: Record<StatusLevel, number> = { fault: 0, attention: 1, offline: 2, normal: 3 }

/** Most pressing first: life safety, then faults, attention, offline; stable within a rank. */
export function compareStatus(a: DeviceStatus, b: DeviceStatus): number {
  return Number(isUrgent(b)) - Number(isUrgent(a)) || LEVEL_RANK[a.level] - LEVEL_RANK[b.level]
}

export function deviceStatus(device: Pick<DeviceView, 'kind' | 'online' | 'values'>): DeviceStatus {
  if (!device.online) return { level: 'offline', reasons: [] }
  const findings = CHECKS[device.kind](device.values)
  const faults = findings.filter((f) => f.level === 'fault').map((f) => f.reason)
  const attentions = findings.filter((f) => f.level === 'attention').map((f) => f.reason)
  const level: StatusLevel = faults.length > 0 ? 'fault' : attentions.length > 0 ? 'attention' : 'normal'
  return { level, reasons: [...faults, ...attentions] }
}
