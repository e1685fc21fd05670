import { describe, expect, it } from 'vitest'
import { commandPump, FAULT_CODE_OVERLOAD, initialPump, STOPPED, stepPump } from '../src/devices/pump.ts'
import {
  type BoosterSetParams,
  type BoosterSetState,
  initialBoosterSet,
  jockeyShouldRun,
  stepBoosterSet,
} from '../src/devices/pump-set.ts'
import { createRandom } from '../src/random.ts'
import { at, envAt, HOUR_MS, spec } from './simulate.ts'

const LOW_ZONE: BoosterSetParams = { setpointMpa: 0.45, peakFlowM3h: 45, ratedFlowM3h: 56, rotateHours: 6 }
const BOTH_AVAILABLE = [
  { available: true, manualRun: false },
  { available: true, manualRun: false },
]

/** Runs a booster set through the day from `fromHour`, returning which pump ran after each step. */
function runSet(fromHour: number, hours: number, members = BOTH_AVAILABLE, dtSec = 5) {
  const rand = createRandom(4)
  let state: BoosterSetState = initialBoosterSet(LOW_ZONE, members.length)
  const steps = []
  for (let t = dtSec; t <= hours * 3600; t += dtSec) {
    const env = envAt(fromHour + t / 3600)
    const result = stepBoosterSet(state, dtSec * 1000, env, { suctionMpa: 0.03, members }, rand)
    state = result.state
    steps.push({ hour: fromHour + t / 3600, active: state.active, outlet: state.outletMpa, drives: result.drives })
  }
  return steps
}

describe('booster pump set', () => {
  it('holds the zone pressure at setpoint at the evening peak, speeding up with demand', () => {
    const evening = runSet(19.5, 1).filter((step) => step.active !== null)
    const quiet = runSet(14.5, 1).filter((step) => step.active !== null)
    for (const step of evening) expect(Math.abs(step.outlet - 0.45)).toBeLessThan(0.02)
    const speed = (steps: typeof evening) =>
      steps.reduce((sum, step) => sum + (step.drives[step.active ?? 0]?.speed ?? 0), 0) / steps.length
    expect(50 * speed(evening)).toBeGreaterThan(50 * speed(quiet) + 1.5)
    expect(50 * speed(evening)).toBeLessThanOrEqual(50)
    expect(50 * speed(quiet)).toBeGreaterThan(30)
  })

  it('sleeps on a quiet night and alternates the duty pump at every start', () => {
    const steps = runSet(1, 4)
    const starts = steps.filter((step, index) => step.active !== null && steps[index - 1]?.active === null)
    expect(starts.length).toBeGreaterThanOrEqual(4)
    starts.forEach((start, index) => {
      if (index > 0) expect(start.active).not.toBe(starts[index - 1]?.active)
    })
    // asleep, the zone rides on its pressure tank: never more than 0.05 MPa off setpoint
    for (const step of steps) expect(Math.abs(step.outlet - 0.45)).toBeLessThanOrEqual(0.05)
  })

  it('rotates the duty pump after six hours of continuous duty', () => {
    const steps = runSet(8, 8, BOTH_AVAILABLE, 30)
    const changes = steps.filter((step, index) => index > 0 && step.active !== steps[index - 1]?.active)
    expect(changes.length).toBeGreaterThanOrEqual(1)
    expect(new Set(steps.map((step) => step.active))).toEqual(new Set([0, 1]))
  })

  it('fails over to the standby pump when the duty pump is unavailable, and stops with none left', () => {
    const dutyDown = runSet(19, 0.1, [
      { available: false, manualRun: false },
      { available: true, manualRun: false },
    ])
    expect(dutyDown.at(-1)?.active).toBe(1)
    const allDown = runSet(19, 0.5, [
      { available: false, manualRun: false },
      { available: false, manualRun: false },
    ])
    expect(allDown.at(-1)?.active).toBeNull()
    expect(allDown.at(-1)?.outlet).toBeLessThan(0.1)
  })
})

