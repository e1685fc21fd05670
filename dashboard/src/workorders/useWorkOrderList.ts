import type { WorkOrderView } from '@fm/protocol'
import { useMemo, useRef } from 'react'
import type { Failure } from '../api.ts'
import { useLiveWorkOrders } from '../live/store.ts'
import { useAdminList } from '../useAdminList.ts'
import { compareByDue } from './board.ts'
import { mergeLive } from './live-merge.ts'
import { useRefresh } from './useRefresh.ts'
import { fetchWorkOrders, type WorkOrderQuery } from './work-order-api.ts'

export interface WorkOrderList {
  status: 'loading' | 'ok' | 'error'
  /** Most urgent first (`compareByDue`). */
  orders: WorkOrderView[]
  failure: Failure | undefined
  /** When the last REST answer came: a paused clock counts from there (`clocksAsOf`). */
  receivedAt: number
  reload: () => void
  /** Puts the api's answer to an action into the list. */
  put: (order: WorkOrderView) => void
}

/**
 * The work orders of `query` that `belongs` keeps, live: loaded over REST, changed by the link's `workOrder` events as
 * they come, and loaded again every 30 s and whenever the page comes back into view. The query is read at each load;
 * mount the hook again (a React `key`) for another one.
 */
export function useWorkOrderList(query: WorkOrderQuery, belongs: (order: WorkOrderView) => boolean): WorkOrderList {
  const receivedAt = useRef(0)
  const list = useAdminList(async (signal) => {
    const orders = await fetchWorkOrders(query, signal)
    receivedAt.current = Date.now()
    return orders
  }, compareByDue)
  useRefresh(list.reload)
  const live = useLiveWorkOrders()
  const belongsRef = useRef(belongs)
  belongsRef.current = belongs
  const orders = useMemo(
    () => mergeLive(list.items, live, (order) => belongsRef.current(order), compareByDue),
    [list.items, live],
  )
  return {
    status: list.status,
    orders,
    failure: list.failure,
    receivedAt: receivedAt.current,
    reload: list.reload,
    put: list.put,
  }
}
