/**
 * Polls `/api/health` while the page is visible. The last report is kept through failures, so the page can show
 * both that the api does not answer and what it said last, and when.
 */
import type { Health } from '@fm/protocol'
import { useEffect, useState } from 'react'
import { ApiError, fetchHealth, HealthFormatError } from '../api.ts'
import { clockOffsetMs } from './freshness.ts'

/** How often the page asks. The api probes each part with a 2 s deadline, so one answer is well inside this. */
export const HEALTH_POLL_INTERVAL_MS = 5_000
/** An attempt unanswered by then failed: a hung api must read as unreachable, not as its last report. */
export const HEALTH_TIMEOUT_MS = 4_000

export type HealthFailure =
  | { kind: 'network' }
  | { kind: 'timeout' }
  | { kind: 'status'; status: number }
  | { kind: 'invalid' }

export interface HealthPoll {
  /** The last report received; kept while later attempts fail. */
  health: Health | undefined
  /** When that report arrived, browser clock, epoch ms. */
  receivedAt: number | undefined
  /** Add to the browser's clock to get the server's (`freshness.ts`). */
  clockOffsetMs: number
  /** Why the latest attempt failed; undefined once one succeeds. */
  failure: HealthFailure | undefined
}

const INITIAL: HealthPoll = { health: undefined, receivedAt: undefined, clockOffsetMs: 0, failure: undefined }

export function describeFailure(error: unknown, timedOut: boolean): HealthFailure {
  if (timedOut) return { kind: 'timeout' }
  if (error instanceof ApiError) return { kind: 'status', status: error.status }
  if (error instanceof HealthFormatError) return { kind: 'invalid' }
  // fetch rejects with a TypeError when no answer comes at all: refused, reset, offline.
  return { kind: 'network' }
}

const isVisible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden'

export function useHealth(): HealthPoll {
  const [poll, setPoll] = useState<HealthPoll>(INITIAL)

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let inFlight: AbortController | undefined
    let stopped = false

    // The next attempt waits for this one to end, so a slow api is never asked twice at once.
    const schedule = () => {
      if (stopped || timer || inFlight || !isVisible()) return
      timer = setTimeout(() => void attempt(), HEALTH_POLL_INTERVAL_MS)
    }

    const attempt = async () => {
      timer = undefined
      const controller = new AbortController()
      inFlight = controller
      let timedOut = false
      const deadline = setTimeout(() => {
        timedOut = true
        controller.abort()
      }, HEALTH_TIMEOUT_MS)
      try {
        const answer = await fetchHealth(controller.signal)
        const receivedAt = Date.now()
        const offset = clockOffsetMs(answer.serverDate, receivedAt)
        setPoll({ health: answer.health, receivedAt, clockOffsetMs: offset, failure: undefined })
      } catch (error) {
        if (!stopped) setPoll((previous) => ({ ...previous, failure: describeFailure(error, timedOut) }))
      } finally {
        clearTimeout(deadline)
        inFlight = undefined
      }
      schedule()
    }

    // Hidden: no requests. Visible again: ask at once, since what is on screen is as old as the tab was hidden.
    const onVisibilityChange = () => {
      clearTimeout(timer)
      timer = undefined
      if (isVisible() && !inFlight) void attempt()
    }

    void attempt()
    document.addEventListener('visibilitychange', onVisibilityChange)
    return () => {
      stopped = true
      clearTimeout(timer)
      inFlight?.abort()
      document.removeEventListener('visibilitychange', onVisibilityChange)
    }
  }, [])

  return poll
}
