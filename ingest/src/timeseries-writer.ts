/**
 * The path of a reading to the time series, with nothing lost on the way. Readings wait in memory for at most one
 * flush interval (or until a batch is full), then each batch is either written or, when the time series refuses it,
 * appended to the spool (spool.ts) on disk; only then are the PUBACKs of its messages released (held-acks.ts).
 * Order is kept: while the spool holds anything, new batches go behind it, and the drainer (spool-drainer.ts) writes
 * them oldest first. A restart finds the spool as it was and drains it first.
 *
 * The spool has a size limit. At 80 % it is logged as an error and health turns degraded. At 100 % a batch that
 * does not fit is refused rather than dropped: its QoS 1 messages are not acknowledged, ingest stops taking new ones,
 * and the broker keeps them in ingest's persistent session until the spool has drained below 80 %. This moves the
 * backlog to the broker's memory instead of losing it; the alternative, dropping the oldest readings as the InfluxDB
 * client does, is a silent loss, and the spool limit exists to protect ingest's disk, not to decide what to lose.
 * QoS 0 readings have no such second home: a batch the spool refuses loses them, and they are counted.
 */
import { setImmediate as yieldToIo } from 'node:timers/promises'
import type { IngestLatency, IngestSpoolStatus, IngestTimeSeriesStatus, Reading } from '@fm/protocol'
import type { TimeSeriesStore } from '@fm/store'
import type { Logger } from 'pino'
import type { Completion } from './held-acks.ts'
import { createLatencyWindow } from './latency.ts'
import { createRecentReadings, type RecentReading } from './recent-readings.ts'
import { type Spool, SpoolFullError } from './spool.ts'
import { createDrainer } from './spool-drainer.ts'

/** Spool fill at which health turns degraded, a loud log line is written, and intake resumes after a full spool. */
export const SPOOL_WARN_RATIO = 0.8
/** After the spool failed to append (a disk error, not the limit), intake is tried again after this long. */
export const SPOOL_FAILURE_RETRY_MS = 5000
/** While the spool stays above its warning level, the warning is repeated this often. */
const SPOOL_REMINDER_MS = 60_000

export interface TimeSeriesWriter {
  /** Readings waiting in memory. */
  readonly size: number
  /** Readings lost because neither the time series nor the spool took them (QoS 0 only; QoS 1 stays unacknowledged). */
  readonly dropped: number
  /** Readings received again, identical to a recent one, and not written twice (recent-readings.ts). */
  readonly duplicates: number
  push(reading: Reading, done?: Completion): void
  /** Writes or spools everything waiting in memory. Never rejects. */
  flush(): Promise<void>
  /** False while a new reading could not be kept (the spool is full or failing): refuse it at the door. */
  accepting(): boolean
  status(): { timeseries: IngestTimeSeriesStatus; spool: IngestSpoolStatus }
  /** Publish-to-stored latency of the readings made durable within the last `latencyWindowMs`. */
  latency(): IngestLatency
  /** Drains what a previous run left in the spool. */
  start(): void
  /** Stops the drainer after the batch under way. Call `flush` first. */
  stop(): Promise<void>
}

export interface TimeSeriesWriterOptions {
  timeseries: TimeSeriesStore
  spool: Spool
  maxBatch: number
  logger: Logger
  now: () => number
  /** Window of the latency figures, normally the status interval. */
  latencyWindowMs?: number
}

interface Pending {
  reading: Reading
  done: Completion | undefined
  at: number
  recent: RecentReading
}

