import type { SiteManifest } from '@fm/protocol'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DeviceTick } from '../src/devices/device-model.ts'
import { FAULT_NAMES, FAULTS, type FaultName, faultsFor } from '../src/devices/faults.ts'
import { createSimulation } from '../src/simulation.ts'
import { at, loadDemo, run, valuesOf } from './simulate.ts'

type Ticks = ReadonlyMap<string, DeviceTick>
type ModelFaultName = Exclude<FaultName, 'silent' | 'offline'>

interface Expectation {
  readonly device: string
  /** How long the fault runs before `check`, minutes (simulated, 1 s steps). */
  readonly minutes: number
  /** Simulation step, ms; 1 s as the runner ticks unless a long fault needs a coarser one. */
  readonly stepMs?: number
  readonly check: (ticks: Ticks, seen: readonly Ticks[]) => void
}

/** One entry per model fault: adding a fault to FAULTS without saying what it does fails to compile. */
const EXPECTATIONS: Record<ModelFaultName, Expectation> = {
  trip: {
    device: 'pump-low-1',
    minutes: 1,
    check: (ticks) => {
      expect(valuesOf(ticks, 'pump-low-1')).toMatchObject({ fault: true, fault_code: 11, running: false })
      expect(valuesOf(ticks, 'pump-low-2')).toMatchObject({ running: true, fault: false })
      expect(Number(valuesOf(ticks, 'pump-low-2').outlet_pressure_mpa)).toBeCloseTo(0.45, 1)
    },
  },
  overflow: {
    device: 'tank-1',
    minutes: 3,
    check: (ticks) => {
      expect(Number(valuesOf(ticks, 'tank-1').level_pct)).toBeGreaterThanOrEqual(95)
      expect(valuesOf(ticks, 'tank-1')).toMatchObject({ overflow: true, inlet_valve: 'open' })
    },
  },
  'low-low': {
    device: 'tank-1',
    minutes: 45,
    check: (ticks, seen) => {
      const levels = seen.map((step) => Number(valuesOf(step, 'tank-1').level_pct))
      expect(levels[180]).toBeLessThanOrEqual(15)
      // the evening demand drains what is left, then the low-zone set stops on its dry-run protection
      expect(Number(valuesOf(ticks, 'tank-1').level_pct)).toBeLessThan(5)
      expect(valuesOf(ticks, 'pump-low-1')).toMatchObject({ running: false, fault: false })
      expect(valuesOf(ticks, 'pump-low-2')).toMatchObject({ running: false, fault: false })
      expect(valuesOf(ticks, 'pump-high-1').running || valuesOf(ticks, 'pump-high-2').running).toBe(true)
    },
  },
  'phase-loss': {
    device: 'ap-pump-dw',
    minutes: 1,
    check: (ticks) => {
      const panel = valuesOf(ticks, 'ap-pump-dw')
      expect(panel.ic_a).toBe(0)
      expect(Number(panel.ubc_v)).toBeLessThan(300)
      expect(valuesOf(ticks, 'pump-high-1')).toMatchObject({ fault: true, fault_code: 13, running: false })
    },
  },
  'cable-overheat': {
    device: 'ap-b4',
    minutes: 5,
    check: (ticks) => expect(Number(valuesOf(ticks, 'ap-b4').cable_temp_c)).toBeGreaterThan(70),
  },
  'breaker-trip': {
    device: 'ap-pump-dw',
    minutes: 10,
    check: (ticks) => {
      expect(valuesOf(ticks, 'ap-pump-dw')).toMatchObject({ breaker: 'tripped', ia_a: 0, power_kw: 0 })
      expect(valuesOf(ticks, 'pump-low-1')).toMatchObject({ running: false })
      expect(valuesOf(ticks, 'pump-low-2')).toMatchObject({ running: false })
      expect(Number(valuesOf(ticks, 'pump-low-1').outlet_pressure_mpa)).toBeLessThan(0.4)
    },
  },
  fire: {
    device: 'fap-1',
    minutes: 1,
    check: (ticks, seen) => {
      expect(valuesOf(ticks, 'fap-1')).toMatchObject({ fire_points: 2, started_points: 4 })
      const events = seen.flatMap((step) => step.get('fap-1')?.events ?? [])
      expect(events.some((event) => event.type === 'point' && event.states.includes('fire'))).toBe(true)
    },
  },
  'point-fault': {
    device: 'fap-1',
    minutes: 1,
    check: (ticks) => expect(valuesOf(ticks, 'fap-1')).toMatchObject({ fault_points: 1, fire_points: 0 }),
  },
  'pressure-loss': {
    device: 'fw-pool',
    minutes: 5,
    check: (ticks) => {
      expect(Number(valuesOf(ticks, 'fw-pool').hydrant_pressure_mpa)).toBeLessThan(0.15)
      expect(valuesOf(ticks, 'pump-jockey-1')).toMatchObject({ running: true })
    },
  },
  flood: {
    device: 'env-pump-room-dw',
    minutes: 1,
    check: (ticks) => expect(valuesOf(ticks, 'env-pump-room-dw')).toMatchObject({ flood: true }),
  },
  'barrier-stuck-open': {
    device: 'gate-north-out',
    minutes: 10,
    check: (_ticks, seen) => {
      expect(seen.every((step) => valuesOf(step, 'gate-north-out').barrier === 'up')).toBe(true)
      expect(seen.flatMap((step) => step.get('gate-north-out')?.events ?? []).length).toBeGreaterThan(0)
    },
  },
  'missed-scan': {
    device: 'cp-03',
    minutes: 240,
    stepMs: 10_000,
    check: (_ticks, seen) => {
      const scans = (id: string) => seen.flatMap((step) => step.get(id)?.events ?? []).length
      expect(scans('cp-03')).toBe(0)
      expect(scans('cp-02')).toBe(2)
    },
  },
  'battery-low': {
    device: 'cp-03',
    minutes: 2,
    check: (ticks, seen) => {
      expect(Number(valuesOf(seen[59] ?? ticks, 'cp-03').battery_pct)).toBeLessThan(20)
      expect(Number(valuesOf(ticks, 'cp-03').battery_pct)).toBeCloseTo(12, 0)
    },
  },
}

