import type { DeviceEvent } from '@fm/protocol'
import { describe, expect, it, vi } from 'vitest'
import {
  appendEvents,
  applyDeltas,
  applySnapshot,
  createLiveStore,
  INITIAL_LIVE_STATE,
  setConnection,
} from '../src/live/store.ts'
import { DEVICES, fixtureDevice, NOW, PLATE_EVENT, SNAPSHOT, TANK_DELTA } from './fixtures.ts'

const loaded = () => applySnapshot(INITIAL_LIVE_STATE, SNAPSHOT)

describe('applySnapshot', () => {
  it('replaces every device and keeps the snapshot order', () => {
    const before = applySnapshot(INITIAL_LIVE_STATE, {
      ts: 1,
      devices: [fixtureDevice('tank-1'), fixtureDevice('pump-low-1')],
      alarms: [],
      floods: [],
    })
    const after = applySnapshot(before, { ts: 2, devices: [fixtureDevice('pump-fire-1')], alarms: [], floods: [] })
    expect(after.snapshotTs).toBe(2)
    expect([...after.devices.keys()]).toEqual([fixtureDevice('pump-fire-1').id])
    expect(after.roster.map((d) => d.id)).toEqual([fixtureDevice('pump-fire-1').id])
    expect(after.list).toEqual([DEVICES[2]])
  })

  it('keeps recent events, which are history rather than state', () => {
    const withEvent = appendEvents(loaded(), [PLATE_EVENT])
    expect(applySnapshot(withEvent, SNAPSHOT).events).toEqual([PLATE_EVENT])
  })
})

describe('applyDeltas', () => {
  it('merges only the changed fields and the reading time', () => {
    const state = applyDeltas(loaded(), [TANK_DELTA])
    const tank = state.devices.get('tank-1')
    expect(tank?.values).toEqual({ ...fixtureDevice('tank-1').values, level_pct: 14.2 })
    expect(tank?.valuesTs).toBe(NOW + 1_000)
    expect(tank?.online).toBe(true)
  })

  it('keeps the identity of devices the batch did not change, so their cards do not re-render', () => {
    const before = loaded()
    const after = applyDeltas(before, [TANK_DELTA])
    expect(after.devices.get('pump-low-1')).toBe(before.devices.get('pump-low-1'))
    expect(after.roster).toBe(before.roster)
    expect(after.list).not.toBe(before.list)
  })

  it('returns the same state when nothing changed or the device is unknown', () => {
    const before = loaded()
    const same = { id: 'tank-1', values: { level_pct: 72.4 }, valuesTs: fixtureDevice('tank-1').valuesTs ?? 0 }
    expect(applyDeltas(before, [same, { id: 'no-such-device', online: false }])).toBe(before)
  })

  it('applies several deltas for one device in order', () => {
    const state = applyDeltas(loaded(), [
      { id: 'pump-low-1', values: { running: false } },
      { id: 'pump-low-1', values: { frequency_hz: 0 }, online: false },
    ])
    expect(state.devices.get('pump-low-1')).toMatchObject({
      online: false,
      values: { running: false, frequency_hz: 0, mode: 'auto' },
    })
  })
})

describe('appendEvents', () => {
  const event = (i: number): DeviceEvent => ({ ...PLATE_EVENT, ts: NOW + i })

  it('puts the newest first and caps the list', () => {
    const batch = Array.from({ length: 5 }, (_, i) => event(i))
    const state = appendEvents(appendEvents(loaded(), batch, 4), [event(10)], 4)
    expect(state.events.map((e) => e.ts - NOW)).toEqual([10, 4, 3, 2])
  })

  it('returns the same state for an empty batch', () => {
    const state = loaded()
    expect(appendEvents(state, [])).toBe(state)
  })
})

describe('createLiveStore', () => {
  it('notifies subscribers only when the state changes', () => {
    const store = createLiveStore()
    const listener = vi.fn()
    const unsubscribe = store.subscribe(listener)
    store.update((s) => setConnection(s, 'connecting'))
    expect(listener).not.toHaveBeenCalled()
    store.update((s) => setConnection(s, 'live'))
    expect(listener).toHaveBeenCalledTimes(1)
    unsubscribe()
    store.update((s) => setConnection(s, 'offline'))
    expect(listener).toHaveBeenCalledTimes(1)
  })
})
