/**
 * The embedded time-series store: a SQLite file (`timeseries.db`) next to the operational one, so that the
 * platform runs on one machine without a server. InfluxDB 2.x is the production alternative (same interface).
 *
 * Every field is stored as a number (`numericValue`: booleans 0/1, enums their index), so the mean of a boolean is
 * its duty cycle. Raw samples and 1-minute and 1-hour roll-ups (count, sum, min, max, last) are written in one
 * transaction (sqlite-writer.ts), kept per tier for as long as `retention` says (sqlite-maintenance.ts), and a history
 * query reads the coarsest tier that gives the chart its points (tiers.ts, sqlite-history.ts). Tables and why they
 * come in pairs: sqlite-schema.ts.
 */
import { openDatabase } from '../sqlite.ts'
import type { TimeSeriesStore, TimeSeriesTier } from '../types.ts'
import { startCheckpointer } from './sqlite-checkpointer.ts'
import { createHistoryReader } from './sqlite-history.ts'
import { startMaintenance } from './sqlite-maintenance.ts'
import { migrateTimeSeries } from './sqlite-schema.ts'
import { createWriter } from './sqlite-writer.ts'
import { resolveRetention } from './tiers.ts'

/** Compaction runs this often; pruning at most once a minute. */
const MAINTENANCE_INTERVAL_MS = 2_000

export interface SqliteTimeSeriesOptions {
  file: string
  /**
   * How long each tier keeps data, in ms (`Infinity`: for ever). Defaults: raw 30 days, 1m 365 days, 1h for ever.
   * Must not shrink from a finer to a coarser tier.
   */
  retention?: Partial<Record<TimeSeriesTier, number>>
  /** Pause between maintenance passes (compaction, retention); 0 runs them only through `maintain()`. */
  maintenanceIntervalMs?: number
  /** Clock for retention and compaction, epoch ms; tests and replays of old data may set it. */
  now?: () => number
  /**
   * A reader (the api) only queries the file another process writes: it runs no compaction, retention or WAL
   * checkpoints, which are the writer's work, and refuses to write.
   */
  readOnly?: boolean
}

export interface SqliteTimeSeriesStore extends TimeSeriesStore {
  readonly name: 'sqlite'
  /**
   * Runs compaction and retention to the end now, instead of waiting for the timer. For tests, benchmarks and a
   * tidy file before a backup; never needed for correctness.
   */
  maintain(): Promise<void>
}

export function openTimeSeries(options: SqliteTimeSeriesOptions): SqliteTimeSeriesStore {
  const retention = resolveRetention(options.retention)
  const now = options.now ?? Date.now
  const db = openDatabase(options.file)
  const { write, read } = (() => {
    try {
      migrateTimeSeries(db, options.file)
      return { write: createWriter(db), read: createHistoryReader(db, { retention, now }) }
    } catch (error) {
      db.close()
      throw error
    }
  })()
  const checkpointer = options.readOnly ? undefined : startCheckpointer(db, options.file)
  const maintenance = options.readOnly
    ? undefined
    : startMaintenance(db, { retention, now, intervalMs: options.maintenanceIntervalMs ?? MAINTENANCE_INTERVAL_MS })
  let closing: Promise<void> | undefined

  return {
    name: 'sqlite',
    async write(readings) {
      if (closing) throw new Error('the time-series store is closed')
      if (options.readOnly) throw new Error('this time-series store was opened read-only')
      if (readings.length > 0) write(readings)
    },
    async history(query) {
      if (closing) throw new Error('the time-series store is closed')
      return read(query)
    },
    // Writes are synchronous transactions: nothing is ever pending. A failing maintenance pass (the disk is full, a
    // lock held too long) or checkpoint worker does not lose data, but retention, fast queries or short pauses
    // wait for it: degraded.
    health() {
      if (closing || !db.open) {
        return { status: 'down', detail: 'the time-series file is closed', writeLagMs: 0, pendingPoints: 0 }
      }
      const failure = maintenance?.lastError()
      if (failure !== undefined) {
        const detail = `maintenance failed: ${failure instanceof Error ? failure.message : String(failure)}`
        return { status: 'degraded', detail, writeLagMs: 0, pendingPoints: 0 }
      }
      const checkpoints = checkpointer?.lastError()
      if (checkpoints !== undefined) return { status: 'degraded', detail: checkpoints, writeLagMs: 0, pendingPoints: 0 }
      return { status: 'ok', writeLagMs: 0, pendingPoints: 0 }
    },
    maintain() {
      if (closing) return Promise.reject(new Error('the time-series store is closed'))
      return maintenance?.run() ?? Promise.resolve()
    },
    close() {
      closing ??= (async () => {
        await maintenance?.stop()
        await checkpointer?.stop()
        if (db.open) db.close()
      })()
      return closing
    },
  }
}
