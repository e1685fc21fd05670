import type { AuditEntryView } from '@fm/protocol'
import { useCallback, useEffect, useRef, useState } from 'react'
import { type Failure, failureOf } from '../api.ts'
import { fetchAudit } from './audit-api.ts'
import { type AuditCursor, type AuditFilters, auditQuery } from './audit-filters.ts'

export interface AuditLog {
  /** `loading` while the first page of these filters loads, `older` while an older page does. */
  status: 'loading' | 'older' | 'ok' | 'error'
  /** Newest first, every page loaded so far. */
  entries: AuditEntryView[]
  /** The cursor of the next, older page; undefined on the last one. */
  next: AuditCursor | undefined
  failure: Failure | undefined
  /** Loads the page after the last one shown. */
  older: () => void
  /** Loads the first page again, after a failure. */
  reload: () => void
}

interface State {
  status: AuditLog['status']
  entries: AuditEntryView[]
  next: AuditCursor | undefined
  failure: Failure | undefined
}

const LOADING: State = { status: 'loading', entries: [], next: undefined, failure: undefined }

/**
 * The audit log for `filters`, a page at a time: other filters start again from the newest entry, and a request for
 * the previous filters that answers late is dropped. Paging follows the api's cursor (`next`), never an offset, so
 * entries written meanwhile neither repeat nor go missing.
 */
export function useAuditLog(filters: AuditFilters): AuditLog {
  const key = JSON.stringify(filters)
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<State>(LOADING)
  const request = useRef<AbortController | undefined>(undefined)
  const filtersRef = useRef(filters)
  filtersRef.current = filters

  const load = useCallback((cursor: AuditCursor | undefined) => {
    request.current?.abort()
    const controller = new AbortController()
    request.current = controller
    setState((previous) => (cursor ? { ...previous, status: 'older', failure: undefined } : LOADING))
    fetchAudit(auditQuery(filtersRef.current, cursor), controller.signal).then(
      (page) =>
        setState((previous) => ({
          status: 'ok',
          entries: cursor ? [...previous.entries, ...page.entries] : page.entries,
          next: page.next,
          failure: undefined,
        })),
      (error: unknown) => {
        if (controller.signal.aborted) return
        setState((previous) => ({ ...previous, status: 'error', failure: failureOf(error) }))
      },
    )
  }, [])

  // biome-ignore lint/correctness/useExhaustiveDependencies: new filters (their key) or a retry load the first page
  useEffect(() => {
    load(undefined)
    return () => request.current?.abort()
  }, [key, attempt, load])

  const older = useCallback(() => {
    if (state.next && state.status !== 'older' && state.status !== 'loading') load(state.next)
  }, [state.next, state.status, load])
  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  return { ...state, older, reload }
}
