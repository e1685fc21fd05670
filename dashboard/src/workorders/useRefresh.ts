import { useEffect, useRef } from 'react'

/**
 * How often a work-order page asks again by itself. The live link pushes every change; this is for when it cannot
 * (a phone that slept, a proxy that drops WebSockets), so that a countdown never runs on a work order long gone.
 */
export const REFRESH_INTERVAL_MS = 30_000

/** Calls `refresh` every `REFRESH_INTERVAL_MS`, and when the window gets the focus or the tab is shown again. */
export function useRefresh(refresh: () => void): void {
  const latest = useRef(refresh)
  latest.current = refresh
  useEffect(() => {
    const run = () => latest.current()
    const onVisible = () => {
      if (document.visibilityState === 'visible') run()
    }
    const timer = setInterval(run, REFRESH_INTERVAL_MS)
    window.addEventListener('focus', run)
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      clearInterval(timer)
      window.removeEventListener('focus', run)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [])
}
