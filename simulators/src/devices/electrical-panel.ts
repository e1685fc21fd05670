/**
 * Low-voltage distribution panel (配电柜) with an electrical-fire monitor: line voltages, phase and neutral currents,
 * power, energy, power factor, residual current and the hottest cable terminal. Panels form a tree (`upstream`):
 * the incoming panel carries everything below it, and a pump cabinet carries its pumps' motor current, so a breaker
 * trip or a lost phase upstream reaches every panel and pump downstream.
 */
import type { DeviceSpec } from '@fm/protocol'
import { normal, type Random, uniform, wander } from '../random.ts'
import { booleanAttribute, numberAttribute, type StepResult } from './device-model.ts'
import { approach, clamp, round } from './dynamics.ts'
import type { CompoundEnvironment } from './environment.ts'
import type { ModelFault } from './faults.ts'

/** What a panel receives from upstream (and passes on): healthy, one phase missing, or nothing. */
export type Supply = 'ok' | 'phase-loss' | 'dead'

const SQRT3 = Math.sqrt(3)
/** Temperature rise of a cable at its breaker's rated current, K: PVC runs at 70 °C in a 30 °C room. */
const RATED_RISE_K = 40
const CABLE_TAU_SEC = 20 * 60
/** A loose terminal adds this much heat, reached with a short time constant (see the fast-forward note in faults.ts). */
const HOT_SPOT_RISE_K = 55
const HOT_SPOT_TAU_SEC = 120

export interface PanelState {
  readonly ratedCurrentA: number
  readonly baseKw: number
  readonly peakKw: number
  readonly nominalPf: number
  readonly hasAts: boolean
  readonly pf: number
  readonly loadFactor: number
  /** Per-phase share of the load (A, B, C), wandering around 1: single-phase loads never balance exactly. */
  readonly shares: readonly [number, number, number]
  readonly lineSkew: readonly [number, number, number]
  readonly energyKwh: number
  readonly cableTempC: number
  readonly hotSpotK: number
  readonly residualMa: number
  readonly breaker: 'closed' | 'tripped'
  readonly fault: ModelFault<'electrical-panel'> | null
}

export interface PanelEnvironment extends CompoundEnvironment {
  /** What arrives from upstream. */
  readonly supply: Supply
  /** Busbar line voltage of the transformer, V, shared by all panels (see stepBusVoltage). */
  readonly busVoltageV: number
  /** Phase current of everything fed from this panel (pumps, downstream panels), A. */
  readonly downstreamA: number
}

export interface PanelStep extends StepResult<'electrical-panel', PanelState> {
  /** Average phase current the panel draws from upstream, A. */
  readonly drawnA: number
}

export function initialPanel(spec: DeviceSpec, rand: Random): PanelState {
  const nominalPf = numberAttribute(spec, 'power_factor', 0.92)
  return {
    ratedCurrentA: numberAttribute(spec, 'rated_current_a', 250),
    baseKw: numberAttribute(spec, 'base_kw', 5),
    peakKw: numberAttribute(spec, 'peak_kw', 40),
    nominalPf,
    hasAts: booleanAttribute(spec, 'ats', false),
    pf: nominalPf,
    loadFactor: 1,
    shares: [1, 1, 1],
    lineSkew: [0, 0, 0],
    energyKwh: Math.round(uniform(rand, 150_000, 600_000)),
    cableTempC: 30,
    hotSpotK: 0,
    residualMa: uniform(rand, 15, 35),
    breaker: 'closed',
    fault: null,
  }
}

/** The transformer's busbar voltage: about 400 V, a little lower at the evening peak, with slow grid wander. */
export function stepBusVoltage(voltageV: number, env: CompoundEnvironment, dtMs: number, rand: Random): number {
  return wander(rand, voltageV, 401 - 6 * env.electricalLoad, 1.2, 900, dtMs / 1000)
}

/** What this panel passes to the panels and pumps it feeds. */
export function panelOutput(state: PanelState, supply: Supply): Supply {
  if (supply === 'dead' || state.breaker === 'tripped') return 'dead'
  if (supply === 'phase-loss' || state.fault === 'phase-loss') return 'phase-loss'
  return 'ok'
}

function wanderShares(state: PanelState, dtSec: number, rand: Random): readonly [number, number, number] {
  const [a, b, c] = state.shares
  return [
    wander(rand, a, 1, 0.025, 1800, dtSec),
    wander(rand, b, 1, 0.025, 1800, dtSec),
    wander(rand, c, 1, 0.025, 1800, dtSec),
  ]
}

function wanderSkew(state: PanelState, dtSec: number, rand: Random): readonly [number, number, number] {
  const [a, b, c] = state.lineSkew
  return [
    wander(rand, a, 0, 0.003, 3600, dtSec),
    wander(rand, b, 0, 0.003, 3600, dtSec),
    wander(rand, c, 0, 0.003, 3600, dtSec),
  ]
}

