import { describe, expect, it } from 'vitest'
import {
  INLET_CLOSE_AT_PCT,
  INLET_OPEN_BELOW_PCT,
  initialWaterTank,
  stepWaterTank,
  type WaterTankState,
} from '../src/devices/water-tank.ts'
import { createRandom } from '../src/random.ts'
import { envAt, spec } from './simulate.ts'

const TANK = spec('water-tank', { capacity_m3: 150, height_m: 3, inlet_m3h: 60, water_quality: true })

function tankAt(levelPct: number, inletOpen: boolean, fault: WaterTankState['fault'] = null): WaterTankState {
  return { ...initialWaterTank(TANK, createRandom(1)), levelPct, inletOpen, fault }
}

/** Runs the tank for `seconds` at a constant outflow, returning every reported value. */
function runTank(state: WaterTankState, seconds: number, outflowM3h: number, dtSec = 5) {
  const rand = createRandom(2)
  const env = { ...envAt(10), outflowM3h }
  const readings = []
  let current = state
  for (let t = 0; t < seconds; t += dtSec) {
    const result = stepWaterTank(current, dtSec * 1000, env, rand)
    current = result.state
    readings.push(result.values)
  }
  return { state: current, readings }
}

describe('water tank', () => {
  it('opens the inlet below 60 %, fills, and closes it at 90 %', () => {
    const { readings } = runTank(tankAt(INLET_OPEN_BELOW_PCT - 1, false), 3 * 3600, 20)
    expect(readings[0]?.inlet_valve).toBe('open')
    const closedAt = readings.findIndex((reading) => reading.inlet_valve === 'closed')
    expect(closedAt).toBeGreaterThan(0)
    expect(readings[closedAt - 1]?.level_pct).toBeGreaterThan(INLET_CLOSE_AT_PCT - 1)
    // (60 − 20) m³/h into 150 m³ is 27 %/h: from 59 % to 90 % in a little over an hour
    expect((closedAt * 5) / 3600).toBeGreaterThan(1)
    expect((closedAt * 5) / 3600).toBeLessThan(1.4)
  })

  it('falls with household demand while the inlet is closed', () => {
    const { state } = runTank(tankAt(85, false), 1800, 30)
    // 30 m³/h for half an hour out of 150 m³ is 10 %
    expect(state.levelPct).toBeCloseTo(75, 0)
    expect(state.inletOpen).toBe(false)
  })

  it('reports depth and volume from the level and the tank size', () => {
    const { readings } = runTank(tankAt(80, false), 5, 0)
    const reading = readings[0]
    expect(reading?.volume_m3).toBeCloseTo(((reading?.level_pct ?? 0) / 100) * 150, 0)
    expect(reading?.level_m).toBeCloseTo(((reading?.level_pct ?? 0) / 100) * 3, 1)
  })

  it('keeps chlorine, turbidity and pH within GB 5749 and refreshes chlorine with inflow', () => {
    const { readings } = runTank(tankAt(59, false), 48 * 3600, 25, 30)
    for (const reading of readings) {
      expect(reading.chlorine_mg_l).toBeGreaterThanOrEqual(0.1)
      expect(reading.chlorine_mg_l).toBeLessThanOrEqual(0.8)
      expect(reading.turbidity_ntu).toBeLessThanOrEqual(0.5)
      expect(reading.ph).toBeGreaterThanOrEqual(6.5)
      expect(reading.ph).toBeLessThanOrEqual(8.5)
    }
    const standing = runTank({ ...tankAt(90, false), chlorineMgL: 0.5 }, 6 * 3600, 0, 60).state.chlorineMgL
    const refreshed = runTank({ ...tankAt(30, true), chlorineMgL: 0.4 }, 1800, 0, 60).state.chlorineMgL
    expect(standing).toBeLessThan(0.5)
    expect(refreshed).toBeGreaterThan(0.45)
  })

  it('reports no water quality where no sensors are fitted', () => {
    const plain = initialWaterTank(spec('water-tank', { capacity_m3: 100 }), createRandom(1))
    const { readings } = runTank(plain, 5, 0)
    expect(readings[0]).not.toHaveProperty('chlorine_mg_l')
  })

  it('overflow: the inlet sticks open, the level passes 95 % and the overflow switch closes', () => {
    const { readings } = runTank(tankAt(75, false, 'overflow'), 120, 20)
    const last = readings.at(-1)
    expect(last?.inlet_valve).toBe('open')
    expect(last?.level_pct).toBeGreaterThanOrEqual(95)
    expect(last?.overflow).toBe(true)
  })

  it('low-low: with the inlet cut the level drops below 15 % and keeps falling; clear refills it', () => {
    const faulted = runTank(tankAt(75, false, 'low-low'), 120, 30)
    expect(faulted.readings.at(-1)?.level_pct).toBeLessThanOrEqual(15)
    const later = runTank(faulted.state, 1200, 30)
    expect(later.state.levelPct).toBeLessThan(faulted.state.levelPct)
    expect(later.readings.at(-1)?.inlet_valve).toBe('open')
    const restored = runTank({ ...later.state, fault: null }, 1800, 30)
    expect(restored.state.levelPct).toBeGreaterThan(later.state.levelPct + 5)
  })

  it('is deterministic for a seed', () => {
    const first = runTank(tankAt(70, false), 3600, 20).readings
    const second = runTank(tankAt(70, false), 3600, 20).readings
    expect(second).toEqual(first)
  })
})