let manifest: SiteManifest
beforeAll(async () => {
  manifest = await loadDemo()
})

/** Runs the demo compound from 19:50 (pumps busy, cars arriving), then with the fault for `minutes`. */
function withFault(device: string, fault: FaultName, minutes: number, stepMs = 1000) {
  const simulation = createSimulation(manifest, 1, at(19.8))
  run(simulation, at(19.8), 0.1, 1000)
  simulation.injectFault(device, fault)
  const seen: Ticks[] = []
  const ticks = run(simulation, at(19.9), minutes / 60, stepMs, (_nowMs, step) => seen.push(step))
  return { simulation, ticks, seen }
}

describe('faults', () => {
  it('lists every fault with the kinds it applies to; transport faults apply to every kind', () => {
    expect(Object.keys(EXPECTATIONS).sort()).toEqual(FAULT_NAMES.filter((f) => FAULTS[f].layer === 'model').sort())
    expect(faultsFor('pump')).toEqual(['trip', 'silent', 'offline'])
    expect(faultsFor('room-environment')).toEqual(['flood', 'silent', 'offline'])
  })

  it.each(Object.entries(EXPECTATIONS))('%s changes the values as described', (fault, expectation) => {
    const { ticks, seen } = withFault(expectation.device, fault as FaultName, expectation.minutes, expectation.stepMs)
    expectation.check(ticks, seen)
  })

  it('clear returns a device to normal: a tripped pump resets and is available again', () => {
    const { simulation } = withFault('pump-low-1', 'trip', 1)
    simulation.clearFault('pump-low-1')
    const ticks = run(simulation, at(19.95), 0.01, 1000)
    expect(valuesOf(ticks, 'pump-low-1')).toMatchObject({ fault: false, fault_code: 0 })
  })

  it('clear after battery-low is the battery change: a new cell reads 100 %', () => {
    const { simulation } = withFault('cp-03', 'battery-low', 2)
    simulation.clearFault('cp-03')
    const ticks = run(simulation, at(19.95), 0.01, 1000)
    expect(valuesOf(ticks, 'cp-03').battery_pct).toBe(100)
  })

  it('clear after a fire sends every point back to normal and resets the panel', () => {
    const { simulation } = withFault('fap-1', 'fire', 1)
    simulation.clearFault('fap-1')
    const tick = simulation.step(at(19.9) + 61_000).get('fap-1')
    expect(tick?.values).toMatchObject({ fire_points: 0, started_points: 0, feedback_points: 0 })
    expect(tick?.events.at(-1)).toMatchObject({ type: 'reset' })
  })
})
