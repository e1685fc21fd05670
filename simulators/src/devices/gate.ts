/**
 * Vehicle lane barrier with an ANPR camera (道闸 + 车牌识别). Cars arrive as a Poisson process whose rate follows the
 * compound's traffic: residents leave in the morning and return in the evening. Each car is read (`plate` event),
 * the arm rises, the car crosses the loop and the arm falls behind it; the lane counts every passage.
 */
import type { DeviceSpec } from '@fm/protocol'
import { poisson, type Random, uniform } from '../random.ts'
import { type ModelEvent, numberAttribute, type StepResult, stringAttribute } from './device-model.ts'
import { round } from './dynamics.ts'
import type { CompoundEnvironment } from './environment.ts'
import type { ModelFault } from './faults.ts'
import { randomVehicle, type Vehicle } from './plates.ts'

/** Arm travel time, ms; the barrier reports `moving` meanwhile. */
const ARM_TRAVEL_MS = 1500
/** From recognition to the arm falling behind the car, ms. */
const PASSAGE_MS = 8000
/** Share of cars that belong to residents; the rest are visitors, deliveries and taxis. */
const RESIDENT_SHARE = 0.85

export interface GateState {
  readonly direction: 'in' | 'out'
  readonly lane: string
  readonly peakPerHour: number
  /** When the last car was recognised, epoch ms; the arm is up until PASSAGE_MS later. */
  readonly lastArrivalMs: number | null
  /** Raised from the gatehouse (人工开闸): stays up until a car passes or it is closed. */
  readonly heldOpen: boolean
  readonly closedAtMs: number | null
  readonly vehiclesIn: number
  readonly vehiclesOut: number
  readonly fault: ModelFault<'gate'> | null
}

export interface GateEnvironment extends CompoundEnvironment {
  /** The residents' cars, shared by every gate of the compound. */
  readonly fleet: readonly Vehicle[]
}

export function initialGate(spec: DeviceSpec, rand: Random): GateState {
  const direction = stringAttribute(spec, 'direction', 'in') === 'out' ? 'out' : 'in'
  const passed = Math.round(uniform(rand, 100_000, 300_000))
  return {
    direction,
    lane: stringAttribute(spec, 'lane', spec.id),
    peakPerHour: numberAttribute(spec, 'peak_vehicles_per_hour', 60),
    lastArrivalMs: null,
    heldOpen: false,
    closedAtMs: null,
    vehiclesIn: direction === 'in' ? passed : 0,
    vehiclesOut: direction === 'out' ? passed : 0,
    fault: null,
  }
}

function arrivalTimes(state: GateState, dtMs: number, env: CompoundEnvironment, rand: Random): number[] {
  const share = state.direction === 'in' ? env.trafficIn : env.trafficOut
  const count = poisson(rand, (state.peakPerHour * share * dtMs) / 3_600_000)
  const start = env.nowMs - dtMs
  return Array.from({ length: count }, () => start + rand() * dtMs).sort((a, b) => a - b)
}

function plateEvent(state: GateState, vehicle: Vehicle, ts: number, rand: Random): ModelEvent<'gate'> {
  return {
    type: 'plate',
    ts: Math.round(ts),
    plate: vehicle.plate,
    plate_color: vehicle.color,
    // a clean plate in daylight reads at 97–99 %; dirt, rain and headlights pull it down towards 85 %
    confidence_pct: round(99 - 14 * rand() ** 2, 1),
    direction: state.direction,
    vehicle_type: vehicle.type,
  }
}

export function stepGate(
  state: GateState,
  dtMs: number,
  env: GateEnvironment,
  rand: Random,
): StepResult<'gate', GateState> {
  const arrivals = arrivalTimes(state, dtMs, env, rand)
  const events = arrivals.map((ts) => {
    const resident = rand() < RESIDENT_SHARE && env.fleet.length > 0
    const vehicle = resident
      ? (env.fleet[Math.floor(rand() * env.fleet.length)] ?? randomVehicle(rand, true))
      : randomVehicle(rand, true)
    return plateEvent(state, vehicle, ts, rand)
  })
  const last = arrivals.at(-1)
  const passed = arrivals.length
  const next: GateState = {
    ...state,
    lastArrivalMs: last ?? state.lastArrivalMs,
    // a car through a held-open arm closes it behind itself, as the loop detector does
    heldOpen: state.heldOpen && passed === 0,
    vehiclesIn: state.vehiclesIn + (state.direction === 'in' ? passed : 0),
    vehiclesOut: state.vehiclesOut + (state.direction === 'out' ? passed : 0),
  }
  return { state: next, values: readValues(next, env.nowMs), events }
}

function barrierAt(state: GateState, nowMs: number): 'down' | 'up' | 'moving' {
  if (state.fault === 'barrier-stuck-open' || state.heldOpen) return 'up'
  const since = state.lastArrivalMs === null ? Number.POSITIVE_INFINITY : nowMs - state.lastArrivalMs
  if (since < ARM_TRAVEL_MS) return 'moving'
  if (since < PASSAGE_MS) return 'up'
  if (since < PASSAGE_MS + ARM_TRAVEL_MS) return 'moving'
  if (state.closedAtMs !== null && nowMs - state.closedAtMs < ARM_TRAVEL_MS) return 'moving'
  return 'down'
}

function readValues(state: GateState, nowMs: number): StepResult<'gate', GateState>['values'] {
  const since = state.lastArrivalMs === null ? Number.POSITIVE_INFINITY : nowMs - state.lastArrivalMs
  return {
    barrier: barrierAt(state, nowMs),
    loop_occupied: since >= ARM_TRAVEL_MS && since < PASSAGE_MS - 1000,
    vehicles_in_count: state.vehiclesIn,
    vehicles_out_count: state.vehiclesOut,
  }
}

export type GateCommandResult = { ok: true; state: GateState } | { ok: false; error: string }

/** Gatehouse commands: raise the arm for a car the camera did not admit, or lower it again. */
export function commandGate(state: GateState, action: string, nowMs: number): GateCommandResult {
  switch (action) {
    case 'open_barrier':
      return { ok: true, state: { ...state, heldOpen: true } }
    case 'close_barrier':
      if (state.fault === 'barrier-stuck-open') return { ok: false, error: 'barrier does not move (stuck open)' }
      return { ok: true, state: { ...state, heldOpen: false, lastArrivalMs: null, closedAtMs: nowMs } }
    default:
      return { ok: false, error: 'unsupported action' }
  }
}
