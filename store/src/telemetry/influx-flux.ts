/**
 * The Flux this store sends: history queries (`aggregateWindow`), current values (`last()`) and the two roll-up
 * tasks. Pure text generation, unit-tested by its key parts; what a real InfluxDB 2.x makes of it is only proven by
 * the contract suite run against one (docs/storage.md). Written from the Flux reference:
 * https://docs.influxdata.com/flux/v0/stdlib/universe/aggregatewindow/ and the downsampling guide
 * https://docs.influxdata.com/influxdb/v2/process-data/common-tasks/downsample-data/.
 *
 * Every value from outside (device id, bucket, org) goes through the client's `toFluxValue`, which quotes and
 * escapes strings, so a query cannot be injected.
 */
import type { DeviceKind } from '@fm/protocol'
import { toFluxValue } from '@influxdata/influxdb-client'
import type { TimeSeriesTier } from '../types.ts'
import { chooseStep } from './buckets.ts'
import { bucketOf } from './influx-layout.ts'
import { DEFAULT_RETENTION_MS, TIER_RESOLUTION_MS } from './tiers.ts'

const SECOND_MS = 1000
const MINUTE_MS = 60 * SECOND_MS
const HOUR_MS = 60 * MINUTE_MS

type RollupTier = Exclude<TimeSeriesTier, 'raw'>

/**
 * Schedule of the roll-up tasks. `offset` delays a run for late data while keeping its time range (InfluxDB task
 * options). `lookback` re-aggregates that much on every run: idempotent (a point with the same series and time
 * overwrites), and it is what lets a replay after an outage of up to 2 hours (1m) or 2 days (1h) reach the roll-ups.
 * InfluxDB pushes `from |> range |> aggregateWindow` down to its storage engine, so a run reads little.
 */
export const ROLLUP_SCHEDULE: Readonly<Record<RollupTier, { every: string; offset: string; lookback: string }>> = {
  '1m': { every: '1m', offset: '30s', lookback: '2h' },
  '1h': { every: '1h', offset: '5m', lookback: '2d' },
}

