/**
 * Background work of the embedded time-series store, on a timer: compaction (settled rows move from the
 * time-clustered `*_recent` tables into the series-clustered ones, see sqlite-schema.ts) and retention (old rows
 * are deleted per tier). Both run as many short transactions with a turn of the event loop between them, so that
 * ingest, which shares the process and the write lock, never waits long: one compaction step moves at most
 * COMPACT_STEP_ROWS rows, one pruning step deletes at most PRUNE_STEP_ROWS.
 *
 * Every step is idempotent under SQLite's write lock, so two processes maintaining the same file (ingest and api)
 * only share the work.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { SqliteDatabase } from '../sqlite.ts'
import type { TimeSeriesTier } from '../types.ts'
import { ROLLUP_MERGE } from './sqlite-writer.ts'
import { TIER_RESOLUTION_MS, TIERS, type TierRetention } from './tiers.ts'

/**
 * How long a sample or a closed roll-up bucket stays in the recent tables. Live data arrives within it; later data
 * (a replay after an outage) is still correct, it only costs a lookup per sample to rule out a duplicate.
 */
export const SETTLE_MS = 10_000
/**
 * Rows per compaction step. A step costs about one page write per series it touches, whatever its size, so bigger
 * steps are cheaper per row but pause longer: 10 000 rows took 12–15 ms at 200 series and 40–70 ms at 2 000.
 */
export const COMPACT_STEP_ROWS = 10_000
/**
 * A tier is compacted once it has a full step of settled rows, or its oldest row is this old. Waiting lets each
 * series gather several rows per page write: a quiet site of 2 000 series would otherwise rewrite 2 000 pages on
 * every pass for a few hundred rows.
 */
export const MAX_RECENT_MS = 5 * 60_000
export const PRUNE_STEP_ROWS = 5_000
/** Series visited per pruning step, so that a step with little to delete is still short. */
const PRUNE_STEP_SERIES = 500
/** Pruning walks every series, so it runs less often than compaction. */
const PRUNE_INTERVAL_MS = 60_000

interface TierTables {
  recent: string
  compacted: string
  key: 'ts' | 'bucket'
  /** Moves the rows before @end, sorted by series so that each series' pages are appended to once. */
  move: string
}

const TABLES: Record<TimeSeriesTier, TierTables> = {
  raw: {
    recent: 'samples_recent',
    compacted: 'samples',
    key: 'ts',
    move: `INSERT OR IGNORE INTO samples (series_id, ts, value)
             SELECT series_id, ts, value FROM samples_recent WHERE ts < @end ORDER BY series_id, ts`,
  },
  '1m': rollupTables('1m'),
  '1h': rollupTables('1h'),
}

function rollupTables(tier: '1m' | '1h'): TierTables {
  const columns = 'series_id, bucket, count, sum, min, max, last, last_ts'
  return {
    recent: `rollup_${tier}_recent`,
    compacted: `rollup_${tier}`,
    key: 'bucket',
    // a bucket moved earlier gets late samples as a second partial row: merged, as the writer merges
    move: `INSERT INTO rollup_${tier} (${columns})
             SELECT ${columns} FROM rollup_${tier}_recent WHERE bucket < @end ORDER BY series_id, bucket
             ON CONFLICT (series_id, bucket) DO UPDATE SET ${ROLLUP_MERGE}`,
  }
}

function prepareTier(db: SqliteDatabase, tables: TierTables) {
  const { recent, compacted, key } = tables
  return {
    boundary: db
      .prepare<{ cutoff: number; limit: number }, number>(
        `SELECT ${key} FROM ${recent} WHERE ${key} < @cutoff ORDER BY ${key} LIMIT 1 OFFSET @limit`,
      )
      .pluck(),
    oldest: db.prepare<[], number>(`SELECT ${key} FROM ${recent} ORDER BY ${key} LIMIT 1`).pluck(),
    move: db.prepare<{ end: number }>(tables.move),
    remove: db.prepare<{ end: number }>(`DELETE FROM ${recent} WHERE ${key} < @end`),
    prune: db.prepare<{ seriesId: number; before: number; limit: number }>(
      `DELETE FROM ${compacted} WHERE series_id = @seriesId AND ${key} IN
         (SELECT ${key} FROM ${compacted} WHERE series_id = @seriesId AND ${key} < @before
           ORDER BY ${key} LIMIT @limit)`,
    ),
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    tiers: {
      raw: prepareTier(db, TABLES.raw),
      '1m': prepareTier(db, TABLES['1m']),
      '1h': prepareTier(db, TABLES['1h']),
    },
    raiseWatermark: db.prepare<{ end: number }>(
      'UPDATE compaction SET samples_before = max(samples_before, @end) WHERE id = 1',
    ),
    seriesAfter: db.prepare<[number, number], number>('SELECT id FROM series WHERE id > ? ORDER BY id LIMIT ?').pluck(),
  }
}

