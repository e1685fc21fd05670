import type { WorkOrderEvent, WorkOrderView } from '@fm/protocol'
import { useCallback, useEffect, useState } from 'react'
import { type Failure, failureOf } from '../api.ts'
import { useLiveWorkOrders } from '../live/store.ts'
import { useRefresh } from './useRefresh.ts'
import { fetchWorkOrder, fetchWorkOrderEvents } from './work-order-api.ts'

export interface WorkOrderDetail {
  status: 'loading' | 'ok' | 'error'
  order: WorkOrderView | undefined
  /** The timeline, oldest first. */
  events: WorkOrderEvent[]
  failure: Failure | undefined
  receivedAt: number
  reload: () => void
  /** The api's answer to an action or a checklist change: shown at once, and the timeline asked for again. */
  put: (order: WorkOrderView) => void
}

interface State {
  status: WorkOrderDetail['status']
  order: WorkOrderView | undefined
  events: WorkOrderEvent[]
  failure: Failure | undefined
  receivedAt: number
}

/**
 * One work order with its timeline, kept current: loaded again when the link says it changed, every 30 s and when the
 * page comes back into view. What was shown stays through a failed reload.
 */
export function useWorkOrder(id: number): WorkOrderDetail {
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<State>({
    status: 'loading',
    order: undefined,
    events: [],
    failure: undefined,
    receivedAt: 0,
  })
  const reload = useCallback(() => setAttempt((n) => n + 1), [])

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt number is the request to ask again
  useEffect(() => {
    const controller = new AbortController()
    Promise.all([fetchWorkOrder(id, controller.signal), fetchWorkOrderEvents(id, controller.signal)]).then(
      ([order, events]) =>
        setState({
          status: 'ok',
          order,
          events: [...events].sort((a, b) => a.at - b.at),
          failure: undefined,
          receivedAt: Date.now(),
        }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        setState((previous) => ({ ...previous, status: 'error', failure: failureOf(error) }))
      },
    )
    return () => controller.abort()
  }, [id, attempt])

  useRefresh(reload)
  const live = useLiveWorkOrders().get(id)
  const shownAt = state.order?.updatedAt
  useEffect(() => {
    if (live && shownAt !== undefined && live.updatedAt > shownAt) reload()
  }, [live, shownAt, reload])

  const put = useCallback(
    (order: WorkOrderView) => {
      setState((previous) => ({ ...previous, order, receivedAt: Date.now() }))
      reload()
    },
    [reload],
  )
  return { ...state, reload, put }
}
