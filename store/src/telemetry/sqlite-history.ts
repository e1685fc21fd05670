/**
 * History queries on the embedded store: the plan (tiers.ts) says which tier answers which part of the range, and
 * each part is one grouped query over the series-clustered table and its recent, time-clustered companion.
 */
import type { FieldSpec, History, HistoryPoint } from '@fm/protocol'
import { telemetryFields } from '@fm/protocol'
import type { SqliteDatabase } from '../sqlite.ts'
import type { HistoryQuery, TimeSeriesTier } from '../types.ts'
import { DEFAULT_MAX_POINTS } from './buckets.ts'
import { planHistory, retentionHorizons, type TierRetention } from './tiers.ts'

interface PartRow {
  seriesId: number
  bucket: number
  count: number
  sum: number
  min: number
  max: number
}

interface PartParams {
  ids: string
  from: number
  to: number
  step: number
}

// `x - x % step` is exact: SQLite's % works on integers. Both halves use their primary key: (series_id, ts) for the
// first, (ts, series_id) for the recent one, which only ever holds the last minutes.
const IDS = 'series_id IN (SELECT value FROM json_each(@ids))'

const RAW_PART = `
  SELECT series_id AS seriesId, ts - ts % @step AS bucket,
         count(*) AS count, sum(value) AS sum, min(value) AS min, max(value) AS max
    FROM (SELECT series_id, ts, value FROM samples WHERE ${IDS} AND ts >= @from AND ts < @to
          UNION ALL
          SELECT series_id, ts, value FROM samples_recent WHERE ts >= @from AND ts < @to AND ${IDS})
   GROUP BY 1, 2`

function rollupPart(tier: '1m' | '1h'): string {
  const columns = 'series_id, bucket, count, sum, min, max'
  return `
  SELECT series_id AS seriesId, bucket - bucket % @step AS bucket,
         sum(count) AS count, sum(sum) AS sum, min(min) AS min, max(max) AS max
    FROM (SELECT ${columns} FROM rollup_${tier} WHERE ${IDS} AND bucket >= @from AND bucket < @to
          UNION ALL
          SELECT ${columns} FROM rollup_${tier}_recent WHERE bucket >= @from AND bucket < @to AND ${IDS})
   GROUP BY 1, 2`
}

function prepareStatements(db: SqliteDatabase) {
  return {
    deviceSeries: db.prepare<[string], { id: number; field: string }>(
      'SELECT id, field FROM series WHERE device_id = ?',
    ),
    parts: {
      raw: db.prepare<PartParams, PartRow>(RAW_PART),
      '1m': db.prepare<PartParams, PartRow>(rollupPart('1m')),
      '1h': db.prepare<PartParams, PartRow>(rollupPart('1h')),
    } satisfies Record<TimeSeriesTier, unknown>,
  }
}

type Statements = ReturnType<typeof prepareStatements>

function fieldsOf(statements: Statements, query: HistoryQuery): { spec: FieldSpec; seriesId: number | undefined }[] {
  const known = telemetryFields(query.kind)
  const stored = new Map(statements.deviceSeries.all(query.deviceId).map((row) => [row.field, row.id]))
  if (query.fields === undefined) {
    return known.filter((spec) => stored.has(spec.key)).map((spec) => ({ spec, seriesId: stored.get(spec.key) }))
  }
  return query.fields.map((key) => {
    const spec = known.find((candidate) => candidate.key === key)
    if (!spec) throw new RangeError(`"${key}" is not a telemetry field of ${query.kind}`)
    return { spec, seriesId: stored.get(key) }
  })
}

/** Buckets of one series, merged from the parts of the plan (an edge part may add to a bucket of the middle part). */
type SeriesBuckets = Map<number, PartRow>

function mergeRow(buckets: SeriesBuckets, row: PartRow): void {
  const current = buckets.get(row.bucket)
  if (current === undefined) {
    buckets.set(row.bucket, row)
    return
  }
  current.count += row.count
  current.sum += row.sum
  current.min = Math.min(current.min, row.min)
  current.max = Math.max(current.max, row.max)
}

function toPoints(buckets: SeriesBuckets | undefined): HistoryPoint[] {
  if (buckets === undefined) return []
  return [...buckets.values()]
    .sort((a, b) => a.bucket - b.bucket)
    .map((row) => ({ ts: row.bucket, mean: row.sum / row.count, min: row.min, max: row.max, count: row.count }))
}

export interface HistoryReaderOptions {
  retention: TierRetention
  now: () => number
}

export function createHistoryReader(
  db: SqliteDatabase,
  options: HistoryReaderOptions,
): (query: HistoryQuery) => History {
  const statements = prepareStatements(db)
  // one read transaction: every part sees the same snapshot, even while another process compacts or writes
  return db.transaction((query: HistoryQuery): History => {
    const { deviceId, from, to } = query
    const fields = fieldsOf(statements, query)
    const horizons = retentionHorizons(options.retention, options.now())
    const plan = planHistory(from, to, query.maxPoints ?? DEFAULT_MAX_POINTS, horizons)
    const ids = fields.flatMap((field) => (field.seriesId === undefined ? [] : [field.seriesId]))
    const bySeries = new Map<number, SeriesBuckets>()
    if (ids.length > 0) {
      const params = { ids: JSON.stringify(ids), step: plan.stepMs }
      for (const read of plan.reads) {
        for (const row of statements.parts[read.tier].all({ ...params, from: read.from, to: read.to })) {
          let buckets = bySeries.get(row.seriesId)
          if (buckets === undefined) {
            buckets = new Map()
            bySeries.set(row.seriesId, buckets)
          }
          mergeRow(buckets, row)
        }
      }
    }
    const series = fields.map(({ spec, seriesId }) => ({
      field: spec.key,
      ...(spec.unit === undefined ? {} : { unit: spec.unit }),
      points: seriesId === undefined ? [] : toPoints(bySeries.get(seriesId)),
    }))
    return { deviceId, from, to, stepMs: plan.stepMs, tier: plan.tier, series }
  })
}
