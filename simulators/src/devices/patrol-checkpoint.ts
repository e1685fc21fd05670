/**
 * Guard patrol checkpoint (电子巡查点): an NFC tag on a wall that a guard's handset scans. A route is an ordered list
 * of checkpoints walked every `interval_min` (two hours by default), starting `offset_min` past the even hour, a few
 * minutes between points. Checkpoints do not talk to each other, so the timetable of a round is derived from the
 * route, the round number and the compound seed alone: every checkpoint of a route computes the same walk.
 */
import type { DeviceSpec } from '@fm/protocol'
import { createRandom, deriveSeed, type Random, uniform } from '../random.ts'
import { type ModelEvent, numberAttribute, type StepResult, stringAttribute } from './device-model.ts'
import { approach, round } from './dynamics.ts'
import type { CompoundEnvironment } from './environment.ts'
import type { ModelFault } from './faults.ts'

const MINUTE_MS = 60_000
/** Walking time between two checkpoints, minutes. */
const LEG_MIN_MIN = 3
const LEG_MAX_MIN = 7
/** Battery of an NFC/BLE checkpoint lasts years: about 1.5 % a month. */
const BATTERY_DRAIN_PCT_PER_MS = 1.5 / (30 * 24 * 3_600_000)
/** Where a worn-out cell settles, reached with a short time constant (see the fast-forward note in faults.ts). */
const WORN_CELL_PCT = 12
const WORN_CELL_TAU_SEC = 20
/** Shifts change at 08:00 and 20:00 (交接班). */
const DAY_SHIFT_START_H = 8
const DAY_SHIFT_END_H = 20

export interface PatrolCheckpointState {
  readonly route: string
  readonly order: number
  readonly intervalMs: number
  readonly offsetMs: number
  readonly dayGuard: string
  readonly nightGuard: string
  readonly batteryPct: number
  /** The cell wore out (fault `battery-low`); once the fault is cleared, it has been replaced. */
  readonly wornCell: boolean
  readonly fault: ModelFault<'patrol-checkpoint'> | null
}

export interface PatrolEnvironment extends CompoundEnvironment {
  /** Seed of the compound's patrol timetable, the same for every checkpoint. */
  readonly patrolSeed: number
}

export function initialPatrolCheckpoint(spec: DeviceSpec, rand: Random): PatrolCheckpointState {
  return {
    route: stringAttribute(spec, 'route', 'route-1'),
    order: Math.max(1, Math.round(numberAttribute(spec, 'order', 1))),
    intervalMs: numberAttribute(spec, 'interval_min', 120) * MINUTE_MS,
    offsetMs: numberAttribute(spec, 'offset_min', 10) * MINUTE_MS,
    dayGuard: stringAttribute(spec, 'guard_day', 'guard-012'),
    nightGuard: stringAttribute(spec, 'guard_night', 'guard-027'),
    batteryPct: uniform(rand, 60, 95),
    wornCell: false,
    fault: null,
  }
}

/** Local time (see CompoundEnvironment.localMs) at which round `round` of the route reaches this checkpoint. */
export function scanTime(state: PatrolCheckpointState, patrolSeed: number, roundIndex: number): number {
  const walk = createRandom(deriveSeed(patrolSeed, `${state.route}/${roundIndex}`))
  let at = roundIndex * state.intervalMs + state.offsetMs
  for (let leg = 1; leg < state.order; leg++) at += uniform(walk, LEG_MIN_MIN, LEG_MAX_MIN) * MINUTE_MS
  return at
}

function guardAt(state: PatrolCheckpointState, localMs: number): string {
  const hour = (localMs % 86_400_000) / 3_600_000
  return hour >= DAY_SHIFT_START_H && hour < DAY_SHIFT_END_H ? state.dayGuard : state.nightGuard
}

export function stepPatrolCheckpoint(
  state: PatrolCheckpointState,
  dtMs: number,
  env: PatrolEnvironment,
  _rand: Random,
): StepResult<'patrol-checkpoint', PatrolCheckpointState> {
  const events: ModelEvent<'patrol-checkpoint'>[] = []
  const current = Math.floor((env.localMs - state.offsetMs) / state.intervalMs)
  // a round lasts well under its interval, so a scan in this step belongs to this round or the one before
  for (const roundIndex of [current - 1, current]) {
    const localScan = scanTime(state, env.patrolSeed, roundIndex)
    if (localScan <= env.localMs - dtMs || localScan > env.localMs || state.fault === 'missed-scan') continue
    events.push({
      type: 'scan',
      ts: Math.round(localScan - (env.localMs - env.nowMs)),
      guard_id: guardAt(state, localScan),
      route_id: state.route,
      method: 'nfc',
    })
  }
  const next = stepBattery(state, dtMs)
  return { state: next, values: { battery_pct: round(next.batteryPct, 1) }, events }
}

/** The cell drains over years; a worn-out one reads low within a minute, and the technician replaces it. */
function stepBattery(state: PatrolCheckpointState, dtMs: number): PatrolCheckpointState {
  if (state.fault === 'battery-low') {
    const batteryPct = approach(state.batteryPct, WORN_CELL_PCT, WORN_CELL_TAU_SEC, dtMs / 1000)
    return { ...state, batteryPct, wornCell: true }
  }
  if (state.wornCell) return { ...state, batteryPct: 100, wornCell: false }
  return { ...state, batteryPct: Math.max(5, state.batteryPct - BATTERY_DRAIN_PCT_PER_MS * dtMs) }
}
