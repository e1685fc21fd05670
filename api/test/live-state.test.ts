import type { DeviceStatus, DeviceView, Reading } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { LiveState } from '../src/live-state.ts'

function view(id: string, overrides: Partial<DeviceView> = {}): DeviceView {
  return {
    id,
    siteId: 'xingfuli',
    kind: 'water-tank',
    name: id,
    attributes: {},
    reportIntervalSec: 60,
    online: false,
    lastSeen: null,
    values: {},
    valuesTs: null,
    ...overrides,
  }
}

function reading(ts: number, values: Record<string, number | boolean>): Reading {
  return { siteId: 'xingfuli', kind: 'water-tank', deviceId: 'tank-1', ts, values }
}

function status(ts: number, online: boolean): DeviceStatus {
  return { siteId: 'xingfuli', kind: 'water-tank', deviceId: 'tank-1', ts, online }
}

describe('LiveState', () => {
  it('merges readings into one delta per device with the latest value of each changed field', () => {
    const state = new LiveState([view('tank-1', { values: { overflow: false } })])

    state.applyReading(reading(1000, { level_pct: 40, overflow: false }))
    state.applyReading(reading(2000, { level_pct: 41 }))

    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', values: { level_pct: 41 }, valuesTs: 2000, lastSeen: 2000 }])
    expect(state.takeDeltas()).toEqual([])
    expect(state.get('tank-1')?.values).toEqual({ overflow: false, level_pct: 41 })
  })

  it('keeps newer values when an older reading arrives late', () => {
    const state = new LiveState([view('tank-1')])
    state.applyReading(reading(2000, { level_pct: 41 }))
    state.takeDeltas()

    state.applyReading(reading(1000, { level_pct: 40 }))

    expect(state.get('tank-1')).toMatchObject({ values: { level_pct: 41 }, valuesTs: 2000, lastSeen: 2000 })
    expect(state.takeDeltas()).toEqual([])
  })

  it('does not count a retained status or an offline will as a sighting', () => {
    const state = new LiveState([view('tank-1')])

    state.applyStatus(status(5000, true), true)
    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', online: true }])

    state.applyStatus(status(6000, false), false)
    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', online: false }])

    state.applyStatus(status(7000, true), false)
    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', online: true, lastSeen: 7000 }])
  })

  it('takes registry facts from the store but keeps the live state', () => {
    const state = new LiveState([view('tank-1')])
    state.applyReading(reading(1000, { level_pct: 40 }))

    const changed = state.mergeRegistry([view('tank-1', { name: '生活水箱' }), view('tank-2')])

    expect(changed).toBe(true)
    expect(state.get('tank-1')).toMatchObject({ name: '生活水箱', values: { level_pct: 40 }, valuesTs: 1000 })
    expect(state.list().map((device) => device.id)).toEqual(['tank-1', 'tank-2'])
    expect(state.mergeRegistry([view('tank-1'), view('tank-2')])).toBe(false)
    expect(state.mergeRegistry([view('tank-2')])).toBe(true)
    expect(state.has('tank-1')).toBe(false)
  })

  it('hands out copies, so that a caller cannot change the live state', () => {
    const state = new LiveState([view('tank-1')])

    const copy = state.get('tank-1')
    if (copy) copy.values.level_pct = 99

    expect(state.get('tank-1')?.values).toEqual({})
  })

  it('filters by site and kind', () => {
    const state = new LiveState([view('tank-1'), view('pump-1', { kind: 'pump' }), view('x', { siteId: 'other' })])

    expect(state.list({ kind: 'pump' }).map((device) => device.id)).toEqual(['pump-1'])
    expect(state.list({ siteId: 'xingfuli' }).map((device) => device.id)).toEqual(['tank-1', 'pump-1'])
  })
})
