import { useEffect, useRef, useState } from 'react'

export type ApiState<T> =
  | { status: 'loading'; data: undefined; error: undefined }
  | { status: 'ok'; data: T; error: undefined }
  | { status: 'error'; data: undefined; error: Error }

const LOADING = { status: 'loading', data: undefined, error: undefined } as const

/**
 * Runs `load` when `key` changes and aborts the previous request, so a quick click through range buttons never shows
 * an older answer after a newer one. `load` may change identity on every render; only `key` restarts it.
 * A `null` key loads nothing and stays `loading`.
 */
export function useApi<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): ApiState<T> {
  const [state, setState] = useState<{ key: string | null; value: ApiState<T> }>({ key, value: LOADING })
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    if (key === null) return
    const controller = new AbortController()
    setState({ key, value: LOADING })
    loadRef.current(controller.signal).then(
      (data) => setState({ key, value: { status: 'ok', data, error: undefined } }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        const value = error instanceof Error ? error : new Error(String(error))
        setState({ key, value: { status: 'error', data: undefined, error: value } })
      },
    )
    return () => controller.abort()
  }, [key])

  return state.key === key ? state.value : LOADING
}
