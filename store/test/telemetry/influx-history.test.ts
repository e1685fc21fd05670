import { telemetryFields } from '@fm/protocol'
import { describe, expect, test } from 'vitest'
import { type FluxRow, historySeries, mergeHistoryRows } from '../../src/telemetry/influx-history.ts'

const MINUTE = 60_000
const T0 = Date.UTC(2026, 10, 27, 8)
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')

function rows(result: string, field: string, values: [number, number][]): FluxRow[] {
  return values.map(([ts, value]) => ({ result, table: 0, _time: iso(ts), _field: field, _value: value }))
}

describe('history from the rows of a query', () => {
  test('one point per bucket: mean = sum / count, buckets at multiples of the step, in time order', () => {
    const merged = mergeHistoryRows(
      [
        // aggregateWindow truncates the first window to the range start: 08:02:30 belongs to the 08:00 bucket
        ...rows('raw_min', 'current_a', [
          [T0 + 5 * MINUTE, 4],
          [T0 + 2.5 * MINUTE, 1],
        ]),
        ...rows('raw_max', 'current_a', [
          [T0 + 5 * MINUTE, 6],
          [T0 + 2.5 * MINUTE, 3],
        ]),
        ...rows('raw_sum', 'current_a', [
          [T0 + 5 * MINUTE, 15],
          [T0 + 2.5 * MINUTE, 4],
        ]),
        ...rows('raw_count', 'current_a', [
          [T0 + 5 * MINUTE, 3],
          [T0 + 2.5 * MINUTE, 2],
        ]),
      ],
      5 * MINUTE,
    )
    const [series] = historySeries(
      telemetryFields('pump').filter((spec) => spec.key === 'current_a'),
      merged,
      false,
    )
    expect(series).toEqual({
      field: 'current_a',
      unit: 'A',
      points: [
        { ts: T0, mean: 2, min: 1, max: 3, count: 2 },
        { ts: T0 + 5 * MINUTE, mean: 5, min: 4, max: 6, count: 3 },
      ],
    })
  })

  test('merges the roll-up part and the raw tail of one bucket', () => {
    const merged = mergeHistoryRows(
      [
        ...rows('rollup_min', 'current_a', [[T0, 2]]),
        ...rows('rollup_max', 'current_a', [[T0, 8]]),
        ...rows('rollup_count', 'current_a', [[T0, 30]]),
        ...rows('rollup_sum', 'current_a', [[T0, 150]]), // mean 5 over 30 samples
        ...rows('raw_min', 'current_a', [[T0 + 40 * MINUTE, 1]]),
        ...rows('raw_max', 'current_a', [[T0 + 40 * MINUTE, 9]]),
        ...rows('raw_count', 'current_a', [[T0 + 40 * MINUTE, 10]]),
        ...rows('raw_sum', 'current_a', [[T0 + 40 * MINUTE, 90]]), // mean 9 over 10 samples
      ],
      60 * MINUTE,
    )
    expect(merged.buckets.get('current_a')?.get(T0)).toEqual({ min: 1, max: 9, sum: 240, count: 40 })
    const [series] = historySeries(
      telemetryFields('pump').filter((spec) => spec.key === 'current_a'),
      merged,
      false,
    )
    expect(series?.points).toEqual([{ ts: T0, mean: 6, min: 1, max: 9, count: 40 }])
  })

  test('without a field list: the fields the device has stored, in schema order, empty when the range has none', () => {
    const merged = mergeHistoryRows(
      [
        { result: 'fields', table: 0, _value: 'running' },
        { result: 'fields', table: 0, _value: 'current_a' },
        ...rows('raw_min', 'frequency_hz', [[T0, 50]]),
        ...rows('raw_max', 'frequency_hz', [[T0, 50]]),
        ...rows('raw_sum', 'frequency_hz', [[T0, 50]]),
        ...rows('raw_count', 'frequency_hz', [[T0, 1]]),
      ],
      MINUTE,
    )
    const series = historySeries(telemetryFields('pump'), merged, true)
    expect(series.map((entry) => [entry.field, entry.points.length])).toEqual([
      ['running', 0],
      ['current_a', 0],
      ['frequency_hz', 1],
    ])
    expect(series[0]).toEqual({ field: 'running', points: [] }) // booleans have no unit
  })

  test('ignores rows it does not know and buckets that lack a statistic', () => {
    const merged = mergeHistoryRows(
      [
        { result: '_result', table: 0, _time: iso(T0), _field: 'current_a', _value: 1 },
        { result: 'raw_min', table: 0, _time: 'not a time', _field: 'current_a', _value: 1 },
        ...rows('raw_min', 'current_a', [[T0, 1]]), // no max, no count
      ],
      MINUTE,
    )
    const [series] = historySeries(
      telemetryFields('pump').filter((spec) => spec.key === 'current_a'),
      merged,
      false,
    )
    expect(series?.points).toEqual([])
  })
})
