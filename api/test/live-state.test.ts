import type { DeviceDelta, DeviceStatus, DeviceView, Reading } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { LiveState, mergeDelta } from '../src/live-state.ts'

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

    state.applyReading(reading(1000, { level_pct: 40, overflow: false }), 1000)
    state.applyReading(reading(2000, { level_pct: 41 }), 2000)

    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', values: { level_pct: 41 }, valuesTs: 2000, lastSeen: 2000 }])
    expect(state.takeDeltas()).toEqual([])
    expect(state.get('tank-1')?.values).toEqual({ overflow: false, level_pct: 41 })
  })

  it('keeps newer values when an older reading arrives late', () => {
    const state = new LiveState([view('tank-1')])
    state.applyReading(reading(2000, { level_pct: 41 }), 2000)
    state.takeDeltas()

    state.applyReading(reading(1000, { level_pct: 40 }), 2000)

    expect(state.get('tank-1')).toMatchObject({ values: { level_pct: 41 }, valuesTs: 2000, lastSeen: 2000 })
    expect(state.takeDeltas()).toEqual([])
  })

  it('lets a late, older reading fill fields not reported since, as the store does', () => {
    const state = new LiveState([view('tank-1')])
    state.applyReading(reading(2000, { level_pct: 41 }), 2000)
    state.takeDeltas()

    state.applyReading(reading(1000, { level_pct: 40, overflow: false }), 3000)

    expect(state.get('tank-1')).toMatchObject({ values: { level_pct: 41, overflow: false }, valuesTs: 2000 })
    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', values: { overflow: false }, lastSeen: 3000 }])
  })

  it('ranks a reading stamped ahead of the server clock at its receive time, so the next one replaces it', () => {
    const state = new LiveState([view('tank-1')])
    const receivedAt = 1_000_000
    state.applyReading(reading(receivedAt + 4 * 60_000, { level_pct: 50 }), receivedAt)
    expect(state.get('tank-1')?.valuesTs).toBe(receivedAt)

    state.applyReading(reading(receivedAt + 1000, { level_pct: 60 }), receivedAt + 1000)

    expect(state.get('tank-1')).toMatchObject({ values: { level_pct: 60 }, valuesTs: receivedAt + 1000 })
  })

  it('stamps last seen with the receive time, not with a device clock 10 minutes slow', () => {
    const state = new LiveState([view('tank-1')])
    const receivedAt = 1_000_000
    const deviceNow = receivedAt - 10 * 60_000

    state.applyStatus(status(deviceNow, true), false, receivedAt)
    state.applyReading(reading(deviceNow, { level_pct: 50 }), receivedAt + 1000)
    expect(state.get('tank-1')).toMatchObject({ online: true, lastSeen: receivedAt + 1000, valuesTs: deviceNow })

    state.applyStatus(status(receivedAt + 2000, false), false, receivedAt + 2000) // the will: no ts, server time
    state.applyStatus(status(deviceNow + 3000, true), false, receivedAt + 3000) // reconnected
    expect(state.get('tank-1')).toMatchObject({ online: true, lastSeen: receivedAt + 3000 })
  })

  it('does not count a retained status or an offline will as a sighting', () => {
    const state = new LiveState([view('tank-1')])

    state.applyStatus(status(5000, true), true, 5000)
    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', online: true }])

    state.applyStatus(status(6000, false), false, 6000)
    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', online: false }])

    state.applyStatus(status(7000, true), false, 7000)
    expect(state.takeDeltas()).toEqual([{ id: 'tank-1', online: true, lastSeen: 7000 }])
  })

  it('takes registry facts from the store but keeps the live state', () => {
    const state = new LiveState([view('tank-1')])
    state.applyReading(reading(1000, { level_pct: 40 }), 1000)

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

/** As a client applies a delta (dashboard/src/live/store.ts): every key it carries overwrites. */
function applied(device: DeviceView, delta: DeviceDelta): DeviceView {
  return {
    ...device,
    online: delta.online ?? device.online,
    lastSeen: delta.lastSeen ?? device.lastSeen,
    values: { ...device.values, ...delta.values },
    valuesTs: delta.valuesTs ?? device.valuesTs,
  }
}

describe('mergeDelta', () => {
  it('folds the deltas of several flushes into one that leaves a client where all of them in order would', () => {
    const initial = view('tank-1', { values: { overflow: false } })
    const state = new LiveState([initial])
    const flushes: DeviceDelta[][] = []
    state.applyStatus(status(1000, true), true, 1000)
    state.applyReading(reading(1000, { level_pct: 40, overflow: false }), 1000)
    flushes.push(state.takeDeltas())
    state.applyReading(reading(2000, { level_pct: 41 }), 2000)
    flushes.push(state.takeDeltas())
    state.applyStatus(status(3000, false), false, 3000)
    flushes.push(state.takeDeltas())
    state.applyReading(reading(1500, { level_pct: 10, volume_m3: 140 }), 4000) // older: fills only what is missing
    state.applyStatus(status(5000, true), false, 5000)
    flushes.push(state.takeDeltas())

    const deltas = flushes.flat()
    const folded = deltas.reduce(mergeDelta)
    const inOrder = deltas.reduce(applied, initial)

    expect(applied(initial, folded)).toEqual(inOrder)
    expect(inOrder).toEqual(state.get('tank-1'))
    expect(folded).toEqual({
      id: 'tank-1',
      online: true,
      lastSeen: 5000,
      values: { level_pct: 41, volume_m3: 140 },
      valuesTs: 2000,
    })
  })

  it('changes neither delta', () => {
    const earlier: DeviceDelta = { id: 'tank-1', values: { level_pct: 40 }, valuesTs: 1000 }
    const later: DeviceDelta = { id: 'tank-1', values: { level_pct: 41 }, lastSeen: 2000 }

    expect(mergeDelta(earlier, later)).toEqual({
      id: 'tank-1',
      values: { level_pct: 41 },
      valuesTs: 1000,
      lastSeen: 2000,
    })
    expect(earlier).toEqual({ id: 'tank-1', values: { level_pct: 40 }, valuesTs: 1000 })
    expect(later).toEqual({ id: 'tank-1', values: { level_pct: 41 }, lastSeen: 2000 })
  })
})