export function stepPanel(state: PanelState, dtMs: number, env: PanelEnvironment, rand: Random): PanelStep {
  const dtSec = dtMs / 1000
  const breaker = state.fault === 'breaker-trip' ? 'tripped' : 'closed'
  const loadFactor = wander(rand, state.loadFactor, 1, 0.06, 900, dtSec)
  const ownKw = (state.baseKw + (state.peakKw - state.baseKw) * env.electricalLoad) * loadFactor
  // capacitor banks hold the power factor near nominal; only a fault would let it sag below 0.9
  const pf = clamp(wander(rand, state.pf, state.nominalPf, 0.006, 3600, dtSec), state.nominalPf - 0.02, 0.99)
  const energised = env.supply !== 'dead' && breaker === 'closed'
  const lineV = env.busVoltageV * (1 - 0.01 * Math.min(1, ownKw / (SQRT3 * 0.4 * state.ratedCurrentA)))
  const averageA = energised ? (ownKw * 1000) / (SQRT3 * lineV * pf) + env.downstreamA : 0
  const phaseLost = env.supply === 'phase-loss' || state.fault === 'phase-loss'
  const shares = wanderShares(state, dtSec, rand)
  const currents = phaseCurrents(averageA, shares, phaseLost)
  const ambientC = 18 + 0.35 * env.outdoorTempC
  const hotSpotK = approach(
    state.hotSpotK,
    state.fault === 'cable-overheat' ? HOT_SPOT_RISE_K : 0,
    HOT_SPOT_TAU_SEC,
    dtSec,
  )
  const loading = Math.max(...currents) / state.ratedCurrentA
  const cableTempC = approach(state.cableTempC, ambientC + RATED_RISE_K * loading ** 2, CABLE_TAU_SEC, dtSec)
  const powerKw = ((lineV / SQRT3) * (currents[0] + currents[1] + currents[2]) * pf) / 1000
  const next: PanelState = {
    ...state,
    pf,
    loadFactor,
    shares,
    lineSkew: wanderSkew(state, dtSec, rand),
    energyKwh: state.energyKwh + (powerKw * dtSec) / 3600,
    cableTempC,
    hotSpotK,
    residualMa: clamp(wander(rand, state.residualMa, 20 + 20 * loading, 4, 1800, dtSec), 3, 95),
    breaker,
  }
  const voltages = lineVoltages(env.supply === 'dead' ? 0 : lineV, next.lineSkew, phaseLost, rand)
  const values = readValues(next, voltages, energised ? currents : [0, 0, 0], powerKw)
  return { state: next, values, events: [], drawnA: (currents[0] + currents[1] + currents[2]) / 3 }
}

/** Phase currents for an average current and per-phase shares; with phase C lost its loads drop out, A and B rise. */
function phaseCurrents(averageA: number, shares: readonly [number, number, number], phaseLost: boolean) {
  const [a, b, c] = shares
  if (phaseLost) return [averageA * a * 1.12, averageA * b * 1.12, 0] as const
  return [averageA * a, averageA * b, averageA * c] as const
}

/**
 * Line voltages as the meter reads them. With phase C open, Ubc and Uca are not zero but float at roughly half of
 * Uab, back-fed through the motor and transformer windings still connected.
 */
function lineVoltages(lineV: number, skew: readonly [number, number, number], phaseLost: boolean, rand: Random) {
  const noise = () => 1 + 0.0005 * normal(rand)
  const [a, b, c] = skew
  const uab = lineV * (1 + a) * noise()
  if (phaseLost) return [uab, uab * (0.5 + 0.02 * normal(rand)), uab * (0.5 + 0.02 * normal(rand))] as const
  return [uab, lineV * (1 + b) * noise(), lineV * (1 + c) * noise()] as const
}

/** Neutral current of three phase currents 120° apart at the same power factor. */
function neutralCurrent([ia, ib, ic]: readonly [number, number, number]): number {
  return Math.sqrt(Math.max(0, ia * ia + ib * ib + ic * ic - ia * ib - ib * ic - ic * ia))
}

function readValues(
  state: PanelState,
  [uab, ubc, uca]: readonly [number, number, number],
  currents: readonly [number, number, number],
  powerKw: number,
): PanelStep['values'] {
  const loaded = currents.some((current) => current > 0)
  const values: PanelStep['values'] = {
    uab_v: round(uab, 1),
    ubc_v: round(ubc, 1),
    uca_v: round(uca, 1),
    ia_a: round(currents[0], 1),
    ib_a: round(currents[1], 1),
    ic_a: round(currents[2], 1),
    in_a: round(neutralCurrent(currents), 1),
    power_kw: round(loaded ? powerKw : 0, 2),
    energy_kwh: round(state.energyKwh, 1),
    power_factor: round(state.pf, 3),
    residual_current_ma: round(loaded ? state.residualMa : 0, 0),
    cable_temp_c: round(state.cableTempC + state.hotSpotK, 1),
    breaker: state.breaker,
    spd: 'ok',
  }
  if (state.hasAts) values.ats_source = uab > 0 ? 'main' : 'none'
  return values
}
