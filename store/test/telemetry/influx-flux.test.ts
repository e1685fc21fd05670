import { describe, expect, test } from 'vitest'
import {
  fluxDurationOf,
  historyFlux,
  latestFlux,
  planHistory,
  rollupTaskFlux,
} from '../../src/telemetry/influx-flux.ts'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 10, 27, 12, 0, 20)

/** The lines of a script with the given prefix, trimmed: to assert on parts without snapshotting the whole text. */
function linesWith(flux: string, prefix: string): string[] {
  return flux
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(prefix))
}

describe('planHistory: the bucket width and which bucket answers which part of the range', () => {
  test.each([
    // [name, from, to, maxPoints, tier, step]
    ['the last hour, 1000 points', NOW - HOUR, NOW, 1000, 'raw', 5 * SECOND],
    ['the last 7 days, 500 points: raw samples, still held', NOW - 7 * DAY, NOW, 500, 'raw', 30 * MINUTE],
    ['the last 29 days, 100 points', NOW - 29 * DAY, NOW, 100, 'raw', 12 * HOUR],
    ['the last 90 days, 500 points: hourly rows tile 6 h', NOW - 90 * DAY, NOW, 500, '1h', 6 * HOUR],
    ['2 hours 40 days ago, 1000 points: minute rows', NOW - 40 * DAY, NOW - 40 * DAY + 2 * HOUR, 1000, '1m', MINUTE],
    ['2 hours 40 days ago, 5 points: 30 min buckets', NOW - 40 * DAY, NOW - 40 * DAY + 2 * HOUR, 5, '1m', 30 * MINUTE],
    ['2 hours 400 days ago: minutes expired', NOW - 400 * DAY, NOW - 400 * DAY + 2 * HOUR, 1000, '1h', HOUR],
  ] as const)('%s', (_name, from, to, maxPoints, tier, stepMs) => {
    expect(planHistory(from, to, maxPoints, NOW)).toMatchObject({ tier, stepMs })
  })

  test('a roll-up answers up to the first whole row the raw bucket still holds; raw samples answer the rest', () => {
    const rawHorizon = NOW - 30 * DAY // 2026-10-28T12:00:20Z
    expect(planHistory(NOW - 90 * DAY, NOW, 500, NOW).splitMs).toBe(Date.UTC(2026, 9, 28, 13))
    expect(planHistory(NOW - 35 * DAY, NOW - 20 * DAY, 2000, NOW)).toEqual({
      tier: '1m',
      stepMs: 15 * MINUTE,
      splitMs: Math.ceil(rawHorizon / MINUTE) * MINUTE,
    })
    // a range that ended before the raw horizon is all roll-up
    expect(planHistory(NOW - 50 * DAY, NOW - 40 * DAY, 500, NOW).splitMs).toBe(NOW - 40 * DAY)
    // raw: no roll-up part
    expect(planHistory(NOW - HOUR, NOW, 10, NOW).splitMs).toBe(NOW - HOUR)
  })

  test('refuses a range or limit a caller got wrong, as the embedded store does', () => {
    expect(() => planHistory(NOW, NOW, 10, NOW)).toThrow(RangeError)
    expect(() => planHistory(NOW - HOUR, NOW, 0, NOW)).toThrow(RangeError)
  })
})

