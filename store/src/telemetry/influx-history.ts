/**
 * Turns the rows of a history query (`historyFlux`) into the `History` series the api serves: one point per bucket
 * with mean, min, max and count, buckets at whole multiples of the step since the epoch, as the embedded store does.
 * The roll-up part and the raw tail of a range may both touch one bucket; their partial statistics are merged here.
 */
import type { FieldSpec, HistoryPoint, HistorySeries } from '@fm/protocol'

/** A row of the annotated CSV as the client decodes it (`collectRows`): column name → value. */
export type FluxRow = Readonly<Record<string, unknown>>

interface BucketStats {
  min: number
  max: number
  sum: number
  count: number
}

const STATS = ['min', 'max', 'sum', 'count'] as const
type Stat = (typeof STATS)[number]

export interface HistoryRows {
  /** Field → bucket start → merged statistics. */
  readonly buckets: Map<string, Map<number, BucketStats>>
  /** Field keys the device has in the raw bucket (the `fields` result), when asked for. */
  readonly storedFields: Set<string>
}

/** `raw_min`, `rollup_min` → `min`; `fields` stays; anything else is not ours. */
function statOf(result: unknown): Stat | 'fields' | undefined {
  if (result === 'fields') return 'fields'
  if (typeof result !== 'string') return undefined
  const stat = result.slice(result.indexOf('_') + 1)
  return (STATS as readonly string[]).includes(stat) ? (stat as Stat) : undefined
}

function bucketStart(ts: number, stepMs: number): number {
  return ts - (((ts % stepMs) + stepMs) % stepMs)
}

function merge(target: BucketStats, stat: Stat, value: number): void {
  if (stat === 'min') target.min = Math.min(target.min, value)
  else if (stat === 'max') target.max = Math.max(target.max, value)
  else target[stat] += value
}

export function mergeHistoryRows(rows: readonly FluxRow[], stepMs: number): HistoryRows {
  const buckets = new Map<string, Map<number, BucketStats>>()
  const storedFields = new Set<string>()
  for (const row of rows) {
    const stat = statOf(row.result)
    if (stat === 'fields') {
      if (typeof row._value === 'string') storedFields.add(row._value)
      continue
    }
    const field = row._field
    const ts = typeof row._time === 'string' ? Date.parse(row._time) : Number.NaN
    const value = row._value
    if (!stat || typeof field !== 'string' || !Number.isFinite(ts) || typeof value !== 'number') continue
    let byTs = buckets.get(field)
    if (!byTs) {
      byTs = new Map()
      buckets.set(field, byTs)
    }
    const start = bucketStart(ts, stepMs)
    let partial = byTs.get(start)
    if (!partial) {
      partial = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, sum: 0, count: 0 }
      byTs.set(start, partial)
    }
    merge(partial, stat, value)
  }
  return { buckets, storedFields }
}

function pointsOf(byTs: Map<number, BucketStats> | undefined): HistoryPoint[] {
  if (!byTs) return []
  const points: HistoryPoint[] = []
  for (const [ts, { min, max, sum, count }] of [...byTs].sort(([a], [b]) => a - b)) {
    // a bucket needs all four statistics; a half-written roll-up row (say, min without count) is left out
    if (count > 0 && Number.isFinite(min) && Number.isFinite(max)) {
      points.push({ ts, mean: sum / count, min, max, count })
    }
  }
  return points
}

/**
 * Series in the order of `specs`. With `onlyStored`, a field appears only when the device has it stored (in the raw
 * bucket, or with data in the range), as the embedded store lists only the fields it holds for a device.
 */
export function historySeries(specs: readonly FieldSpec[], rows: HistoryRows, onlyStored: boolean): HistorySeries[] {
  return specs
    .filter((spec) => !onlyStored || rows.storedFields.has(spec.key) || rows.buckets.has(spec.key))
    .map((spec) => ({
      field: spec.key,
      ...(spec.unit === undefined ? {} : { unit: spec.unit }),
      points: pointsOf(rows.buckets.get(spec.key)),
    }))
}
