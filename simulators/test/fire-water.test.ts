import { describe, expect, it } from 'vitest'
import { type FireWaterState, initialFireWater, type MainDrive, stepFireWater } from '../src/devices/fire-water.ts'
import { createRandom } from '../src/random.ts'
import { envAt, spec } from './simulate.ts'

const POOL = spec('fire-water', { tank_type: 'pool', height_m: 4, hydrant_mpa: 0.54, sprinkler_mpa: 0.59 })
const ROOF = spec('fire-water', { tank_type: 'roof', height_m: 2 })

function runMains(state: FireWaterState, seconds: number, drive: (pressure: number) => MainDrive) {
  const rand = createRandom(6)
  let current = state
  const readings = []
  for (let t = 0; t < seconds; t += 5) {
    const hydrant = current.mains[0]?.pressureMpa ?? 0
    const result = stepFireWater(current, 5000, { ...envAt(10), drives: { hydrant: drive(hydrant) } }, rand)
    current = result.state
    readings.push(result.values)
  }
  return { state: current, readings }
}

const idle = (): MainDrive => ({ jockeyRunning: false, firePumpShutoffMpa: null })

describe('fire water', () => {
  it('reports pool level, both mains and the water temperature; a roof tank reports its level only', () => {
    const pool = runMains(initialFireWater(POOL, createRandom(1)), 5, idle).readings[0]
    expect(Object.keys(pool ?? {}).sort()).toEqual(
      ['hydrant_pressure_mpa', 'sprinkler_pressure_mpa', 'tank_level_m', 'tank_level_pct', 'water_temp_c'].sort(),
    )
    const roof = runMains(initialFireWater(ROOF, createRandom(1)), 5, idle).readings[0]
    expect(roof).not.toHaveProperty('hydrant_pressure_mpa')
    expect(roof?.tank_level_pct).toBeGreaterThan(90)
  })

  it('leaks slowly without its jockey pump and recovers quickly with it', () => {
    const start = initialFireWater(POOL, createRandom(1))
    const leaking = runMains(start, 600, idle).state.mains[0]?.pressureMpa ?? 0
    // about 0.04 MPa in 10 minutes: the jockey starts a few times an hour
    expect((start.mains[0]?.pressureMpa ?? 0) - leaking).toBeGreaterThan(0.02)
    expect((start.mains[0]?.pressureMpa ?? 0) - leaking).toBeLessThan(0.07)
    const restored = runMains(start, 60, () => ({ jockeyRunning: true, firePumpShutoffMpa: null }))
    expect(restored.state.mains[0]?.pressureMpa ?? 0).toBeGreaterThan((start.mains[0]?.pressureMpa ?? 0) + 0.08)
  })

  it('holds the level steady on its make-up valve', () => {
    const { readings } = runMains(initialFireWater(POOL, createRandom(1)), 48 * 3600, idle)
    for (const reading of readings) expect(reading.tank_level_pct).toBeGreaterThan(90)
  })

  it('a main fire pump on a test run pushes the main to its shut-off pressure', () => {
    const { readings } = runMains(initialFireWater(POOL, createRandom(1)), 60, () => ({
      jockeyRunning: false,
      firePumpShutoffMpa: 0.95,
    }))
    expect(readings.at(-1)?.hydrant_pressure_mpa).toBeGreaterThan(0.9)
  })

  it('pressure-loss: the hydrant main falls to about 0.1 MPa although the jockey runs all the time', () => {
    const faulted = { ...initialFireWater(POOL, createRandom(1)), fault: 'pressure-loss' as const }
    const { readings } = runMains(faulted, 180, () => ({ jockeyRunning: true, firePumpShutoffMpa: null }))
    expect(readings.at(-1)?.hydrant_pressure_mpa).toBeLessThan(0.15)
    expect(readings.at(-1)?.sprinkler_pressure_mpa).toBeGreaterThan(0.5)
  })
})
