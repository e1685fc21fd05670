/**
 * Writes the spool back into the time series, oldest batch first, one at a time. A batch is deleted only after the
 * time series confirmed it, so a crash in between writes it again on the next start: harmless, because a replay is
 * idempotent (the embedded store ignores a sample whose series and time it has; in InfluxDB an identical point
 * overwrites itself). While writes fail, it retries the oldest batch with a growing pause (1 s doubling up to 30 s).
 */
import { setTimeout as sleep, setImmediate as yieldToIo } from 'node:timers/promises'
import type { Reading } from '@fm/protocol'
import type { Spool } from './spool.ts'

export const DRAIN_RETRY_MIN_MS = 1000
export const DRAIN_RETRY_MAX_MS = 30_000

export interface DrainerOptions {
  spool: Spool
  write: (readings: Reading[]) => Promise<void>
  /** Told of every attempt's outcome, so that health and logs see the drain as they see direct writes. */
  onWritten: () => void
  onFailed: (error: unknown) => void
  now: () => number
  retryMinMs?: number
  retryMaxMs?: number
}

export interface Drainer {
  /** Starts draining if the spool holds anything and no drain runs; `afterFailure` waits the retry pause first. */
  kick(afterFailure?: boolean): void
  /** Lets the batch under way finish (and be deleted) and stops. */
  stop(): Promise<void>
}

export function createDrainer(options: DrainerOptions): Drainer {
  const { spool, write, now } = options
  const minMs = options.retryMinMs ?? DRAIN_RETRY_MIN_MS
  const maxMs = options.retryMaxMs ?? DRAIN_RETRY_MAX_MS
  let retryMs = minMs
  let nextAttemptAt = 0
  let running: Promise<void> | undefined
  let stopped = false
  const pause = new AbortController()

  function failed(error: unknown): void {
    nextAttemptAt = now() + retryMs
    retryMs = Math.min(retryMs * 2, maxMs)
    options.onFailed(error)
  }

  async function waitForRetry(): Promise<void> {
    const waitMs = nextAttemptAt - now()
    if (waitMs <= 0) return
    try {
      await sleep(waitMs, undefined, { signal: pause.signal })
    } catch {
      // aborted by stop(): the loop checks `stopped` next
    }
  }

  async function drain(): Promise<void> {
    while (!stopped) {
      await waitForRetry()
      if (stopped) return
      try {
        const batch = spool.oldest()
        if (!batch) return
        await write(batch.readings)
        spool.remove(batch.id)
      } catch (error) {
        // the time series refused, or the spool itself failed: either way the batch stays and is tried again
        failed(error)
        continue
      }
      retryMs = minMs
      nextAttemptAt = 0
      options.onWritten()
      // A long spool is many batches: let MQTT traffic in between them.
      await yieldToIo()
    }
  }

  function kick(afterFailure = false): void {
    if (stopped) return
    if (afterFailure && nextAttemptAt <= now()) {
      nextAttemptAt = now() + retryMs
      retryMs = Math.min(retryMs * 2, maxMs)
    }
    running ??= drain().finally(() => {
      running = undefined
      // a batch appended after the loop saw the spool empty: go on
      if (!stopped && spool.stats().batches > 0) kick()
    })
  }

  return {
    kick,
    async stop() {
      stopped = true
      pause.abort()
      await running
    },
  }
}
