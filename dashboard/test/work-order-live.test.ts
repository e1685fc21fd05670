import { describe, expect, it } from 'vitest'
import { applyWorkOrders, INITIAL_LIVE_STATE } from '../src/live/store.ts'
import { NOW } from './fixtures.ts'
import { createFakeLive } from './live-harness.ts'
import { workOrder } from './work-order-fixtures.ts'

describe('work orders in the live store', () => {
  it('keeps each in its latest state and ignores an older change', () => {
    const first = workOrder({ id: 1, updatedAt: NOW })
    const state = applyWorkOrders(INITIAL_LIVE_STATE, [first])
    expect(state.workOrders.get(1)).toBe(first)
    expect(applyWorkOrders(state, [{ ...first, state: 'triaged', updatedAt: NOW - 1 }])).toBe(state)
    const next = applyWorkOrders(state, [{ ...first, state: 'triaged', updatedAt: NOW + 1 }])
    expect(next.workOrders.get(1)?.state).toBe('triaged')
    expect(applyWorkOrders(next, [])).toBe(next)
  })

  it('commits the link’s work orders once per animation frame, and keeps them across a snapshot', () => {
    const live = createFakeLive()
    live.server.workOrders([workOrder({ id: 1 })])
    live.server.workOrders([workOrder({ id: 2 })])
    expect(live.store.getState().workOrders.size).toBe(0)
    live.nextFrame()
    expect([...live.store.getState().workOrders.keys()]).toEqual([1, 2])
    live.server.snapshot({ ts: NOW, devices: [], alarms: [], floods: [] })
    expect(live.store.getState().workOrders.size).toBe(2)
  })
})
