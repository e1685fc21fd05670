/**
 * Pump controllers. A booster set (生活变频泵组) holds its zone's outlet pressure at the setpoint by varying the speed
 * of one duty pump; the others stand by. Like commercial controllers it sleeps when demand is tiny (a pressure tank
 * carries the zone), wakes when the pressure sags, alternates the duty pump at every start and after `rotate_hours`
 * of continuous duty, and fails over to a standby pump when the duty pump trips or loses power.
 *
 * A jockey pump (稳压泵) is a pressure switch: on below its start pressure, off at its stop pressure.
 *
 * Hydraulics use the affinity laws: at speed s (fraction of 50 Hz) the pump adds H0·s² − a·Q² of pressure at flow Q,
 * with H0 the shut-off boost at full speed and a sized so one pump delivers its rated flow at 102 % of the boost the
 * zone needs.
 */
import type { Random } from '../random.ts'
import { normal, wander } from '../random.ts'
import { approach, clamp } from './dynamics.ts'
import type { CompoundEnvironment } from './environment.ts'
import { type PumpDrive, STOPPED } from './pump.ts'

/** Below this fraction of the zone's peak flow the duty pump goes to sleep after SLEEP_DELAY_SEC. */
const SLEEP_FLOW_FRACTION = 0.1
const SLEEP_DELAY_SEC = 120
/** Before sleeping the VFD charges the pressure tank a little above setpoint; it wakes this far below setpoint. */
const SLEEP_BOOST_MPA = 0.03
const WAKE_DROP_MPA = 0.04
/** Pressure fall of the sleeping zone per m³/h drawn, MPa/s: a tank that carries a quiet night for about 15 min. */
const SLEEP_DECAY_MPA_PER_M3H_SEC = 2.5e-5

export interface BoosterSetParams {
  readonly setpointMpa: number
  /** The zone's demand at its evening peak, m³/h. */
  readonly peakFlowM3h: number
  /** Flow of one pump at its duty point, m³/h: sized with a quarter of margin over the peak. */
  readonly ratedFlowM3h: number
  readonly rotateHours: number
}

export interface BoosterSetState {
  readonly params: BoosterSetParams
  readonly memberCount: number
  /** Index of the pump running in auto, or null while the set sleeps or no pump can run. */
  readonly active: number | null
  /** Index of the pump to start next: the duty alternates. */
  readonly nextDuty: number
  readonly outletMpa: number
  readonly lowFlowSec: number
  readonly dutySec: number
  /** Slow multiplicative wander on demand: no two evenings are the same. */
  readonly demandFactor: number
}

export interface MemberStatus {
  readonly available: boolean
  readonly manualRun: boolean
}

export interface BoosterSetInput {
  readonly suctionMpa: number
  readonly members: readonly MemberStatus[]
}

export interface BoosterSetStep {
  readonly state: BoosterSetState
  readonly flowM3h: number
  readonly drives: readonly PumpDrive[]
}

export function initialBoosterSet(params: BoosterSetParams, memberCount: number): BoosterSetState {
  return {
    params,
    memberCount,
    active: 0,
    nextDuty: memberCount > 1 ? 1 : 0,
    outletMpa: params.setpointMpa,
    lowFlowSec: 0,
    dutySec: 0,
    demandFactor: 1,
  }
}

/** Shut-off boost at full speed, MPa: 30 % above what the zone needs, as booster pumps are usually selected. */
function shutoffBoost(params: BoosterSetParams, suctionMpa: number): number {
  return 1.3 * Math.max(0.05, params.setpointMpa - suctionMpa)
}

function curveCoefficient(params: BoosterSetParams, suctionMpa: number): number {
  const needed = params.setpointMpa - suctionMpa
  return (shutoffBoost(params, suctionMpa) - 1.02 * needed) / params.ratedFlowM3h ** 2
}

/** The speed that holds the setpoint at flow Q, capped at 50 Hz; and the pressure actually reached. */
function holdPressure(params: BoosterSetParams, suctionMpa: number, flowM3h: number) {
  const h0 = shutoffBoost(params, suctionMpa)
  const a = curveCoefficient(params, suctionMpa)
  const needed = params.setpointMpa - suctionMpa
  const speed = Math.sqrt((needed + a * flowM3h ** 2) / h0)
  if (speed <= 1) return { speed, outletMpa: params.setpointMpa }
  return { speed: 1, outletMpa: suctionMpa + Math.max(0, h0 - a * flowM3h ** 2) }
}

/** Shaft power as a fraction of rated: the usual centrifugal curve, 45 % at shut-off, scaled by s³. */
function loadFraction(params: BoosterSetParams, speed: number, flowM3h: number): number {
  const flowAtSpeed = speed > 0 ? flowM3h / (params.ratedFlowM3h * speed) : 0
  return speed ** 3 * (0.45 + 0.55 * Math.min(1.2, flowAtSpeed))
}