type Refusal = { kind: 'full' | 'failing'; since: number; detail: string }

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function createTimeSeriesWriter(options: TimeSeriesWriterOptions): TimeSeriesWriter {
  const { timeseries, spool, maxBatch, now } = options
  const logger = options.logger.child({ part: 'timeseries' })
  const items: Pending[] = []
  const recent = createRecentReadings()
  const latency = createLatencyWindow(options.latencyWindowMs ?? 2000)
  let duplicates = 0
  let delivering: Promise<void> | undefined
  let outage: { since: number; error: string; attempts: number } | undefined
  let refusal: Refusal | undefined
  let warnedAt: number | undefined
  let dropped = 0

  function writeFailed(error: unknown): void {
    if (outage) {
      outage.attempts += 1
      outage.error = message(error)
      return
    }
    outage = { since: now(), error: message(error), attempts: 1 }
    const { points } = spool.stats()
    logger.error({ err: error, spooled: points }, 'time-series write failed; spooling readings until it answers')
  }

  function writeSucceeded(): void {
    if (!outage) return
    const { points } = spool.stats()
    logger.warn({ outageMs: now() - outage.since, attempts: outage.attempts, spooled: points }, 'time series back')
    outage = undefined
  }

  const drainer = createDrainer({
    spool,
    write: (readings) => timeseries.write(readings),
    onWritten: () => {
      writeSucceeded()
      checkFill()
    },
    onFailed: writeFailed,
    now,
  })

  /** Logs the spool's fill: loudly from 80 %, again every minute, and once when it is back under. */
  function checkFill(): void {
    const { bytes, limitBytes, points } = spool.stats()
    const ratio = bytes / limitBytes
    const at = now()
    if (ratio >= SPOOL_WARN_RATIO) {
      if (warnedAt === undefined || at - warnedAt >= SPOOL_REMINDER_MS) {
        warnedAt = at
        const percent = Math.round(ratio * 100)
        logger.error(
          { bytes, limitBytes, points, percent },
          `spool at ${percent} % of its limit: at 100 % ingest stops acknowledging readings (FM_INGEST_SPOOL_MAX_MB)`,
        )
      }
    } else if (warnedAt !== undefined) {
      warnedAt = undefined
      logger.warn({ bytes, limitBytes, points }, 'spool back under its warning level')
    }
  }

  function refuse(kind: Refusal['kind'], error: unknown, batch: readonly Pending[]): void {
    if (!refusal) {
      const detail =
        kind === 'full'
          ? 'spool full: readings are not acknowledged; the broker keeps them until the spool drains'
          : `spool failing: ${message(error)}; readings are not acknowledged, the broker keeps them`
      refusal = { kind, since: now(), detail }
      logger.error({ err: error }, detail)
    }
    const lost = batch.filter((item) => !item.done).length
    if (lost > 0) {
      dropped += lost
      logger.error({ lost, dropped }, 'QoS 0 readings lost: neither the time series nor the spool took them')
    }
    for (const item of batch) {
      item.done?.(error)
      recent.refused(item.recent, error)
    }
  }

  function durable(batch: readonly Pending[]): void {
    const at = now()
    for (const item of batch) {
      latency.record(at - item.reading.ts, at)
      item.done?.()
      recent.durable(item.recent)
    }
  }

  async function deliver(batch: Pending[]): Promise<void> {
    const readings = batch.map((item) => item.reading)
    // Nothing older waits in the spool: write directly. Otherwise go behind it, to keep the order.
    if (spool.stats().batches === 0) {
      try {
        await timeseries.write(readings)
        writeSucceeded()
        durable(batch)
        return
      } catch (error) {
        writeFailed(error)
      }
    }
    try {
      spool.append(readings)
    } catch (error) {
      refuse(error instanceof SpoolFullError ? 'full' : 'failing', error, batch)
      return
    }
    durable(batch)
    checkFill()
    drainer.kick(outage !== undefined)
  }

  async function deliverAll(): Promise<void> {
    while (items.length > 0) {
      const batch = items.splice(0, maxBatch)
      try {
        await deliver(batch)
      } catch (error) {
        // a bug, not an outage: leave the batch to the broker (acknowledgements are settled once, so no PUBACK that
        // already left is taken back)
        logger.error({ err: error }, 'delivering a batch of readings failed unexpectedly')
        refuse('failing', error, batch)
      }
      if (items.length > 0) await yieldToIo()
    }
  }

  function flush(): Promise<void> {
    // One delivery at a time: batches reach the time series or the spool in arrival order.
    delivering ??= deliverAll().finally(() => {
      delivering = undefined
    })
    return delivering
  }

  function accepting(): boolean {
    if (!refusal) return true
    const { bytes, limitBytes } = spool.stats()
    const ready =
      refusal.kind === 'full' ? bytes < limitBytes * SPOOL_WARN_RATIO : now() - refusal.since >= SPOOL_FAILURE_RETRY_MS
    if (ready) {
      logger.warn({ refusedMs: now() - refusal.since, bytes, limitBytes }, 'spool takes readings again')
      refusal = undefined
    }
    return ready
  }

  function status(): { timeseries: IngestTimeSeriesStatus; spool: IngestSpoolStatus } {
    const store = timeseries.health()
    const at = now()
    const stats = spool.stats()
    const oldestWaiting = Math.min(items[0]?.at ?? at, stats.oldestAt ?? at)
    const base = {
      name: timeseries.name,
      writeLagMs: Math.max(store.writeLagMs, at - oldestWaiting),
      pendingPoints: store.pendingPoints + items.length + stats.points,
    }
    const health: IngestTimeSeriesStatus = outage
      ? {
          ...base,
          status: 'down',
          detail: `writes failing since ${new Date(outage.since).toISOString()}: ${outage.error}`,
        }
      : { ...base, status: store.status, ...(store.detail === undefined ? {} : { detail: store.detail }) }
    const spoolStatus: IngestSpoolStatus = { depth: stats.points, bytes: stats.bytes, limitBytes: stats.limitBytes }
    if (stats.oldestAt !== undefined) spoolStatus.oldestTs = stats.oldestAt
    if (refusal) spoolStatus.detail = refusal.detail
    return { timeseries: health, spool: spoolStatus }
  }

  return {
    get size() {
      return items.length
    },
    get dropped() {
      return dropped
    },
    get duplicates() {
      return duplicates
    },
    push(reading, done) {
      const admitted = recent.admit(reading)
      if ('duplicate' in admitted) {
        // acknowledged with the first copy, once that one is durable
        duplicates += 1
        if (admitted.duplicate.durable) done?.()
        else if (done) admitted.duplicate.waiters.push(done)
        return
      }
      items.push({ reading, done, at: now(), recent: admitted.first })
      if (items.length >= maxBatch && !delivering) void flush()
    },
    flush,
    accepting,
    status,
    latency: () => latency.snapshot(now()),
    start() {
      const { points, batches } = spool.stats()
      if (batches > 0) logger.warn({ points, batches }, 'draining readings spooled by an earlier run')
      checkFill()
      drainer.kick()
    },
    stop: () => drainer.stop(),
  }
}