describe('pump', () => {
  const booster = spec('pump', { role: 'duty', set: 'dw-low', rated_current_a: 21.6, setpoint_mpa: 0.45 })
  const drive = { run: true, speed: 0.95, loadFraction: 0.8 }
  const context = { drive, supply: 'ok' as const, outletPressureMpa: 0.45, inletPressureMpa: 0.03 }

  it('draws current that follows its load, within its rating, and counts starts and run hours', () => {
    const rand = createRandom(1)
    const initial = initialPump(booster, rand)
    let state = initial
    const currents: number[] = []
    for (let i = 0; i < 720; i++) {
      const result = stepPump(state, 5000, { ...envAt(20), ...context }, rand)
      state = result.state
      currents.push(result.values.current_a ?? 0)
      expect(result.values.frequency_hz).toBeCloseTo(47.5, 1)
    }
    expect(Math.max(...currents)).toBeLessThanOrEqual(21.6)
    expect(Math.min(...currents)).toBeGreaterThan(0.7 * 21.6)
    expect(state.starts).toBe(initial.starts + 1)
    expect(state.runHours - initial.runHours).toBeCloseTo(1, 2)
    const light = stepPump(state, 5000, { ...envAt(3), ...context, drive: { ...drive, loadFraction: 0.3 } }, rand)
    expect(light.values.current_a).toBeLessThan(currents.at(-1) ?? 0)
  })

  it('trip: reports fault code 11 and stops whatever the controller asks', () => {
    const rand = createRandom(1)
    const tripped = { ...initialPump(booster, rand), fault: 'trip' as const }
    const result = stepPump(tripped, 5000, { ...envAt(20), ...context }, rand)
    expect(result.values).toMatchObject({ fault: true, fault_code: FAULT_CODE_OVERLOAD, running: false, current_a: 0 })
    expect(result.values.run_command).toBe(true)
  })

  it('trips on a lost phase and resets when the supply is back', () => {
    const rand = createRandom(1)
    const state = initialPump(booster, rand)
    const lost = stepPump(state, 5000, { ...envAt(20), ...context, supply: 'phase-loss' }, rand)
    expect(lost.values).toMatchObject({ fault: true, running: false })
    const back = stepPump(lost.state, 5000, { ...envAt(20), ...context }, rand)
    expect(back.values).toMatchObject({ fault: false, fault_code: 0, running: true })
  })

  it('obeys start, stop and auto from the cmd topic, staying in manual until auto', () => {
    const state = initialPump(booster, createRandom(1))
    const started = commandPump(state, 'start')
    expect(started.ok && started.state).toMatchObject({ mode: 'manual', manualRun: true })
    const stopped = commandPump(state, 'stop')
    expect(stopped.ok && stopped.state).toMatchObject({ mode: 'manual', manualRun: false })
    const auto = commandPump({ ...state, mode: 'manual' }, 'auto')
    expect(auto.ok && auto.state).toMatchObject({ mode: 'auto' })
    expect(commandPump(state, 'open_barrier')).toEqual({ ok: false, error: 'unsupported action' })
    expect(commandPump({ ...state, fault: 'trip' }, 'start').ok).toBe(false)
  })

  it('runs a manually started fire pump across the line, without a VFD frequency', () => {
    const firePump = spec('pump', { role: 'hydrant', rated_current_a: 102 })
    const rand = createRandom(1)
    const manual = { ...initialPump(firePump, rand), mode: 'manual' as const, manualRun: true }
    const result = stepPump(manual, 5000, { ...envAt(10), ...context, drive: STOPPED }, rand)
    expect(result.values).toMatchObject({ running: true, mode: 'manual' })
    expect(result.values).not.toHaveProperty('frequency_hz')
    expect(result.values.current_a).toBeGreaterThan(50)
  })
})

describe('jockey pump pressure switch', () => {
  it.each([
    { running: false, pressure: 0.49, expected: true },
    { running: false, pressure: 0.54, expected: false },
    { running: true, pressure: 0.54, expected: true },
    { running: true, pressure: 0.58, expected: false },
  ])('at $pressure MPa, running $running → $expected', ({ running, pressure, expected }) => {
    expect(jockeyShouldRun(running, pressure, 0.5, 0.58)).toBe(expected)
  })
})

describe('calendar helpers', () => {
  it('keeps the test calendar in Wuhan local time', () => {
    expect(at(1) - at(0)).toBe(HOUR_MS)
  })
})
