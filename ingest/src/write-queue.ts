/**
 * A batching queue in front of one operational-store call (device state, events). Items are written in arrival order,
 * in batches of at most `maxBatch`, when the caller's timer ticks or as soon as a full batch is waiting. A failed write
 * keeps its batch at the head of the queue and is retried on the next flush.
 *
 * The queue lives in memory. An item pushed with a completion (an event of a QoS 1 message) has its PUBACK held until
 * the completion is called after the write (held-acks.ts), so what dies with the process is delivered again by the
 * broker. The operational store is a local SQLite file, not a server: a failure here is a disk problem, logged loudly
 * once the queue passes `warnAt`. Readings take the time-series path instead (timeseries-writer.ts).
 */
import { setImmediate as yieldToIo } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { Completion } from './held-acks.ts'

export interface WriteQueue<T> {
  readonly name: string
  readonly size: number
  /** `done` is called once the item is written (never when it is not). */
  push(item: T, done?: Completion): void
  /** Writes everything queued. Never rejects: a failure is logged and the items stay queued. */
  flush(): Promise<void>
}

export interface WriteQueueOptions<T> {
  name: string
  maxBatch: number
  /** Size above which the queue logs an error: the store is not keeping up. */
  warnAt: number
  write: (batch: T[]) => void | Promise<void>
  logger: Logger
  now: () => number
}

/** While a store keeps failing, repeat the error this often rather than on every retry. */
const OUTAGE_REMINDER_MS = 30_000

export function createWriteQueue<T>(options: WriteQueueOptions<T>): WriteQueue<T> {
  const { name, maxBatch, warnAt, write, now } = options
  const logger = options.logger.child({ queue: name })
  const items: T[] = []
  /** Parallel to `items`. */
  const completions: (Completion | undefined)[] = []
  let draining: Promise<void> | undefined
  let outage: { since: number; attempts: number; remindedAt: number } | undefined
  let overfull = false

  function noteFailure(error: unknown, batchSize: number): void {
    const at = now()
    if (!outage) {
      outage = { since: at, attempts: 1, remindedAt: at }
      logger.error({ err: error, batch: batchSize, queued: items.length }, 'write failed; will retry on next flush')
      return
    }
    outage.attempts += 1
    if (at - outage.remindedAt >= OUTAGE_REMINDER_MS) {
      outage.remindedAt = at
      const { attempts, since } = outage
      logger.error({ err: error, attempts, sinceMs: at - since, queued: items.length }, 'writes still failing')
    }
  }

  function noteSuccess(): void {
    if (outage) {
      logger.warn({ attempts: outage.attempts, outageMs: now() - outage.since }, 'writes recovered')
      outage = undefined
    }
  }

  function checkSize(): void {
    if (!overfull && items.length > warnAt) {
      overfull = true
      logger.error(
        { queued: items.length, warnAt },
        'queue is over its limit: the store is not keeping up; queued items are held in memory only',
      )
    } else if (overfull && items.length <= warnAt / 2) {
      overfull = false
      logger.warn({ queued: items.length }, 'queue back under its limit')
    }
  }

  async function drain(): Promise<void> {
    while (items.length > 0) {
      const batch = items.slice(0, maxBatch)
      try {
        await write(batch)
      } catch (error) {
        noteFailure(error, batch.length)
        return
      }
      // Splice from the current array: items pushed while the write was in flight stay queued behind the batch.
      items.splice(0, batch.length)
      for (const done of completions.splice(0, batch.length)) done?.()
      noteSuccess()
      // A backlog after an outage is many batches: let MQTT traffic in between them.
      if (items.length > 0) await yieldToIo()
    }
  }

  function flush(): Promise<void> {
    // One drain at a time, so that batches are written in order and never twice.
    draining ??= drain().finally(() => {
      draining = undefined
      checkSize()
    })
    return draining
  }

  return {
    name,
    get size() {
      return items.length
    },
    push(item, done) {
      items.push(item)
      completions.push(done)
      checkSize()
      if (items.length >= maxBatch && !draining && !outage) void flush()
    },
    flush,
  }
}
