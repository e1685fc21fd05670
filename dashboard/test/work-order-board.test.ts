import type { WorkOrderView } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import {
  boardColumns,
  compareByDue,
  matchesFilters,
  nextDueAt,
  readBoardFilters,
  withBoardFilter,
} from '../src/workorders/board.ts'
import { mergeLive } from '../src/workorders/live-merge.ts'
import { NOW } from './fixtures.ts'
import { MINUTE, WANG, workOrder } from './work-order-fixtures.ts'

const ids = (orders: readonly WorkOrderView[]) => orders.map((order) => order.id)

describe('the dispatch board', () => {
  const orders = [
    workOrder({ id: 1, state: 'new' }, 2 * MINUTE),
    workOrder({ id: 2, state: 'triaged' }, 20 * MINUTE),
    workOrder({ id: 3, state: 'assigned', assignee: WANG }),
    workOrder({ id: 4, state: 'accepted', assignee: WANG, priority: 'P1', buildingId: 'b3' }),
    workOrder({ id: 5, state: 'in_progress', assignee: WANG, category: 'civil' }),
    workOrder({ id: 6, state: 'on_hold', assignee: WANG }),
    workOrder({ id: 7, state: 'resolved', assignee: WANG }),
    workOrder({ id: 8, state: 'verified', assignee: WANG }),
    workOrder({ id: 9, state: 'cancelled' }),
  ]

  it('groups open work orders into the four columns and leaves closed ones out', () => {
    const columns = boardColumns(orders)
    expect(columns.map((column) => [column.key, ids(column.orders).sort()])).toEqual([
      ['intake', [1, 2]],
      ['dispatched', [3, 4]],
      ['working', [5, 6]],
      ['review', [7]],
    ])
  })

  it('puts the most urgent first in each column: the one whose clock ends first', () => {
    // the older one's response clock ends first (it is overdue)
    expect(ids(boardColumns(orders)[0]?.orders ?? [])).toEqual([2, 1])
  })

  it('sorts by due, then priority, then age; never-due last', () => {
    const a = workOrder({ id: 10 }, 5 * MINUTE)
    const b = workOrder({ id: 11, priority: 'P0' }, 5 * MINUTE)
    const done = { ...a, id: 12, clocks: a.clocks.map((c) => ({ ...c, metAt: NOW })) }
    expect(nextDueAt(done)).toBe(Number.POSITIVE_INFINITY)
    expect(ids([done, a, b].sort(compareByDue))).toEqual([11, 10, 12])
    const twin = { ...a, id: 13, createdAt: a.createdAt + 1 }
    expect(compareByDue(a, twin)).toBeLessThan(0)
  })

  it('narrows by priority, category and building', () => {
    expect(ids(boardColumns(orders, { priority: 'P1' }).flatMap((c) => c.orders))).toEqual([4])
    expect(ids(boardColumns(orders, { category: 'civil' }).flatMap((c) => c.orders))).toEqual([5])
    expect(ids(boardColumns(orders, { building: 'b3' }).flatMap((c) => c.orders))).toEqual([4])
    expect(matchesFilters(orders[3] as WorkOrderView, { priority: 'P1', building: 'b1' })).toBe(false)
  })

  it('keeps the filters in the address, ignoring values that are none of ours', () => {
    const params = new URLSearchParams('priority=P1&category=lift&building=b3&other=x')
    expect(readBoardFilters(params)).toEqual({ priority: 'P1', category: 'lift', building: 'b3' })
    expect(readBoardFilters(new URLSearchParams('priority=P9&category=plumbing'))).toEqual({})
    const cleared = withBoardFilter(params, 'priority', '')
    expect(cleared.toString()).toBe('category=lift&building=b3&other=x')
    expect(withBoardFilter(cleared, 'building', 'b1').get('building')).toBe('b1')
  })
})

describe('live changes over a loaded list', () => {
  const belongs = (order: WorkOrderView) => order.state !== 'verified'

  it('takes the newer of each work order, adds new ones and drops those that no longer belong', () => {
    const loaded = [workOrder({ id: 1 }), workOrder({ id: 2, state: 'resolved' })]
    const live = new Map([
      [1, { ...workOrder({ id: 1 }), state: 'triaged' as const, updatedAt: NOW }],
      [2, { ...workOrder({ id: 2 }), state: 'verified' as const, updatedAt: NOW }],
      [3, workOrder({ id: 3 })],
    ])
    const merged = mergeLive(loaded, live, belongs, (a, b) => a.id - b.id)
    expect(merged.map((order) => [order.id, order.state])).toEqual([
      [1, 'triaged'],
      [3, 'new'],
    ])
  })

  it('keeps what the api answered when the link is older', () => {
    const fresh = { ...workOrder({ id: 1 }), state: 'assigned' as const, updatedAt: NOW }
    const stale = new Map([[1, { ...workOrder({ id: 1 }), updatedAt: NOW - MINUTE }]])
    expect(mergeLive([fresh], stale, belongs, compareByDue)[0]?.state).toBe('assigned')
  })
})
