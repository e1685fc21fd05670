/**
 * One pump with its starter or VFD: booster pumps (duty/standby, on a VFD), fire main pumps (hydrant/sprinkler,
 * direct on line) and jockey pumps. The pump does not decide when to run: its controller in pump-set.ts does, for the
 * whole set, and hands each pump a drive. The pump adds what belongs to the machine: protection trips, the operator's
 * hand/auto switch, current drawn, run hours and start counts.
 */
import type { DeviceSpec } from '@fm/protocol'
import { normal, type Random, uniform } from '../random.ts'
import { numberAttribute, type StepResult, stringAttribute } from './device-model.ts'
import { clamp, round } from './dynamics.ts'
import type { Supply } from './electrical-panel.ts'
import type { CompoundEnvironment } from './environment.ts'
import type { ModelFault } from './faults.ts'

export const PUMP_ROLES = ['duty', 'standby', 'jockey', 'hydrant', 'sprinkler'] as const
export type PumpRole = (typeof PUMP_ROLES)[number]

/** Fault codes as this simulator's VFDs and motor protectors report them (vendor codes differ). */
export const FAULT_CODE_OVERLOAD = 11
export const FAULT_CODE_PHASE_LOSS = 13

/** What the controller asks of a pump: run or not, speed as a fraction of 50 Hz, shaft load as a fraction of rated. */
export interface PumpDrive {
  readonly run: boolean
  readonly speed: number
  readonly loadFraction: number
}

export const STOPPED: PumpDrive = { run: false, speed: 0, loadFraction: 0 }

export interface PumpState {
  readonly role: PumpRole
  readonly set: string
  readonly vfd: boolean
  readonly ratedCurrentA: number
  readonly setpointMpa: number | null
  readonly mode: 'auto' | 'manual'
  /** In manual, what the operator last asked for. */
  readonly manualRun: boolean
  readonly running: boolean
  readonly runHours: number
  readonly starts: number
  readonly faultCode: number
  readonly fault: ModelFault<'pump'> | null
}

export interface PumpEnvironment extends CompoundEnvironment {
  readonly drive: PumpDrive
  readonly supply: Supply
  readonly outletPressureMpa: number
  readonly inletPressureMpa: number
}

function roleOf(spec: DeviceSpec): PumpRole {
  const role = stringAttribute(spec, 'role', 'duty')
  return (PUMP_ROLES as readonly string[]).includes(role) ? (role as PumpRole) : 'duty'
}

export function initialPump(spec: DeviceSpec, rand: Random): PumpState {
  const role = roleOf(spec)
  const booster = role === 'duty' || role === 'standby'
  // fire pumps run minutes a month; booster and jockey pumps run most of the time
  const runHours = booster
    ? uniform(rand, 9000, 11000)
    : role === 'jockey'
      ? uniform(rand, 700, 900)
      : uniform(rand, 40, 60)
  return {
    role,
    set: stringAttribute(spec, 'set', spec.id),
    vfd: stringAttribute(spec, 'drive', booster ? 'vfd' : 'dol') === 'vfd',
    ratedCurrentA: numberAttribute(spec, 'rated_current_a', 20),
    setpointMpa: booster ? numberAttribute(spec, 'setpoint_mpa', 0.45) : null,
    mode: 'auto',
    manualRun: false,
    running: false,
    runHours,
    starts: Math.round(runHours * (role === 'jockey' ? 40 : booster ? 2.5 : 8)),
    faultCode: 0,
    fault: null,
  }
}

/** Whether the controller may count on this pump: healthy, powered and in auto. */
export function pumpAvailable(state: PumpState, supply: Supply): boolean {
  return state.fault === null && supply === 'ok' && state.mode === 'auto'
}

/** Whether an operator has it running by hand (in 手动, and able to run). */
export function pumpManuallyRunning(state: PumpState, supply: Supply): boolean {
  return state.fault === null && supply === 'ok' && state.mode === 'manual' && state.manualRun
}

function faultCodeOf(state: PumpState, supply: Supply): number {
  if (state.fault === 'trip') return FAULT_CODE_OVERLOAD
  // the VFD or the phase-failure relay trips; it resets by itself when the supply is back
  if (supply === 'phase-loss') return FAULT_CODE_PHASE_LOSS
  return 0
}

/** Motor current: magnetising current plus a share proportional to shaft load. */
function motorCurrent(state: PumpState, drive: PumpDrive, rand: Random): number {
  const fraction = 0.3 + 0.65 * drive.loadFraction
  return clamp(state.ratedCurrentA * fraction * (1 + 0.01 * normal(rand)), 0, state.ratedCurrentA * 0.98)
}

export function stepPump(
  state: PumpState,
  dtMs: number,
  env: PumpEnvironment,
  rand: Random,
): StepResult<'pump', PumpState> {
  const faultCode = faultCodeOf(state, env.supply)
  const runCommand = state.mode === 'manual' ? state.manualRun : env.drive.run
  const running = runCommand && faultCode === 0 && env.supply === 'ok'
  const next: PumpState = {
    ...state,
    faultCode,
    running,
    runHours: state.runHours + (running ? dtMs / 3_600_000 : 0),
    starts: state.starts + (running && !state.running ? 1 : 0),
  }
  const drive = state.mode === 'manual' ? { run: true, speed: 1, loadFraction: 0.55 } : env.drive
  const values: StepResult<'pump', PumpState>['values'] = {
    running,
    run_command: runCommand,
    fault: faultCode !== 0,
    fault_code: faultCode,
    mode: state.mode,
    outlet_pressure_mpa: round(Math.max(0, env.outletPressureMpa), 3),
    inlet_pressure_mpa: round(env.inletPressureMpa, 3),
    current_a: running ? round(motorCurrent(state, drive, rand), 1) : 0,
    run_hours_h: round(next.runHours, 1),
    starts_count: next.starts,
  }
  if (state.setpointMpa !== null) values.setpoint_mpa = state.setpointMpa
  if (state.vfd) values.frequency_hz = running ? round(50 * drive.speed, 1) : 0
  return { state: next, values, events: [] }
}

export type PumpCommandResult = { ok: true; state: PumpState } | { ok: false; error: string }

/**
 * Remote commands: `start` and `stop` switch the pump to manual (手动) and run or stop it, as an operator at the
 * cabinet would; `auto` hands it back to its controller. Manual stays manual until `auto`, so a pump left in manual
 * is visible in its `mode`, which the control room must not miss.
 */
export function commandPump(state: PumpState, action: string): PumpCommandResult {
  switch (action) {
    case 'start':
      if (state.fault !== null) return { ok: false, error: `pump is tripped (fault code ${FAULT_CODE_OVERLOAD})` }
      return { ok: true, state: { ...state, mode: 'manual', manualRun: true } }
    case 'stop':
      return { ok: true, state: { ...state, mode: 'manual', manualRun: false } }
    case 'auto':
      return { ok: true, state: { ...state, mode: 'auto', manualRun: false } }
    default:
      return { ok: false, error: 'unsupported action' }
  }
}