function nextAvailable(members: readonly MemberStatus[], from: number, exclude: number | null): number | null {
  for (let offset = 0; offset < members.length; offset++) {
    const index = (from + offset) % members.length
    if (index !== exclude && members[index]?.available) return index
  }
  return null
}

/** Which pump runs in auto: fail over, rotate after long duty, sleep on low flow, wake on low pressure. */
function chooseActive(state: BoosterSetState, input: BoosterSetInput, flowM3h: number, dtSec: number) {
  const { params } = state
  let { active, nextDuty, lowFlowSec, dutySec, outletMpa } = state
  if (active !== null && !input.members[active]?.available) active = nextAvailable(input.members, active + 1, active)
  if (active !== null && dutySec >= params.rotateHours * 3600) {
    active = nextAvailable(input.members, active + 1, active) ?? active
    dutySec = 0
  }
  if (active !== null) {
    lowFlowSec = flowM3h < SLEEP_FLOW_FRACTION * params.peakFlowM3h ? lowFlowSec + dtSec : 0
    if (lowFlowSec >= SLEEP_DELAY_SEC) {
      active = null
      outletMpa = params.setpointMpa + SLEEP_BOOST_MPA
    }
  } else if (outletMpa < params.setpointMpa - WAKE_DROP_MPA) {
    active = nextAvailable(input.members, nextDuty, null)
    if (active !== null) nextDuty = (active + 1) % state.memberCount
    lowFlowSec = 0
    dutySec = 0
  }
  return { active, nextDuty, lowFlowSec, dutySec: active === null ? 0 : dutySec + dtSec, outletMpa }
}

export function stepBoosterSet(
  state: BoosterSetState,
  dtMs: number,
  env: CompoundEnvironment,
  input: BoosterSetInput,
  rand: Random,
): BoosterSetStep {
  const dtSec = dtMs / 1000
  const { params } = state
  const demandFactor = wander(rand, state.demandFactor, 1, 0.08, 600, dtSec)
  const flowM3h = Math.max(0, params.peakFlowM3h * env.waterDemand * demandFactor * (1 + 0.03 * normal(rand)))
  const manual = input.members.findIndex((member) => member.manualRun)
  if (manual >= 0) return runByHand(state, input, manual, flowM3h, demandFactor)
  const chosen = chooseActive(state, input, flowM3h, dtSec)
  const next = { ...state, ...chosen, demandFactor }
  if (chosen.active === null) {
    // no pump running: the pressure tank (or nothing, when every pump is down) feeds the zone
    const floor = input.suctionMpa
    const decayed = chosen.outletMpa - flowM3h * SLEEP_DECAY_MPA_PER_M3H_SEC * dtSec
    const outletMpa = Math.max(
      floor,
      input.members.some((m) => m.available) ? decayed : approach(decayed, floor, 60, dtSec),
    )
    return { state: { ...next, outletMpa }, flowM3h, drives: input.members.map(() => STOPPED) }
  }
  const held = holdPressure(params, input.suctionMpa, flowM3h)
  const drive: PumpDrive = { run: true, speed: held.speed, loadFraction: loadFraction(params, held.speed, flowM3h) }
  const drives = input.members.map((_, index) => (index === chosen.active ? drive : STOPPED))
  const outletMpa = clamp(held.outletMpa + 0.003 * normal(rand), 0, 5)
  return { state: { ...next, outletMpa }, flowM3h, drives }
}

/** A pump switched to hand runs at 50 Hz across the line: pressure rises above setpoint and the VFDs stay idle. */
function runByHand(
  state: BoosterSetState,
  input: BoosterSetInput,
  manual: number,
  flowM3h: number,
  demandFactor: number,
): BoosterSetStep {
  const { params } = state
  const h0 = shutoffBoost(params, input.suctionMpa)
  const outletMpa = input.suctionMpa + Math.max(0, h0 - curveCoefficient(params, input.suctionMpa) * flowM3h ** 2)
  const drive: PumpDrive = { run: true, speed: 1, loadFraction: loadFraction(params, 1, flowM3h) }
  const drives = input.members.map((_, index) => (index === manual ? drive : STOPPED))
  return { state: { ...state, active: null, outletMpa, lowFlowSec: 0, demandFactor }, flowM3h, drives }
}

/** A jockey pump's pressure switch. */
export function jockeyShouldRun(running: boolean, pressureMpa: number, startMpa: number, stopMpa: number): boolean {
  if (pressureMpa <= startMpa) return true
  if (pressureMpa >= stopMpa) return false
  return running
}

export const JOCKEY_DRIVE: PumpDrive = { run: true, speed: 1, loadFraction: 0.8 }