describe('historyFlux', () => {
  const base = { bucket: 'fm', kind: 'pump', deviceId: 'pump-1', fields: ['current_a', 'running'] } as const

  test('raw tier: aggregateWindow min, max, sum and count per bucket, window starts as bucket times', () => {
    const from = NOW - HOUR
    const flux = historyFlux({ ...base, from, to: NOW, plan: planHistory(from, NOW, 1000, NOW), listFields: false })

    expect(flux).toContain('from(bucket: "fm")')
    expect(flux).toContain('|> range(start: 2026-11-27T11:00:20.000Z, stop: 2026-11-27T12:00:20.000Z)')
    expect(flux).toContain('|> filter(fn: (r) => r._measurement == "pump" and r.device == "pump-1")')
    expect(flux).toContain('|> filter(fn: (r) => r._field == "current_a" or r._field == "running")')
    expect(linesWith(flux, '|> aggregateWindow(')).toEqual(
      ['min', 'max', 'sum', 'count'].map(
        (fn) => `|> aggregateWindow(every: 5s, fn: ${fn}, createEmpty: false, timeSrc: "_start")`,
      ),
    )
    expect(linesWith(flux, '|> yield(')).toEqual(
      ['raw_min', 'raw_max', 'raw_sum', 'raw_count'].map((name) => `|> yield(name: "${name}")`),
    )
    expect(flux).not.toContain('fm_1m')
    expect(flux).not.toContain('schema.fieldKeys')
  })

  test('roll-up tier: min of mins, max of maxes, sum of counts, mean weighted by count; raw samples after the split', () => {
    const from = NOW - 35 * DAY
    const plan = planHistory(from, NOW, 2000, NOW)
    const flux = historyFlux({ ...base, from, to: NOW, plan, listFields: true })

    expect(flux).toContain('import "strings"')
    expect(flux).toContain(
      'rollup = from(bucket: "fm_1m")\n    |> range(start: 2026-10-23T12:00:20.000Z, stop: 2026-10-28T12:01:00.000Z)',
    )
    expect(flux).toContain('strings.trimSuffix(v: r._field, suffix: suffix)')
    expect(flux).toContain('rollupStat(suffix: "_min", fields: ["current_a_min","running_min"])')
    expect(flux).toContain('rollupStat(suffix: "_max", fields: ["current_a_max","running_max"])')
    expect(flux).toContain('rollupStat(suffix: "_count", fields: ["current_a_count","running_count"])')
    expect(flux).toContain('|> pivot(rowKey: ["_time"], columnKey: ["stat"], valueColumn: "_value")')
    expect(flux).toContain('_value: r.mean * r.count')
    expect(linesWith(flux, '|> aggregateWindow(')).toEqual(
      ['min', 'max', 'sum', 'sum', 'min', 'max', 'sum', 'count'].map(
        (fn) => `|> aggregateWindow(every: 30m, fn: ${fn}, createEmpty: false, timeSrc: "_start")`,
      ),
    )
    expect(flux).toContain(
      'raw = from(bucket: "fm")\n    |> range(start: 2026-10-28T12:01:00.000Z, stop: 2026-11-27T12:00:20.000Z)',
    )
    expect(flux).toContain(
      'schema.fieldKeys(bucket: "fm", predicate: (r) => r._measurement == "pump" and r.device == "pump-1")',
    )
    expect(linesWith(flux, '|> yield(').map((line) => line.slice(16, -2))).toEqual([
      'rollup_min',
      'rollup_max',
      'rollup_count',
      'rollup_sum',
      'raw_min',
      'raw_max',
      'raw_sum',
      'raw_count',
      'fields',
    ])
  })

  test('a range that ended before the split has no raw part', () => {
    const from = NOW - 50 * DAY
    const to = NOW - 40 * DAY
    const flux = historyFlux({ ...base, from, to, plan: planHistory(from, to, 100, NOW), listFields: false })
    expect(flux).toContain('from(bucket: "fm_1h")')
    expect(flux).not.toContain('raw =')
  })

  test('quotes and escapes what comes from outside, so a device id cannot inject Flux', () => {
    const from = NOW - HOUR
    const plan = planHistory(from, NOW, 1000, NOW)
    const flux = historyFlux({ ...base, deviceId: 'x") |> drop(columns: ["', from, to: NOW, plan, listFields: false })
    expect(flux).toContain('r.device == "x\\") |> drop(columns: [\\""')
  })
})

describe('roll-up tasks', () => {
  test('every minute, 30 s late for stragglers: the last 2 hours of raw samples into <bucket>_1m', () => {
    const flux = rollupTaskFlux('fm', 'acme', '1m')
    expect(flux.split('\n')[0]).toBe('option task = {name: "fm-rollup-1m-fm", every: 1m, offset: 30s}')
    expect(flux).toContain('data = from(bucket: "fm")\n    |> range(start: -2h)')
    expect(flux).toContain('|> aggregateWindow(every: 1m, fn: agg, createEmpty: false, timeSrc: "_start")')
    expect(flux).toContain('|> map(fn: (r) => ({r with _field: r._field + suffix, _value: float(v: r._value)}))')
    expect(linesWith(flux, 'rollup(agg:')).toEqual([
      'rollup(agg: min, suffix: "_min"),',
      'rollup(agg: max, suffix: "_max"),',
      'rollup(agg: mean, suffix: "_mean"),',
      'rollup(agg: last, suffix: "_last"),',
      'rollup(agg: count, suffix: "_count"),',
    ])
    expect(flux.trimEnd().endsWith('|> to(bucket: "fm_1m", org: "acme")')).toBe(true)
  })

  test('every hour, 5 min late: the last 2 days of raw samples into <bucket>_1h', () => {
    const flux = rollupTaskFlux('plant "7"', 'acme', '1h')
    expect(flux.split('\n')[0]).toBe('option task = {name: "fm-rollup-1h-plant \\"7\\"", every: 1h, offset: 5m}')
    expect(flux).toContain('from(bucket: "plant \\"7\\"")\n    |> range(start: -2d)')
    expect(flux).toContain('aggregateWindow(every: 1h, fn: agg')
    expect(flux).toContain('|> to(bucket: "plant \\"7\\"_1h", org: "acme")')
  })
})

test('latestFlux: last() of every field of one device within the raw retention', () => {
  expect(latestFlux('fm', 'water-tank', 'tank-1')).toBe(
    [
      'from(bucket: "fm")',
      '    |> range(start: -2592000s)',
      '    |> filter(fn: (r) => r._measurement == "water-tank" and r.device == "tank-1")',
      '    |> last()',
      '    |> keep(columns: ["_time", "_field", "_value"])',
      '',
    ].join('\n'),
  )
})

test('fluxDurationOf writes a step in the largest unit that divides it', () => {
  expect([500, 5 * SECOND, 90 * SECOND, 2 * MINUTE, DAY, 3 * DAY].map(fluxDurationOf)).toEqual([
    '500ms',
    '5s',
    '90s',
    '2m',
    '24h',
    '72h',
  ])
})
