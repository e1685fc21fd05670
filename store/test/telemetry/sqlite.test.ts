import type { Reading } from '@fm/protocol'
import { describe, expect, onTestFinished, test } from 'vitest'
import { dataFiles, openTimeSeries } from '../../src/index.ts'
import { openTestTimeSeries, tempDataDir } from '../fixtures.ts'

const T0 = Date.UTC(2025, 5, 1, 8)
const MINUTE = 60_000

function pump(ts: number, values: Extract<Reading, { kind: 'pump' }>['values']): Reading {
  return { siteId: 'xingfuli', kind: 'pump', deviceId: 'pump-1', ts, values }
}

describe('the embedded time series', () => {
  test('stores every field as a number: booleans 0/1, enums their index', async () => {
    const series = openTestTimeSeries()
    await series.write([pump(T0, { running: true, fault: false, mode: 'manual', outlet_pressure_mpa: 0.42 })])

    const history = await series.history({ deviceId: 'pump-1', kind: 'pump', from: T0, to: T0 + MINUTE })

    const byField = Object.fromEntries(history.series.map((entry) => [entry.field, entry]))
    expect(Object.keys(byField)).toEqual(['running', 'fault', 'mode', 'outlet_pressure_mpa'])
    expect(byField.running?.points[0]).toMatchObject({ mean: 1, count: 1 })
    expect(byField.fault?.points[0]).toMatchObject({ mean: 0 })
    expect(byField.mode?.points[0]).toMatchObject({ mean: 1 }) // ['auto', 'manual']
    expect(byField.outlet_pressure_mpa).toMatchObject({ unit: 'MPa', points: [{ ts: T0, mean: 0.42 }] })
    expect(byField.running?.unit).toBeUndefined()
  })

  test('aggregates known data into buckets with the right mean, min, max and count', async () => {
    const series = openTestTimeSeries()
    // one reading every 10 s for 10 minutes; pressure = 0.30 + 0.01 × (minute), frequency = second of the minute
    const readings = Array.from({ length: 60 }, (_, index) => {
      const ts = T0 + index * 10_000
      return pump(ts, { outlet_pressure_mpa: 0.3 + 0.01 * Math.floor(index / 6), frequency_hz: (index % 6) * 10 })
    })
    await series.write(readings)

    const history = await series.history({
      deviceId: 'pump-1',
      kind: 'pump',
      fields: ['frequency_hz', 'outlet_pressure_mpa'],
      from: T0,
      to: T0 + 10 * MINUTE,
      maxPoints: 10,
    })

    expect(history.stepMs).toBe(MINUTE)
    const [frequency, pressure] = history.series
    expect(frequency?.points).toHaveLength(10)
    expect(frequency?.points[3]).toEqual({ ts: T0 + 3 * MINUTE, mean: 25, min: 0, max: 50, count: 6 })
    expect(pressure?.points[4]?.mean).toBeCloseTo(0.34, 10)
    expect(pressure?.points.map((point) => point.ts)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + i * MINUTE))
  })

  test('chooses buckets so that no series has more than maxPoints points', async () => {
    const series = openTestTimeSeries()
    await series.write(Array.from({ length: 3600 }, (_, index) => pump(T0 + index * 1000, { current_a: index })))

    const history = await series.history({
      deviceId: 'pump-1',
      kind: 'pump',
      from: T0,
      to: T0 + 3600_000,
      maxPoints: 100,
    })

    expect(history.stepMs).toBe(60_000)
    expect(history.series[0]?.points).toHaveLength(60)
    expect(history.series[0]?.points.reduce((sum, point) => sum + point.count, 0)).toBe(3600)
  })

  test('returns only samples in [from, to), and empty series for fields without data', async () => {
    const series = openTestTimeSeries()
    await series.write([
      pump(T0 - 1, { current_a: 1 }),
      pump(T0, { current_a: 2 }),
      pump(T0 + MINUTE, { current_a: 3 }),
    ])

    const history = await series.history({
      deviceId: 'pump-1',
      kind: 'pump',
      fields: ['current_a', 'frequency_hz'],
      from: T0,
      to: T0 + MINUTE,
    })

    expect(history.series).toEqual([
      { field: 'current_a', unit: 'A', points: [{ ts: T0, mean: 2, min: 2, max: 2, count: 1 }] },
      { field: 'frequency_hz', unit: 'Hz', points: [] },
    ])
  })

  test('a repeated timestamp replaces the sample', async () => {
    const series = openTestTimeSeries()
    await series.write([pump(T0, { current_a: 10 })])
    await series.write([pump(T0, { current_a: 12 })])

    const history = await series.history({ deviceId: 'pump-1', kind: 'pump', from: T0, to: T0 + 1000 })
    expect(history.series[0]?.points).toEqual([{ ts: T0, mean: 12, min: 12, max: 12, count: 1 }])
  })

  test('refuses a field that the kind does not have', async () => {
    const series = openTestTimeSeries()
    await expect(
      series.history({ deviceId: 'pump-1', kind: 'pump', fields: ['level_pct'], from: T0, to: T0 + MINUTE }),
    ).rejects.toThrow('"level_pct" is not a telemetry field of pump')
  })

  test('data survives closing and reopening the file', async () => {
    const file = dataFiles(tempDataDir()).timeseries
    const first = openTimeSeries({ file })
    await first.write([pump(T0, { current_a: 7 })])
    await first.close()

    const again = openTimeSeries({ file })
    onTestFinished(() => again.close())
    await again.write([pump(T0 + 1000, { current_a: 9 })])
    const history = await again.history({ deviceId: 'pump-1', kind: 'pump', from: T0, to: T0 + MINUTE, maxPoints: 1 })

    expect(history.series[0]?.points).toEqual([{ ts: T0, mean: 8, min: 7, max: 9, count: 2 }])
  })

  test('a second connection to the same file sees the writes', async () => {
    const dir = tempDataDir()
    const writer = openTestTimeSeries(dir)
    const reader = openTestTimeSeries(dir)
    await writer.write([pump(T0, { running: true }), pump(T0 + 1000, { running: false })])

    const history = await reader.history({ deviceId: 'pump-1', kind: 'pump', from: T0, to: T0 + MINUTE, maxPoints: 1 })

    expect(history.series).toEqual([{ field: 'running', points: [{ ts: T0, mean: 0.5, min: 0, max: 1, count: 2 }] }])
  })
})
