/**
 * The write path of the InfluxDB store, and its health. Durability is the caller's (TOOLCHAIN.md §4):
 * `@influxdata/influxdb-client` keeps failed lines in an in-memory retry buffer that drops the oldest lines when full,
 * dies with the process, and is discarded by `close()` while the server is down. So the client never retries here
 * (`maxRetries: 0`, set where the WriteApi is made): a write sends its points, awaits `flush()` and resolves only on
 * the server's 204, or rejects at once, and ingest keeps the readings and writes them again. Retrying in both places
 * would also store a batch twice on servers that keep duplicates (VictoriaMetrics does).
 */
import type { Reading } from '@fm/protocol'
import { HttpError, type Point, type WriteApi } from '@influxdata/influxdb-client'
import type { TimeSeriesHealth } from '../types.ts'
import { type PlaceLookup, pointsOf } from './influx-layout.ts'
import type { InfluxLogger } from './influx-log.ts'

/**
 * InfluxDB 2.x answers 400 ("partial write: field type conflict") or 422 ("partial write: points beyond retention
 * policy dropped=N") when it stored the batch except some points it will never accept. Sending the batch again
 * cannot help, so such a write counts as done (and is logged and shown in health), not as an outage.
 */
export function isPartialWrite(error: unknown): error is HttpError {
  return (
    error instanceof HttpError &&
    (error.statusCode === 400 || error.statusCode === 422) &&
    /partial write/i.test(`${error.body ?? ''} ${error.message}`)
  )
}

interface Pending {
  points: number
  since: number
}

export interface InfluxWriterOptions {
  writeApi: WriteApi
  /** Points per request: the WriteApi must be made with a larger batchSize, so that it never flushes on its own. */
  batchSize: number
  /** The request timeout: a write that has waited half of it makes the store `degraded`. */
  timeoutMs: number
  url: string
  placeOf?: PlaceLookup | undefined
  logger?: InfluxLogger | undefined
  now: () => number
}

export interface InfluxWriter {
  write(readings: readonly Reading[]): Promise<void>
  health(): TimeSeriesHealth
  /** Refuses new writes, waits for those under way (each ends by an answer or its timeout), closes the WriteApi. */
  close(): Promise<void>
}

export function createInfluxWriter(options: InfluxWriterOptions): InfluxWriter {
  const { writeApi, batchSize, timeoutMs, placeOf, logger, now } = options
  const pending = new Set<Pending>()
  const inFlight = new Set<Promise<void>>()
  let closed = false
  let outage: { since: number; error: string; failures: number } | undefined
  let dropped: string | undefined

  function noteFailure(error: unknown, points: number): void {
    const message = error instanceof Error ? error.message : String(error)
    if (outage) {
      outage.failures++
      return
    }
    outage = { since: now(), error: message, failures: 1 }
    logger?.error({ err: error, points, url: options.url }, 'InfluxDB write failed; the caller keeps the points')
  }

  function noteSuccess(): void {
    if (!outage) return
    logger?.info({ outageMs: now() - outage.since, failedWrites: outage.failures }, 'InfluxDB writes recovered')
    outage = undefined
  }

  /** Sends one request's worth of points; resolves when the server accepted them. */
  async function send(chunk: Point[]): Promise<void> {
    // writePoints and flush run in the same tick, so concurrent write() calls never share a request.
    writeApi.writePoints(chunk)
    try {
      await writeApi.flush()
      dropped = undefined
    } catch (error) {
      if (!isPartialWrite(error)) throw error
      dropped = error.body || error.message
      logger?.warn({ err: error, points: chunk.length }, 'InfluxDB refused some points of a batch for good')
    }
  }

  async function writePoints(points: Point[]): Promise<void> {
    const entry: Pending = { points: points.length, since: now() }
    pending.add(entry)
    try {
      for (let index = 0; index < points.length; index += batchSize) {
        const chunk = points.slice(index, index + batchSize)
        await send(chunk)
        entry.points -= chunk.length
      }
      noteSuccess()
    } catch (error) {
      noteFailure(error, entry.points)
      throw error
    } finally {
      pending.delete(entry)
    }
  }

  function health(): TimeSeriesHealth {
    let pendingPoints = 0
    let oldest = Number.POSITIVE_INFINITY
    for (const entry of pending) {
      pendingPoints += entry.points
      oldest = Math.min(oldest, entry.since)
    }
    const writeLagMs = pendingPoints > 0 ? Math.max(0, now() - oldest) : 0
    const base = { writeLagMs, pendingPoints }
    if (closed) return { status: 'down', detail: 'the InfluxDB store is closed', ...base }
    if (outage) {
      const since = new Date(outage.since).toISOString()
      return { status: 'down', detail: `writes failing since ${since}: ${outage.error}`, ...base }
    }
    // a request that has waited half its timeout: the server is up but not answering
    if (writeLagMs > timeoutMs / 2)
      return { status: 'degraded', detail: `a write has waited ${writeLagMs} ms`, ...base }
    if (dropped !== undefined) return { status: 'degraded', detail: `the server refused points: ${dropped}`, ...base }
    return { status: 'ok', ...base }
  }

  return {
    async write(readings) {
      if (closed) throw new Error('the InfluxDB time series is closed')
      const points = pointsOf(readings, placeOf)
      if (points.length === 0) return
      const written = writePoints(points)
      inFlight.add(written)
      try {
        await written
      } finally {
        inFlight.delete(written)
      }
    },
    health,
    async close() {
      if (closed) return
      closed = true
      // The library's buffers are empty (every write flushed), so its close() only stops the flush timer: it cannot
      // lose anything, nor wait on a server that is down.
      await Promise.allSettled([...inFlight])
      await writeApi.close()
    },
  }
}
