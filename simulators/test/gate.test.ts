import { describe, expect, it } from 'vitest'
import type { ModelEvent } from '../src/devices/device-model.ts'
import { commandGate, type GateState, initialGate, stepGate } from '../src/devices/gate.ts'
import { createFleet } from '../src/devices/plates.ts'
import { createRandom } from '../src/random.ts'
import { at, envAt, spec } from './simulate.ts'

const EXIT = spec('gate', { lane: 'north', direction: 'out', peak_vehicles_per_hour: 90 })
const ENTRY = spec('gate', { lane: 'north', direction: 'in', peak_vehicles_per_hour: 90 })
const fleet = createFleet(createRandom(1), 600)

/** Runs a gate from `fromHour` for `seconds` in 1 s steps, as the runner does. */
function runGate(state: GateState, fromHour: number, seconds: number, seed = 5) {
  const rand = createRandom(seed)
  const events: ModelEvent<'gate'>[] = []
  const readings = []
  let current = state
  for (let t = 1; t <= seconds; t++) {
    const env = { ...envAt(fromHour), nowMs: at(fromHour) + t * 1000, fleet }
    const result = stepGate(current, 1000, env, rand)
    current = result.state
    events.push(...result.events)
    readings.push(result.values)
  }
  return { state: current, events, readings }
}

/** Blue and yellow: province, city letter, five characters; green (new energy): D or F and five more. */
const PLATE = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5}$/
const GREEN_PLATE = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][DF][A-HJ-NP-Z0-9]{5}$/

describe('gate', () => {
  it('sends many more cars out at the morning rush than at 3 a.m.', () => {
    let rush = 0
    let night = 0
    for (let day = 0; day < 5; day++) {
      rush += runGate(initialGate(EXIT, createRandom(1)), 7.25, 3600, day).events.length
      night += runGate(initialGate(EXIT, createRandom(1)), 3, 3600, day + 10).events.length
    }
    expect(rush / 5).toBeGreaterThan(50)
    expect(night / 5).toBeLessThan(8)
    expect(rush).toBeGreaterThan(8 * night)
  })

  it('brings cars in at the evening rush', () => {
    const evening = runGate(initialGate(ENTRY, createRandom(1)), 18, 3600).events
    const morning = runGate(initialGate(ENTRY, createRandom(1)), 7.25, 3600).events
    expect(evening.length).toBeGreaterThan(2 * morning.length)
    expect(evening.every((event) => event.direction === 'in')).toBe(true)
  })

  it('reads realistic Chinese plates: mostly blue 鄂A, some green new-energy, confidence 85–99 %', () => {
    const { events } = runGate(initialGate(EXIT, createRandom(1)), 7.25, 4 * 3600)
    expect(events.length).toBeGreaterThan(100)
    for (const event of events) {
      expect(event.plate).toMatch(event.plate_color === 'green' ? GREEN_PLATE : PLATE)
      expect(event.confidence_pct).toBeGreaterThanOrEqual(85)
      expect(event.confidence_pct).toBeLessThanOrEqual(99)
    }
    const share = (predicate: (event: ModelEvent<'gate'>) => boolean) => events.filter(predicate).length / events.length
    expect(share((event) => event.plate_color === 'blue')).toBeGreaterThan(0.6)
    expect(share((event) => event.plate_color === 'green')).toBeGreaterThan(0.1)
    expect(share((event) => event.plate.startsWith('鄂A'))).toBeGreaterThan(0.6)
  })

  it('raises the arm for each car and lowers it behind it, counting every passage', () => {
    const start = initialGate(EXIT, createRandom(1))
    const { events, readings, state } = runGate(start, 7.75, 600)
    expect(events.length).toBeGreaterThan(3)
    expect(state.vehiclesOut - start.vehiclesOut).toBe(events.length)
    expect(readings.some((reading) => reading.barrier === 'up')).toBe(true)
    expect(readings.some((reading) => reading.loop_occupied)).toBe(true)
    const firstUp = readings.findIndex((reading) => reading.barrier === 'up')
    expect(readings.slice(firstUp).some((reading) => reading.barrier === 'down')).toBe(true)
  })

  it('opens on command and stays up until a car passes or it is closed', () => {
    const opened = commandGate(initialGate(ENTRY, createRandom(1)), 'open_barrier', at(3))
    if (!opened.ok) throw new Error(opened.error)
    expect(runGate(opened.state, 3, 60, 42).readings.at(-1)?.barrier).toBe('up')
    const closed = commandGate(opened.state, 'close_barrier', at(3))
    if (!closed.ok) throw new Error(closed.error)
    expect(runGate(closed.state, 3, 5, 42).readings.at(-1)?.barrier).toBe('down')
    expect(commandGate(opened.state, 'start', at(3))).toEqual({ ok: false, error: 'unsupported action' })
  })

  it('barrier-stuck-open: the arm stays up while cars keep passing, and refuses to close', () => {
    const stuck = { ...initialGate(EXIT, createRandom(1)), fault: 'barrier-stuck-open' as const }
    const { readings, events } = runGate(stuck, 7.75, 600)
    expect(readings.every((reading) => reading.barrier === 'up')).toBe(true)
    expect(events.length).toBeGreaterThan(0)
    expect(commandGate(stuck, 'close_barrier', at(8)).ok).toBe(false)
  })
})