type Statements = ReturnType<typeof prepareStatements>

/** Whether the recent table of a tier holds a full step of rows older than `cutoff`, or rows older than `stale`. */
function compactionDue(statements: Statements, tier: TimeSeriesTier, cutoff: number, stale: number): boolean {
  const tables = statements.tiers[tier]
  if (tables.boundary.get({ cutoff, limit: COMPACT_STEP_ROWS }) !== undefined) return true
  const oldest = tables.oldest.get()
  return oldest !== undefined && oldest < Math.min(cutoff, stale)
}

/** Moves up to about COMPACT_STEP_ROWS rows older than `cutoff`. Returns true when more may be waiting. */
function compactStep(statements: Statements, tier: TimeSeriesTier, cutoff: number): boolean {
  const tables = statements.tiers[tier]
  const boundary = tables.boundary.get({ cutoff, limit: COMPACT_STEP_ROWS })
  let end = boundary ?? cutoff
  // more rows than a step at one instant (thousands of series in one ms): move that instant whole, to progress
  if (boundary !== undefined && boundary === tables.oldest.get()) end = boundary + 1
  tables.move.run({ end })
  tables.remove.run({ end })
  if (tier === 'raw') statements.raiseWatermark.run({ end })
  return boundary !== undefined
}

/** Deletes up to PRUNE_STEP_ROWS rows older than `before`, series after `after` first. Returns where to go on. */
function pruneStep(statements: Statements, tier: TimeSeriesTier, before: number, after: number): number | undefined {
  let budget = PRUNE_STEP_ROWS
  let cursor = after
  const ids = statements.seriesAfter.all(after, PRUNE_STEP_SERIES)
  for (const seriesId of ids) {
    budget -= statements.tiers[tier].prune.run({ seriesId, before, limit: budget }).changes
    // this series may hold more: the next step starts with it again
    if (budget <= 0) return seriesId - 1
    cursor = seriesId
  }
  return ids.length < PRUNE_STEP_SERIES ? undefined : cursor
}

export interface MaintenanceOptions {
  retention: TierRetention
  now: () => number
  /** Pause between passes; 0 runs no timer (passes only on `run()`). */
  intervalMs: number
}

export interface Maintenance {
  /** Runs a full pass now (compaction of everything settled, then retention), after the one in progress. */
  run(): Promise<void>
  /** The error of the last pass, until a pass succeeds. */
  lastError(): unknown
  /** Stops the timer and waits for the step in progress. */
  stop(): Promise<void>
}

export function startMaintenance(db: SqliteDatabase, options: MaintenanceOptions): Maintenance {
  const statements = prepareStatements(db)
  const compact = db.transaction(compactStep)
  const prune = db.transaction(pruneStep)
  let stopped = false
  let failure: unknown
  let lastPrunedAt = Number.NEGATIVE_INFINITY
  let timer: NodeJS.Timeout | undefined
  /** Passes run one after the other; this promise never rejects. */
  let queue: Promise<void> = Promise.resolve()

  /** `full`: compact whatever has settled and apply retention now, due or not. */
  async function pass(full: boolean): Promise<void> {
    const now = options.now()
    for (const tier of TIERS) {
      // closed buckets only: an open one would be moved again and again, each time with a merge
      const cutoff = now - SETTLE_MS - TIER_RESOLUTION_MS[tier] + 1
      if (!full && !compactionDue(statements, tier, cutoff, now - MAX_RECENT_MS)) continue
      while (!stopped && compact.immediate(statements, tier, cutoff)) await nextTurn()
    }
    if (!full && now - lastPrunedAt < PRUNE_INTERVAL_MS) return
    for (const tier of TIERS) {
      const before = now - options.retention[tier]
      if (!Number.isFinite(before)) continue
      let after: number | undefined = 0
      while (!stopped && after !== undefined) {
        after = prune.immediate(statements, tier, before, after)
        await nextTurn()
      }
    }
    lastPrunedAt = now
  }

  function enqueue(full: boolean): Promise<void> {
    const run = queue.then(() => pass(full))
    queue = run.then(
      () => {
        failure = undefined
      },
      (error: unknown) => {
        // reported through health(); the next pass tries again
        failure = error
      },
    )
    return run
  }

  function arm(): void {
    if (stopped || options.intervalMs <= 0) return
    timer = setTimeout(() => {
      void enqueue(false).then(arm, arm)
    }, options.intervalMs)
    // maintenance alone never keeps a process alive
    timer.unref()
  }
  arm()

  return {
    run: () => enqueue(true),
    lastError: () => failure,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await queue
    },
  }
}
