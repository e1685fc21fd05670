import { act } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { isListed } from '../src/live/alarm-state.ts'
import {
  applyAlarmChanges,
  applyAlarms,
  applyFloods,
  applySnapshot,
  INITIAL_LIVE_STATE,
  type LiveState,
} from '../src/live/store.ts'
import { ALARMS, changed, FIRE, FLOOD, HUMID_SHELVED, snapshotWith, TANK_LOW } from './alarm-fixtures.ts'
import { NOW, SNAPSHOT } from './fixtures.ts'
import { createFakeLive } from './live-harness.ts'

const listed = (state: LiveState) => [...state.alarms.values()].filter(isListed).map((alarm) => alarm.id)
const change = (alarm: typeof FIRE, transition: 'raised' | 'acknowledged' | 'cleared' | 'shelved' = 'raised') => ({
  alarm,
  transition,
  ts: alarm.updatedAt,
})

describe('alarms in the live store', () => {
  it('takes the alarms and floods of the snapshot, replacing what it knew', () => {
    const before = applySnapshot(INITIAL_LIVE_STATE, snapshotWith([FIRE], [FLOOD]))
    expect(listed(before)).toEqual([FIRE.id])
    expect(before.floods.get('cuihu')?.active).toBe(true)
    const after = applySnapshot(before, snapshotWith([TANK_LOW]))
    expect(listed(after)).toEqual([TANK_LOW.id])
    expect(after.floods.size).toBe(0)
  })

  it('applies changes by alarm id; an alarm back to normal and not suppressed leaves the list', () => {
    const state = applySnapshot(INITIAL_LIVE_STATE, snapshotWith([FIRE, TANK_LOW]))
    const acknowledged = changed(TANK_LOW, { state: 'ack' })
    const next = applyAlarmChanges(state, [change(acknowledged, 'acknowledged')])
    expect(next.alarms.get(TANK_LOW.id)?.state).toBe('ack')
    expect(next.alarms.get(FIRE.id)).toBe(state.alarms.get(FIRE.id))
    const cleared = applyAlarmChanges(next, [change(changed(acknowledged, { state: 'normal' }), 'cleared')])
    expect(listed(cleared)).toEqual([FIRE.id])
    // A shelved alarm stays listed when it returns to normal: the suppressed section shows it until the shelve ends.
    const shelvedNormal = changed(HUMID_SHELVED, { state: 'normal' })
    expect(listed(applyAlarmChanges(cleared, [change(shelvedNormal, 'cleared')]))).toEqual([FIRE.id, HUMID_SHELVED.id])
  })

  it('ignores a change older than what it knows: the echo of an acknowledgement must not bring it back', () => {
    const state = applySnapshot(INITIAL_LIVE_STATE, snapshotWith([TANK_LOW]))
    const acknowledged = changed(TANK_LOW, { state: 'ack' })
    const answered = applyAlarms(state, [acknowledged])
    expect(applyAlarmChanges(answered, [change(TANK_LOW)])).toBe(answered)
    expect(applyAlarms(answered, [acknowledged])).toBe(answered)
  })

  it('adds an alarm raised after the snapshot, and takes each site flood state', () => {
    const state = applySnapshot(INITIAL_LIVE_STATE, SNAPSHOT)
    const raised = applyAlarmChanges(state, [change(FIRE)])
    expect(listed(raised)).toEqual([FIRE.id])
    const flooded = applyFloods(raised, [FLOOD])
    const over = applyFloods(flooded, [{ ...FLOOD, active: false, last10Min: 3 }])
    expect(over.floods.get('cuihu')?.active).toBe(false)
    expect(applyFloods(over, [])).toBe(over)
  })

  it('starts empty, as it is again for the next user on a shared screen', () => {
    expect(INITIAL_LIVE_STATE.alarms.size).toBe(0)
    expect(INITIAL_LIVE_STATE.floods.size).toBe(0)
  })
})

describe('alarms over the live link', () => {
  it('commits alarm changes and flood states once per animation frame, with the deltas', () => {
    const live = createFakeLive()
    act(() => live.server.snapshot(snapshotWith(ALARMS)))
    act(() => {
      live.server.alarms([change(changed(FIRE, { state: 'ack' }), 'acknowledged')])
      live.server.flood(FLOOD)
      live.server.deltas([{ id: 'tank-1', values: { level_pct: 9 }, valuesTs: NOW + 1 }])
    })
    expect(live.store.getState().alarms.get(FIRE.id)?.state).toBe('unack')
    const before = live.store.getState()
    live.nextFrame()
    const after = live.store.getState()
    expect(after).not.toBe(before)
    expect(after.alarms.get(FIRE.id)?.state).toBe('ack')
    expect(after.floods.get('cuihu')?.active).toBe(true)
    expect(after.devices.get('tank-1')?.values.level_pct).toBe(9)
  })

  it('drops queued alarm changes when a snapshot arrives, which already holds them', () => {
    const live = createFakeLive()
    act(() => {
      live.server.alarms([change(FIRE)])
      live.server.flood(FLOOD)
      live.server.snapshot(snapshotWith([TANK_LOW]))
    })
    live.nextFrame()
    expect(listed(live.store.getState())).toEqual([TANK_LOW.id])
    expect(live.store.getState().floods.size).toBe(0)
  })
})
