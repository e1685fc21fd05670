/**
 * Fire water (消防水): a fire pool or a roof tank, and, where fitted, the hydrant and sprinkler main pressures at the
 * fire pump room header. Every real main leaks a little (valve seats, fittings), so its pressure creeps down until the
 * jockey pump's pressure switch restores it, a few times an hour. A main fire pump on a test run pushes the main to
 * its shut-off pressure. The tank levels hold steady on their make-up float valves.
 */
import type { DeviceSpec } from '@fm/protocol'
import { normal, type Random, uniform, wander } from '../random.ts'
import { numberAttribute, type StepResult, stringAttribute } from './device-model.ts'
import { approach, clamp, round } from './dynamics.ts'
import type { CompoundEnvironment } from './environment.ts'
import type { ModelFault } from './faults.ts'

export const FIRE_MAINS = ['hydrant', 'sprinkler'] as const
export type FireMain = (typeof FIRE_MAINS)[number]

/** How fast a running jockey pump raises its main, MPa/s: the switch band is crossed in under a minute. */
const JOCKEY_RATE_MPA_PER_SEC = 0.0018
/** Normal leakage, MPa/s: the jockey starts about 3×/h on the hydrant main and about 2×/h on the tighter sprinklers. */
const NORMAL_LEAK_MPA_PER_SEC: Record<FireMain, number> = { hydrant: 6.5e-5, sprinkler: 4e-5 }
/** A burst or an open drain: far more than a jockey pump can make up. */
const FAULT_LEAK_MPA_PER_SEC = 0.007
/** The roof tank's static head keeps a drained main at about this pressure at the header. */
const PRESSURE_FLOOR_MPA = 0.1

export interface MainState {
  readonly main: FireMain
  readonly pressureMpa: number
  readonly leakMpaPerSec: number
}

export interface FireWaterState {
  readonly heightM: number
  readonly levelTargetPct: number
  readonly levelPct: number
  readonly waterTempC: number
  readonly roof: boolean
  readonly mains: readonly MainState[]
  readonly fault: ModelFault<'fire-water'> | null
}

/** What the pumps on each main are doing now. */
export interface MainDrive {
  readonly jockeyRunning: boolean
  /** Shut-off pressure of a main fire pump that is running, MPa, else null. */
  readonly firePumpShutoffMpa: number | null
}

export interface FireWaterEnvironment extends CompoundEnvironment {
  readonly drives: Partial<Record<FireMain, MainDrive>>
}

/** The design pressure of a main at the header, from the manifest (`hydrant_mpa`, `sprinkler_mpa`), if measured. */
export function designPressure(spec: DeviceSpec, main: FireMain): number | null {
  const value = numberAttribute(spec, `${main}_mpa`, Number.NaN)
  return Number.isNaN(value) ? null : value
}

export function initialFireWater(spec: DeviceSpec, rand: Random): FireWaterState {
  const roof = stringAttribute(spec, 'tank_type', 'pool') === 'roof'
  const mains: MainState[] = []
  for (const main of FIRE_MAINS) {
    const design = designPressure(spec, main)
    if (design === null) continue
    mains.push({ main, pressureMpa: design + uniform(rand, -0.03, 0.03), leakMpaPerSec: NORMAL_LEAK_MPA_PER_SEC[main] })
  }
  const levelTargetPct = roof ? 97 : 95
  return {
    heightM: numberAttribute(spec, 'height_m', roof ? 2 : 4),
    levelTargetPct,
    levelPct: levelTargetPct + uniform(rand, -1, 1),
    waterTempC: roof ? 14 : 15,
    roof,
    mains,
    fault: null,
  }
}

function stepMain(state: MainState, drive: MainDrive | undefined, leaking: boolean, dtSec: number, rand: Random) {
  const leakMpaPerSec = wander(
    rand,
    state.leakMpaPerSec,
    NORMAL_LEAK_MPA_PER_SEC[state.main],
    0.3 * NORMAL_LEAK_MPA_PER_SEC[state.main],
    7200,
    dtSec,
  )
  const leak = Math.max(0, leakMpaPerSec) + (leaking ? FAULT_LEAK_MPA_PER_SEC : 0)
  let pressureMpa = state.pressureMpa + ((drive?.jockeyRunning ? JOCKEY_RATE_MPA_PER_SEC : 0) - leak) * dtSec
  if (drive?.firePumpShutoffMpa != null) pressureMpa = approach(state.pressureMpa, drive.firePumpShutoffMpa, 5, dtSec)
  return { ...state, leakMpaPerSec, pressureMpa: clamp(pressureMpa, PRESSURE_FLOOR_MPA, 1.6) }
}

export function stepFireWater(
  state: FireWaterState,
  dtMs: number,
  env: FireWaterEnvironment,
  rand: Random,
): StepResult<'fire-water', FireWaterState> {
  const dtSec = dtMs / 1000
  // a pressure loss hits the first main measured here (the hydrant main where there is one)
  const mains = state.mains.map((main, index) =>
    stepMain(main, env.drives[main.main], state.fault === 'pressure-loss' && index === 0, dtSec, rand),
  )
  const ambientTarget = state.roof ? 5 + 0.7 * env.outdoorTempC : 10 + 0.35 * env.outdoorTempC
  const next: FireWaterState = {
    ...state,
    mains,
    levelPct: clamp(wander(rand, state.levelPct, state.levelTargetPct, 0.4, 7200, dtSec), 0, 100),
    waterTempC: approach(state.waterTempC, ambientTarget, 12 * 3600, dtSec),
  }
  const values: StepResult<'fire-water', FireWaterState>['values'] = {
    tank_level_pct: round(next.levelPct, 1),
    tank_level_m: round((next.levelPct / 100) * next.heightM, 2),
    water_temp_c: round(next.waterTempC, 1),
  }
  for (const main of mains) values[`${main.main}_pressure_mpa`] = round(main.pressureMpa + 0.002 * normal(rand), 3)
  return { state: next, values, events: [] }
}

export function mainPressure(state: FireWaterState, main: FireMain): number | null {
  return state.mains.find((candidate) => candidate.main === main)?.pressureMpa ?? null
}
