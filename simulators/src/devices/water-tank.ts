/**
 * Domestic water tank (生活水箱) of a secondary-supply pump room. An electric float valve admits municipal water below
 * 60 % and closes at 90 %; the booster sets draw what the households use. Tanks with water-quality sensors also report
 * free chlorine (decaying while water stands, refreshed by inflow), turbidity, pH and temperature.
 */
import type { DeviceSpec } from '@fm/protocol'
import { normal, type Random, uniform, wander } from '../random.ts'
import { booleanAttribute, type ModelEvent, numberAttribute, type StepResult } from './device-model.ts'
import { approach, clamp, ramp, round } from './dynamics.ts'
import type { CompoundEnvironment } from './environment.ts'
import type { ModelFault } from './faults.ts'

export const INLET_OPEN_BELOW_PCT = 60
export const INLET_CLOSE_AT_PCT = 90
/** Where the level settles quickly when the inlet is cut; it then keeps falling at the demand rate. */
const LOW_LOW_SETTLE_PCT = 12
/** Fast-forward rate of a fault onset (see faults.ts). */
const FAULT_ONSET_PCT_PER_SEC = 1
/** Municipal water after treatment carries about 0.5–0.6 mg/L of free chlorine; standing water loses it slowly. */
const FRESH_CHLORINE_MG_L = 0.56
const STANDING_CHLORINE_MG_L = 0.3

export interface WaterTankState {
  readonly capacityM3: number
  readonly heightM: number
  readonly inletCapacityM3h: number
  readonly qualitySensors: boolean
  readonly levelPct: number
  readonly inletOpen: boolean
  readonly chlorineMgL: number
  readonly turbidityNtu: number
  readonly ph: number
  readonly waterTempC: number
  readonly fault: ModelFault<'water-tank'> | null
}

export interface WaterTankEnvironment extends CompoundEnvironment {
  /** What the booster sets fed by this tank draw now, m³/h. */
  readonly outflowM3h: number
}

export function initialWaterTank(spec: DeviceSpec, rand: Random): WaterTankState {
  const levelPct = uniform(rand, 65, 85)
  return {
    capacityM3: numberAttribute(spec, 'capacity_m3', 150),
    heightM: numberAttribute(spec, 'height_m', 3),
    inletCapacityM3h: numberAttribute(spec, 'inlet_m3h', 60),
    qualitySensors: booleanAttribute(spec, 'water_quality', false),
    levelPct,
    inletOpen: rand() < 0.5,
    chlorineMgL: uniform(rand, 0.4, 0.5),
    turbidityNtu: uniform(rand, 0.15, 0.25),
    ph: uniform(rand, 7.1, 7.3),
    waterTempC: 16,
    fault: null,
  }
}

/** The electric float valve: on/off with a wide band so that it cycles a few times a day, not a few times an hour. */
function floatValve(open: boolean, levelPct: number): boolean {
  if (levelPct < INLET_OPEN_BELOW_PCT) return true
  if (levelPct >= INLET_CLOSE_AT_PCT) return false
  return open
}

function nextLevel(state: WaterTankState, inletOpen: boolean, env: WaterTankEnvironment, dtSec: number): number {
  const supplied = state.fault !== 'low-low'
  const inflowM3h = inletOpen && supplied ? state.inletCapacityM3h : 0
  const physical = state.levelPct + (((inflowM3h - env.outflowM3h) * dtSec) / 3600 / state.capacityM3) * 100
  switch (state.fault) {
    case 'overflow':
      return ramp(state.levelPct, 100, FAULT_ONSET_PCT_PER_SEC, dtSec)
    case 'low-low':
      return state.levelPct > LOW_LOW_SETTLE_PCT
        ? Math.min(physical, ramp(state.levelPct, LOW_LOW_SETTLE_PCT, FAULT_ONSET_PCT_PER_SEC, dtSec))
        : physical
    default:
      return physical
  }
}

function nextQuality(state: WaterTankState, env: WaterTankEnvironment, dtSec: number, rand: Random) {
  const refreshing = state.inletOpen && state.fault !== 'low-low'
  const chlorineTarget = refreshing ? FRESH_CHLORINE_MG_L : STANDING_CHLORINE_MG_L
  const chlorine = approach(state.chlorineMgL, chlorineTarget, refreshing ? 1800 : 8 * 3600, dtSec)
  // inflow stirs a little sediment
  const turbidity = wander(rand, state.turbidityNtu, refreshing ? 0.24 : 0.18, 0.03, 3600, dtSec)
  return {
    chlorineMgL: chlorine,
    turbidityNtu: clamp(turbidity, 0.05, 0.45),
    ph: clamp(wander(rand, state.ph, 7.2, 0.06, 3 * 3600, dtSec), 6.9, 7.6),
    waterTempC: approach(state.waterTempC, 8 + 0.5 * env.outdoorTempC, 6 * 3600, dtSec),
  }
}

export function stepWaterTank(
  state: WaterTankState,
  dtMs: number,
  env: WaterTankEnvironment,
  rand: Random,
): StepResult<'water-tank', WaterTankState> {
  const dtSec = dtMs / 1000
  const inletOpen = state.fault === 'overflow' || floatValve(state.inletOpen, state.levelPct)
  const levelPct = clamp(nextLevel({ ...state, inletOpen }, inletOpen, env, dtSec), 0, 100)
  const next: WaterTankState = { ...state, ...nextQuality(state, env, dtSec, rand), levelPct, inletOpen }
  const events: ModelEvent<'water-tank'>[] = []
  return { state: next, values: readValues(next, rand), events }
}

function readValues(state: WaterTankState, rand: Random): StepResult<'water-tank', WaterTankState>['values'] {
  // a pressure transmitter at the tank floor: about ±0.1 % of span of noise on an otherwise smooth level
  const levelPct = clamp(state.levelPct + 0.1 * normal(rand), 0, 100)
  const values = {
    level_pct: round(levelPct, 1),
    level_m: round((levelPct / 100) * state.heightM, 2),
    volume_m3: round((levelPct / 100) * state.capacityM3, 1),
    inlet_valve: state.inletOpen ? ('open' as const) : ('closed' as const),
    overflow: state.levelPct >= 99.5,
    hatch_open: false,
  }
  if (!state.qualitySensors) return values
  return {
    ...values,
    chlorine_mg_l: round(clamp(state.chlorineMgL + 0.01 * normal(rand), 0, 20), 2),
    turbidity_ntu: round(state.turbidityNtu, 2),
    ph: round(state.ph, 2),
    water_temp_c: round(state.waterTempC, 1),
  }
}

/** The head the tank gives the booster pumps at their suction, MPa (the tank floor sits about 0.5 m above them). */
export function suctionPressureMpa(state: WaterTankState): number {
  return ((state.levelPct / 100) * state.heightM + 0.5) * 0.00981
}
