/**
 * Writes readings into the embedded time-series store: raw samples and both roll-ups in one transaction, so that a
 * roll-up never disagrees with the samples it summarises, whatever crashes when.
 *
 * A sample whose (series, ts) is already stored is ignored everywhere, in the raw table and in the roll-ups: a QoS 1
 * redelivery or ingest replaying its spool after a crash is then harmless (exactly once), and the roll-ups stay
 * exact without ever subtracting a replaced value. The first value written for an instant wins.
 */
import { type FieldValue, numericValue, type Reading, telemetryFields } from '@fm/protocol'
import type { SqliteDatabase } from '../sqlite.ts'
import { TIER_RESOLUTION_MS } from './tiers.ts'

/** A partial roll-up bucket; merged into the stored one by the upsert. */
interface Rollup {
  seriesId: number
  bucket: number
  count: number
  sum: number
  min: number
  max: number
  last: number
  lastTs: number
}

/** Merges one stored-or-pending roll-up row with a new partial one; `last` goes to the later of the two. */
function rollupUpsert(table: string, conflict: string): string {
  return `INSERT INTO ${table} (series_id, bucket, count, sum, min, max, last, last_ts)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (${conflict}) DO UPDATE SET ${ROLLUP_MERGE}`
}

/**
 * Right-hand sides see the row as it was before the update, so `last` compares against the old `last_ts`. Two partial
 * rows never share a `last_ts`: a (series, ts) is stored once.
 */
export const ROLLUP_MERGE = `count = count + excluded.count, sum = sum + excluded.sum,
    min = min(min, excluded.min), max = max(max, excluded.max),
    last = CASE WHEN excluded.last_ts > last_ts THEN excluded.last ELSE last END,
    last_ts = max(last_ts, excluded.last_ts)`

/** Positional, in the column order of the upsert: faster to bind than named parameters. */
type RollupRow = [number, number, number, number, number, number, number, number]

function prepareStatements(db: SqliteDatabase) {
  return {
    upsertSeries: db.prepare<[string, string, string], { id: number }>(
      `INSERT INTO series (device_id, kind, field) VALUES (?, ?, ?)
       ON CONFLICT (device_id, field) DO UPDATE SET kind = excluded.kind RETURNING id`,
    ),
    watermark: db.prepare<[], number>('SELECT samples_before FROM compaction WHERE id = 1').pluck(),
    compacted: db.prepare<[number, number], number>('SELECT 1 FROM samples WHERE series_id = ? AND ts = ?').pluck(),
    insertSample: db.prepare<[number, number, number]>(
      'INSERT OR IGNORE INTO samples_recent (series_id, ts, value) VALUES (?, ?, ?)',
    ),
    upsert1m: db.prepare<RollupRow>(rollupUpsert('rollup_1m_recent', 'bucket, series_id')),
    upsert1h: db.prepare<RollupRow>(rollupUpsert('rollup_1h_recent', 'bucket, series_id')),
  }
}

type Statements = ReturnType<typeof prepareStatements>

function seriesKey(deviceId: string, field: string): string {
  return `${deviceId}\u0000${field}`
}

/**
 * Partial buckets of one batch, per series and bucket start. Numeric keys and one object per bucket, not per sample:
 * this loop runs for every sample ingest writes.
 */
class PartialBuckets {
  readonly #bySeries = new Map<number, Map<number, Rollup>>()
  readonly #resolutionMs: number
  constructor(resolutionMs: number) {
    this.#resolutionMs = resolutionMs
  }

  add(
    seriesId: number,
    ts: number,
    count: number,
    sum: number,
    min: number,
    max: number,
    last: number,
    lastTs: number,
  ) {
    // timestamps are never negative (protocol: `minimum: 0`), so `%` floors like the SQL in sqlite-history.ts
    const bucket = ts - (ts % this.#resolutionMs)
    let buckets = this.#bySeries.get(seriesId)
    if (buckets === undefined) {
      buckets = new Map()
      this.#bySeries.set(seriesId, buckets)
    }
    const current = buckets.get(bucket)
    if (current === undefined) {
      buckets.set(bucket, { seriesId, bucket, count, sum, min, max, last, lastTs })
      return
    }
    current.count += count
    current.sum += sum
    if (min < current.min) current.min = min
    if (max > current.max) current.max = max
    if (lastTs > current.lastTs) {
      current.last = last
      current.lastTs = lastTs
    }
  }

  *values(): Generator<Rollup> {
    for (const buckets of this.#bySeries.values()) yield* buckets.values()
  }
}

/**
 * Returns a function that writes one batch in one IMMEDIATE transaction: the watermark is read under the write lock,
 * so a compaction in another process cannot move samples between the duplicate check and the insert.
 */
export function createWriter(db: SqliteDatabase): (readings: readonly Reading[]) => void {
  const statements = prepareStatements(db)
  /** Series ids by device and field. Filled only after a commit, so a rolled-back id never lingers. */
  const seriesIds = new Map<string, number>()

  const writeBatch = db.transaction((readings: readonly Reading[]) => {
    const created = new Map<string, number>()
    const watermark = statements.watermark.get() ?? 0
    // roll-ups are summed per bucket in memory first: one upsert per (series, bucket) and batch, not per sample
    const minutes = new PartialBuckets(TIER_RESOLUTION_MS['1m'])
    for (const reading of readings) {
      const values = reading.values as Record<string, FieldValue | undefined>
      for (const field of telemetryFields(reading.kind)) {
        const raw = values[field.key]
        const value = raw === undefined ? undefined : numericValue(field, raw)
        if (value === undefined || !Number.isFinite(value)) continue
        const key = seriesKey(reading.deviceId, field.key)
        let seriesId = seriesIds.get(key) ?? created.get(key)
        if (seriesId === undefined) {
          seriesId = createSeries(statements, reading, field.key)
          created.set(key, seriesId)
        }
        const { ts } = reading
        if (ts < watermark && statements.compacted.get(seriesId, ts) !== undefined) continue
        if (statements.insertSample.run(seriesId, ts, value).changes === 0) continue
        minutes.add(seriesId, ts, 1, value, value, value, value, ts)
      }
    }
    const hours = new PartialBuckets(TIER_RESOLUTION_MS['1h'])
    for (const m of minutes.values()) {
      statements.upsert1m.run(m.seriesId, m.bucket, m.count, m.sum, m.min, m.max, m.last, m.lastTs)
      hours.add(m.seriesId, m.bucket, m.count, m.sum, m.min, m.max, m.last, m.lastTs)
    }
    for (const h of hours.values()) {
      statements.upsert1h.run(h.seriesId, h.bucket, h.count, h.sum, h.min, h.max, h.last, h.lastTs)
    }
    return created
  })

  return (readings) => {
    for (const [key, id] of writeBatch.immediate(readings)) seriesIds.set(key, id)
  }
}

function createSeries(statements: Statements, reading: Reading, field: string): number {
  const id = statements.upsertSeries.get(reading.deviceId, reading.kind, field)?.id
  if (id === undefined) throw new Error(`no series id for ${reading.deviceId}/${field}`)
  return id
}