/** A Flux duration literal for a whole number of milliseconds, in the largest unit that divides it. */
export function fluxDurationOf(ms: number): string {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`
  if (ms % SECOND_MS === 0) return `${ms / SECOND_MS}s`
  return `${ms}ms`
}

function fluxTime(ms: number): string {
  return new Date(ms).toISOString()
}

export interface HistoryPlan {
  tier: TimeSeriesTier
  stepMs: number
  /** [from, splitMs) is read from the tier's roll-up bucket, [splitMs, to) from raw samples; `from` for raw. */
  splitMs: number
}

/**
 * Which bucket answers which part of a history query. The embedded store writes its roll-ups in the same transaction
 * as the samples; InfluxDB's come from tasks, which lag (a minute, an hour) and miss readings replayed later than
 * their look-back. So the raw bucket answers everything it still holds, exactly (aggregateWindow on raw samples is
 * pushed down to the storage engine), and a roll-up answers only the part of the range raw samples no longer cover:
 * whole rows, up to the first row the raw bucket holds entirely. The bucket width is the embedded store's
 * (`chooseStep`); the roll-up tier, as its planner chooses (tiers.ts), is the 1-hour one when its rows tile the step
 * or when the 1-minute one no longer holds `from`, and the width grows to at least the tier's resolution.
 */
export function planHistory(from: number, to: number, maxPoints: number, now: number): HistoryPlan {
  let stepMs = chooseStep(from, to, maxPoints)
  const rawHorizon = now - DEFAULT_RETENTION_MS.raw
  if (from >= rawHorizon) return { tier: 'raw', stepMs, splitMs: from }
  const tier = stepMs % HOUR_MS === 0 || from < now - DEFAULT_RETENTION_MS['1m'] ? '1h' : '1m'
  const resolution = TIER_RESOLUTION_MS[tier]
  stepMs = Math.max(stepMs, resolution)
  const splitMs = Math.min(Math.ceil(rawHorizon / resolution) * resolution, to)
  return { tier, stepMs, splitMs }
}

export interface HistoryFluxInput {
  bucket: string
  kind: DeviceKind
  deviceId: string
  fields: readonly string[]
  from: number
  to: number
  plan: HistoryPlan
  /** Also yield the field keys this device has in the raw bucket (`fields`), for a query without a field list. */
  listFields: boolean
}

function deviceFilter(kind: DeviceKind, deviceId: string): string {
  return `filter(fn: (r) => r._measurement == ${toFluxValue(kind)} and r.device == ${toFluxValue(deviceId)})`
}

/** `r._field == "a" or r._field == "b"`: unlike contains(), a filter InfluxDB pushes down to its storage engine. */
function fieldFilter(fields: readonly string[]): string {
  return `filter(fn: (r) => ${fields.map((field) => `r._field == ${toFluxValue(field)}`).join(' or ')})`
}

function windowed(every: string, fn: string, result: string): string {
  return [
    `aggregateWindow(every: ${every}, fn: ${fn}, createEmpty: false, timeSrc: "_start")`,
    `keep(columns: ["_time", "_field", "_value"])`,
    `yield(name: "${result}")`,
  ].join('\n    |> ')
}

function rawPart(input: HistoryFluxInput, every: string): string[] {
  const { bucket, kind, deviceId, fields, plan, to } = input
  return [
    `raw = from(bucket: ${toFluxValue(bucket)})`,
    `    |> range(start: ${fluxTime(plan.splitMs)}, stop: ${fluxTime(to)})`,
    `    |> ${deviceFilter(kind, deviceId)}`,
    `    |> ${fieldFilter(fields)}`,
    '',
    ...(['min', 'max', 'sum', 'count'] as const).map((fn) => `raw\n    |> ${windowed(every, fn, `raw_${fn}`)}`),
  ]
}

/**
 * A roll-up row holds min, max, mean and count of one window; a wider bucket takes the min of the mins, the max of
 * the maxes, the sum of the counts, and the mean weighted by count (sum of mean × count, divided in TypeScript).
 */
function rollupPart(input: HistoryFluxInput, tier: RollupTier, every: string): string[] {
  const { bucket, kind, deviceId, fields, from, plan } = input
  const names = (suffix: string) => toFluxValue(fields.map((field) => `${field}${suffix}`))
  const stat = (suffix: string) => `rollupStat(suffix: "${suffix}", fields: ${names(suffix)})`
  return [
    `rollup = from(bucket: ${toFluxValue(bucketOf(bucket, tier))})`,
    `    |> range(start: ${fluxTime(from)}, stop: ${fluxTime(plan.splitMs)})`,
    `    |> ${deviceFilter(kind, deviceId)}`,
    '',
    'rollupStat = (suffix, fields) =>',
    '    rollup',
    '        |> filter(fn: (r) => contains(value: r._field, set: fields))',
    '        |> map(fn: (r) => ({r with _field: strings.trimSuffix(v: r._field, suffix: suffix), _value: float(v: r._value)}))',
    '',
    `${stat('_min')}\n    |> ${windowed(every, 'min', 'rollup_min')}`,
    `${stat('_max')}\n    |> ${windowed(every, 'max', 'rollup_max')}`,
    `${stat('_count')}\n    |> ${windowed(every, 'sum', 'rollup_count')}`,
    `union(tables: [${stat('_mean')} |> set(key: "stat", value: "mean"), ${stat('_count')} |> set(key: "stat", value: "count")])`,
    '    |> group(columns: ["_field"])',
    '    |> pivot(rowKey: ["_time"], columnKey: ["stat"], valueColumn: "_value")',
    '    |> map(fn: (r) => ({_time: r._time, _field: r._field, _value: r.mean * r.count}))',
    '    |> sort(columns: ["_time"])',
    `    |> ${windowed(every, 'sum', 'rollup_sum')}`,
  ]
}

/**
 * One script, several results (`yield`): per window min, max, sum and count of each field, from the roll-up part
 * and the raw part of the range; the caller merges them by bucket and divides sum by count for the mean.
 */
export function historyFlux(input: HistoryFluxInput): string {
  const { plan, to, from, bucket, kind, deviceId } = input
  const every = fluxDurationOf(plan.stepMs)
  const parts: string[] = ['import "strings"', 'import "influxdata/influxdb/schema"', '']
  if (plan.tier !== 'raw' && from < plan.splitMs) parts.push(...rollupPart(input, plan.tier, every), '')
  if (plan.splitMs < to) parts.push(...rawPart(input, every), '')
  if (input.listFields) {
    const predicate = `(r) => r._measurement == ${toFluxValue(kind)} and r.device == ${toFluxValue(deviceId)}`
    parts.push(
      `schema.fieldKeys(bucket: ${toFluxValue(bucket)}, predicate: ${predicate})\n    |> yield(name: "fields")`,
    )
  }
  return `${parts.join('\n').trimEnd()}\n`
}

/** The newest value of every field of one device, from the raw bucket (within its retention). */
export function latestFlux(bucket: string, kind: DeviceKind, deviceId: string): string {
  return [
    `from(bucket: ${toFluxValue(bucket)})`,
    `    |> range(start: -${DEFAULT_RETENTION_MS.raw / SECOND_MS}s)`,
    `    |> ${deviceFilter(kind, deviceId)}`,
    '    |> last()',
    '    |> keep(columns: ["_time", "_field", "_value"])',
    '',
  ].join('\n')
}

export function rollupTaskName(bucket: string, tier: RollupTier): string {
  return `fm-rollup-${tier}-${bucket}`
}

/**
 * The downsampling task of one tier: every window of the tier's width gets `<field>_min|_max|_mean|_last|_count`
 * (floats, `_time` = window start) in `<bucket>_<tier>`. Both tiers read the raw bucket, so that the hourly mean is
 * exact, not a mean of means.
 */
export function rollupTaskFlux(bucket: string, org: string, tier: RollupTier): string {
  const { every, offset, lookback } = ROLLUP_SCHEDULE[tier]
  const name = toFluxValue(rollupTaskName(bucket, tier))
  return [
    `option task = {name: ${name}, every: ${every}, offset: ${offset}}`,
    '',
    `data = from(bucket: ${toFluxValue(bucket)})`,
    `    |> range(start: -${lookback})`,
    '',
    'rollup = (agg, suffix) =>',
    '    data',
    `        |> aggregateWindow(every: ${every}, fn: agg, createEmpty: false, timeSrc: "_start")`,
    '        |> map(fn: (r) => ({r with _field: r._field + suffix, _value: float(v: r._value)}))',
    '',
    'union(',
    '    tables: [',
    '        rollup(agg: min, suffix: "_min"),',
    '        rollup(agg: max, suffix: "_max"),',
    '        rollup(agg: mean, suffix: "_mean"),',
    '        rollup(agg: last, suffix: "_last"),',
    '        rollup(agg: count, suffix: "_count"),',
    '    ],',
    ')',
    `    |> to(bucket: ${toFluxValue(bucketOf(bucket, tier))}, org: ${toFluxValue(org)})`,
    '',
  ].join('\n')
}
