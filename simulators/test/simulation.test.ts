import { DEVICE_KINDS, type SiteManifest } from '@fm/protocol'
import { beforeAll, describe, expect, it } from 'vitest'
import { createSimulation } from '../src/simulation.ts'
import { healthProblems } from './normal-ranges.ts'
import { at, decodeEvent, decodeTelemetry, HOUR_MS, loadDemo, run, tickOf, valuesOf } from './simulate.ts'

let manifest: SiteManifest
beforeAll(async () => {
  manifest = await loadDemo()
})

describe('compound simulation', () => {
  it('is deterministic for a seed, and another seed gives another run', () => {
    const snapshot = (seed: number) => {
      const samples: string[] = []
      run(createSimulation(manifest, seed, at(6)), at(6), 3, 5000, (nowMs, ticks) => {
        if (nowMs % (10 * 60_000) === 0) samples.push(JSON.stringify([...ticks.values()]))
      })
      return samples
    }
    const first = snapshot(1)
    expect(snapshot(1)).toEqual(first)
    expect(snapshot(2)).not.toEqual(first)
  })

  it('publishes only schema-valid readings and events, inside the normal ranges, for 48 hours', () => {
    const simulation = createSimulation(manifest, 1, at(0))
    const problems = new Set<string>()
    const kinds = new Set<string>()
    let events = 0
    run(simulation, at(0), 48, 10_000, (nowMs, ticks) => {
      for (const tick of ticks.values()) {
        for (const problem of healthProblems(tick)) problems.add(problem.replace(/=[\d.]+/, ''))
        for (const event of tick.events) {
          events++
          const decoded = decodeEvent(manifest.site.id, tick, event, nowMs)
          if (!decoded.ok) problems.add(`${tick.spec.id} event: ${decoded.error}`)
        }
        if (nowMs % (5 * 60_000) !== 0) continue
        kinds.add(tick.spec.kind)
        const decoded = decodeTelemetry(manifest.site.id, tick, nowMs)
        if (!decoded.ok) problems.add(`${tick.spec.id} telemetry: ${decoded.error}`)
      }
    })
    expect([...problems]).toEqual([])
    expect([...kinds].sort()).toEqual([...DEVICE_KINDS].sort())
    expect(events).toBeGreaterThan(1000)
  })

  it('starts each jockey pump a few times an hour, as a slowly leaking main needs', () => {
    const simulation = createSimulation(manifest, 1, at(0))
    const startOf = (id: string) => Number(valuesOf(simulation.step(at(0)), id).starts_count)
    const before = { hydrant: startOf('pump-jockey-1'), sprinkler: startOf('pump-jockey-2') }
    const last = run(simulation, at(0), 24, 5000)
    const perHour = (id: string, from: number) => (Number(valuesOf(last, id).starts_count) - from) / 24
    expect(perHour('pump-jockey-1', before.hydrant)).toBeGreaterThan(1)
    expect(perHour('pump-jockey-1', before.hydrant)).toBeLessThan(15)
    expect(perHour('pump-jockey-2', before.sprinkler)).toBeGreaterThan(0.5)
  })

  it('shares the demand: the tank feeding a zone drains faster at the evening peak than at night', () => {
    const drop = (hour: number) => {
      const simulation = createSimulation(manifest, 1, at(hour))
      const start = Number(valuesOf(simulation.step(at(hour)), 'tank-2').level_pct)
      const end = run(simulation, at(hour), 0.25, 1000)
      const values = valuesOf(end, 'tank-2')
      return values.inlet_valve === 'closed' ? start - Number(values.level_pct) : Number.NaN
    }
    expect(drop(20)).toBeGreaterThan(3 * drop(3))
  })

  it('a tripped incoming breaker darkens every panel and stops every pump downstream', () => {
    const simulation = createSimulation(manifest, 1, at(20))
    run(simulation, at(20), 0.1, 1000)
    simulation.injectFault('lv-in-1', 'breaker-trip')
    const ticks = run(simulation, at(20.1), 0.05, 1000)
    expect(valuesOf(ticks, 'ap-b4')).toMatchObject({ uab_v: 0, power_kw: 0 })
    expect(valuesOf(ticks, 'lv-in-1')).toMatchObject({ breaker: 'tripped', ats_source: 'main', power_kw: 0 })
    for (const id of ['pump-low-1', 'pump-low-2', 'pump-high-1', 'pump-high-2'])
      expect(valuesOf(ticks, id)).toMatchObject({ running: false, current_a: 0 })
  })

  it('answers commands: a gate opens, a pump goes to manual, a tank refuses', () => {
    const simulation = createSimulation(manifest, 1, at(3))
    expect(simulation.command('gate-south-in', 'open_barrier')).toEqual({ ok: true })
    expect(valuesOf(simulation.step(at(3) + 1000), 'gate-south-in').barrier).toBe('up')
    expect(simulation.command('pump-fire-1', 'start')).toEqual({ ok: true })
    const ticks = run(simulation, at(3) + 1000, 0.02, 1000)
    expect(valuesOf(ticks, 'pump-fire-1')).toMatchObject({ running: true, mode: 'manual' })
    expect(Number(valuesOf(ticks, 'fw-pool').hydrant_pressure_mpa)).toBeGreaterThan(0.8)
    expect(simulation.command('tank-1', 'start')).toEqual({ ok: false, error: 'unsupported action' })
    expect(simulation.command('nope', 'start').ok).toBe(false)
  })

  it('refuses a fault the device kind does not have, or an unknown device', () => {
    const simulation = createSimulation(manifest, 1, at(3))
    expect(() => simulation.injectFault('tank-1', 'trip')).toThrow(/water-tank has no fault "trip"/)
    expect(() => simulation.injectFault('tank-1', 'silent')).toThrow(/no fault "silent"/)
    expect(() => simulation.injectFault('ghost', 'flood')).toThrow(/unknown device/)
  })

  it('keeps every tick on the clock it is given', () => {
    const simulation = createSimulation(manifest, 1, at(0))
    const ticks = simulation.step(at(0) + HOUR_MS)
    expect(ticks.size).toBe(manifest.devices.length)
    expect(tickOf(ticks, 'cp-01').events.map((event) => event.ts)).toEqual([at(0) + 10 * 60_000])
  })
})
