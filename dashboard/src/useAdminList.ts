import { useCallback, useEffect, useRef, useState } from 'react'
import { type Failure, failureOf } from './api.ts'

/** A list a page shows and changes: users, devices, work orders. */
export interface AdminList<T> {
  status: 'loading' | 'ok' | 'error'
  items: T[]
  failure: Failure | undefined
  reload: () => void
  /** Puts the api's answer to a create or change into the list, without asking for the whole list again. */
  put: (item: T) => void
}

/**
 * Everything `load` answers, sorted by `order`, and kept through a failed reload. An item is known by its `id`.
 * `load` and `order` may change identity on every render; only `reload` asks again.
 */
export function useAdminList<T extends { id: string | number }>(
  load: (signal: AbortSignal) => Promise<T[]>,
  order: (a: T, b: T) => number,
): AdminList<T> {
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<Pick<AdminList<T>, 'status' | 'items' | 'failure'>>({
    status: 'loading',
    items: [],
    failure: undefined,
  })
  const loadRef = useRef(load)
  loadRef.current = load
  const orderRef = useRef(order)
  orderRef.current = order

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt number is the request to ask again
  useEffect(() => {
    const controller = new AbortController()
    setState((previous) => ({ ...previous, status: 'loading' }))
    loadRef.current(controller.signal).then(
      (items) => setState({ status: 'ok', items: [...items].sort(orderRef.current), failure: undefined }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        setState((previous) => ({ ...previous, status: 'error', failure: failureOf(error) }))
      },
    )
    return () => controller.abort()
  }, [attempt])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  const put = useCallback((item: T) => {
    setState((previous) => {
      const others = previous.items.filter((existing) => existing.id !== item.id)
      return { ...previous, items: [...others, item].sort(orderRef.current) }
    })
  }, [])
  return { ...state, reload, put }
}
