/**
 * The contract every `TimeSeriesStore` keeps, whatever it runs on (issue 3: "one contract test suite that both
 * pass"). Only the interface is used: no SQL, no Flux. Each test uses devices of its own, with data in the last
 * hours, so that a shared server bucket and retention policies do not get in the way.
 *
 *   describeTimeSeriesContract('sqlite', async () => ({ store, cleanup }))
 *
 * `cleanup` runs after each test and must cope with a store the test already closed.
 */
import type { History, HistoryPoint, Reading } from '@fm/protocol'
import { describe, expect, onTestFinished, test } from 'vitest'
import type { HistoryQuery, TimeSeriesStore } from '../../src/index.ts'
import { TIER_RESOLUTION_MS } from '../../src/telemetry/tiers.ts'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

export interface ContractSubject {
  store: TimeSeriesStore
  cleanup(): Promise<void>
}

type PumpValues = Extract<Reading, { kind: 'pump' }>['values']

const RUN = Math.random().toString(36).slice(2, 8)
let devices = 0
function newDevice(): string {
  devices += 1
  return `contract-${RUN}-${devices}`
}

function pump(deviceId: string, ts: number, values: PumpValues): Reading {
  return { siteId: 'contract', kind: 'pump', deviceId, ts, values }
}

/** The start of an hour six hours ago: recent enough for every retention, aligned on every step up to 1 h. */
function baseTime(): number {
  return Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR
}

/** Motor current every 10 s for three hours, varying enough that each bucket has its own min, mean and max. */
function currentSamples(
  deviceId: string,
  t0: number,
): { readings: Reading[]; samples: { ts: number; value: number }[] } {
  const samples = Array.from({ length: 3 * 360 }, (_, i) => ({
    ts: t0 + i * 10 * SECOND,
    value: Math.round((100 + 50 * Math.sin(i / 37) + (i % 7) * 3.25) * 1000) / 1000,
  }))
  return { samples, readings: samples.map(({ ts, value }) => pump(deviceId, ts, { current_a: value })) }
}

/** What a bucketed history of [from, to) holds, computed from the samples themselves. */
export function expectedPoints(
  samples: readonly { ts: number; value: number }[],
  from: number,
  to: number,
  stepMs: number,
): HistoryPoint[] {
  const buckets = new Map<number, { sum: number; min: number; max: number; count: number }>()
  for (const { ts, value } of samples) {
    if (ts < from || ts >= to) continue
    const bucket = Math.floor(ts / stepMs) * stepMs
    const current = buckets.get(bucket) ?? { sum: 0, min: value, max: value, count: 0 }
    current.sum += value
    current.min = Math.min(current.min, value)
    current.max = Math.max(current.max, value)
    current.count += 1
    buckets.set(bucket, current)
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, { sum, min, max, count }]) => ({ ts, mean: sum / count, min, max, count }))
}

/** Same buckets, counts, minima and maxima; means equal up to the rounding of a different summation order. */
export function expectPointsMatch(
  actual: readonly HistoryPoint[] | undefined,
  expected: readonly HistoryPoint[],
): void {
  expect(actual?.map(({ ts, count, min, max }) => ({ ts, count, min, max }))).toEqual(
    expected.map(({ ts, count, min, max }) => ({ ts, count, min, max })),
  )
  expected.forEach((point, index) => {
    expect(actual?.[index]?.mean).toBeCloseTo(point.mean, 9)
  })
}

/** A history answer is internally consistent: its step is a whole number of buckets of the tier it names. */
function expectConsistent(history: History, query: HistoryQuery): void {
  expect(history).toMatchObject({ deviceId: query.deviceId, from: query.from, to: query.to })
  expect(['raw', '1m', '1h']).toContain(history.tier)
  const tier = history.tier ?? 'raw'
  expect(history.stepMs % TIER_RESOLUTION_MS[tier]).toBe(0)
}

export function describeTimeSeriesContract(name: string, open: () => Promise<ContractSubject>): void {
  async function openStore(): Promise<TimeSeriesStore> {
    const { store, cleanup } = await open()
    onTestFinished(cleanup)
    return store
  }

  async function history(store: TimeSeriesStore, query: HistoryQuery): Promise<History> {
    const answer = await store.history(query)
    expectConsistent(answer, query)
    return answer
  }

  describe(`the time-series contract: ${name}`, () => {
    test('names itself and is healthy with nothing pending once a write resolved', async () => {
      const store = await openStore()
      await store.write([pump(newDevice(), baseTime(), { current_a: 1 })])

      expect(['sqlite', 'influxdb']).toContain(store.name)
      expect(store.health()).toMatchObject({ status: 'ok', pendingPoints: 0, writeLagMs: 0 })
    })

    test('round-trips numbers, booleans as 0/1 and enums as their index, with units', async () => {
      const store = await openStore()
      const deviceId = newDevice()
      const t0 = baseTime()
      await store.write([
        pump(deviceId, t0, { running: true, fault: false, mode: 'manual', outlet_pressure_mpa: 0.42 }),
      ])

      const answer = await history(store, { deviceId, kind: 'pump', from: t0, to: t0 + MINUTE })

      expect(answer.series.map((series) => series.field)).toEqual(['running', 'fault', 'mode', 'outlet_pressure_mpa'])
      const byField = Object.fromEntries(answer.series.map((series) => [series.field, series]))
      expect(byField.running?.points).toEqual([{ ts: t0, mean: 1, min: 1, max: 1, count: 1 }])
      expect(byField.fault?.points).toEqual([{ ts: t0, mean: 0, min: 0, max: 0, count: 1 }])
      expect(byField.mode?.points).toEqual([{ ts: t0, mean: 1, min: 1, max: 1, count: 1 }]) // ['auto', 'manual']
      expect(byField.outlet_pressure_mpa).toEqual({
        field: 'outlet_pressure_mpa',
        unit: 'MPa',
        points: [{ ts: t0, mean: 0.42, min: 0.42, max: 0.42, count: 1 }],
      })
      expect(byField.running?.unit).toBeUndefined()
    })

    test('counts only samples in [from, to) and answers fields without data with no points', async () => {
      const store = await openStore()
      const deviceId = newDevice()
      const t0 = baseTime()
      await store.write([
        pump(deviceId, t0 - 1, { current_a: 1 }),
        pump(deviceId, t0, { current_a: 2 }),
        pump(deviceId, t0 + MINUTE, { current_a: 3 }),
      ])

      const answer = await history(store, {
        deviceId,
        kind: 'pump',
        fields: ['current_a', 'frequency_hz'],
        from: t0,
        to: t0 + MINUTE,
      })

      expect(answer.series).toEqual([
        { field: 'current_a', unit: 'A', points: [{ ts: t0, mean: 2, min: 2, max: 2, count: 1 }] },
        { field: 'frequency_hz', unit: 'Hz', points: [] },
      ])
    })

    test.for([
      { name: '1 hour at 1000 points: 5 s buckets', span: HOUR, maxPoints: 1000, stepMs: 5 * SECOND },
      { name: '3 hours at 36 points: 5 min buckets', span: 3 * HOUR, maxPoints: 36, stepMs: 5 * MINUTE },
      { name: '3 hours at 3 points: 1 h buckets', span: 3 * HOUR, maxPoints: 3, stepMs: HOUR },
    ])('computes mean, min, max and count per bucket as the raw samples give them: $name', async (scenario) => {
      const store = await openStore()
      const deviceId = newDevice()
      const t0 = baseTime()
      const { readings, samples } = currentSamples(deviceId, t0)
      await store.write(readings)

      const query = { deviceId, kind: 'pump' as const, from: t0, to: t0 + scenario.span, maxPoints: scenario.maxPoints }
      const answer = await history(store, query)

      expect(answer.stepMs).toBe(scenario.stepMs)
      expect(answer.series.map((series) => series.field)).toEqual(['current_a'])
      expectPointsMatch(answer.series[0]?.points, expectedPoints(samples, query.from, query.to, scenario.stepMs))
    })

    test('a range that cuts buckets counts only the samples inside it', async () => {
      const store = await openStore()
      const deviceId = newDevice()
      const t0 = baseTime()
      const { readings, samples } = currentSamples(deviceId, t0)
      await store.write(readings)
      const from = t0 + 17 * MINUTE + 5 * SECOND
      const to = t0 + 2 * HOUR + 43 * MINUTE + 25 * SECOND

      for (const maxPoints of [4, 40]) {
        const answer = await history(store, { deviceId, kind: 'pump', from, to, maxPoints })
        expectPointsMatch(answer.series[0]?.points, expectedPoints(samples, from, to, answer.stepMs))
      }
    })

    test('never answers with more than maxPoints (+1 for alignment) points per series', async () => {
      const store = await openStore()
      const deviceId = newDevice()
      const t0 = baseTime()
      await store.write(Array.from({ length: 3600 }, (_, i) => pump(deviceId, t0 + i * SECOND, { current_a: i })))

      for (const maxPoints of [1, 7, 100, 1000]) {
        const answer = await history(store, { deviceId, kind: 'pump', from: t0 + 333, to: t0 + HOUR, maxPoints })
        const points = answer.series[0]?.points ?? []
        expect(points.length).toBeLessThanOrEqual(maxPoints + 1)
        expect(points.reduce((sum, point) => sum + point.count, 0)).toBe(3599)
      }
    })

    test('returns the requested fields only, in the order asked', async () => {
      const store = await openStore()
      const deviceId = newDevice()
      const t0 = baseTime()
      await store.write([pump(deviceId, t0, { current_a: 12, frequency_hz: 48, running: true })])

      const answer = await history(store, {
        deviceId,
        kind: 'pump',
        fields: ['frequency_hz', 'current_a'],
        from: t0,
        to: t0 + HOUR,
      })

      expect(answer.series.map((series) => [series.field, series.points[0]?.mean])).toEqual([
        ['frequency_hz', 48],
        ['current_a', 12],
      ])
    })

    test('refuses a field that the kind does not have', async () => {
      const store = await openStore()
      const t0 = baseTime()

      await expect(
        store.history({ deviceId: newDevice(), kind: 'pump', fields: ['level_pct'], from: t0, to: t0 + HOUR }),
      ).rejects.toThrow('level_pct')
    })

    test('stores a replayed sample once: writing a batch again, or twice in one batch, changes nothing', async () => {
      const store = await openStore()
      const deviceId = newDevice()
      const t0 = baseTime()
      const { readings, samples } = currentSamples(deviceId, t0)
      const query = { deviceId, kind: 'pump' as const, from: t0, to: t0 + 3 * HOUR }

      await store.write(readings.slice(0, 700))
      await store.write(readings.slice(0, 700)) // ingest replaying its spool after a crash
      await store.write([...readings.slice(600), ...readings.slice(1000)]) // an overlapping batch with repeats

      for (const maxPoints of [1000, 36, 3]) {
        const answer = await history(store, { ...query, maxPoints })
        expectPointsMatch(answer.series[0]?.points, expectedPoints(samples, query.from, query.to, answer.stepMs))
      }
    })

    test('takes readings out of order, in any batches, to the same result', async () => {
      const store = await openStore()
      const deviceId = newDevice()
      const t0 = baseTime()
      const { readings, samples } = currentSamples(deviceId, t0)
      const shuffled = readings.map((reading, i) => ({ reading, key: (i * 7919) % readings.length }))
      shuffled.sort((a, b) => a.key - b.key)

      await store.write(readings.slice(540)) // the later half first, as after a gateway's backlog
      await store.write(shuffled.filter(({ reading }) => reading.ts < t0 + 90 * MINUTE).map(({ reading }) => reading))

      for (const maxPoints of [1000, 36, 3]) {
        const query = { deviceId, kind: 'pump' as const, from: t0, to: t0 + 3 * HOUR, maxPoints }
        const answer = await history(store, query)
        expectPointsMatch(answer.series[0]?.points, expectedPoints(samples, query.from, query.to, answer.stepMs))
      }
    })

    test('keeps devices apart', async () => {
      const store = await openStore()
      const [first, second] = [newDevice(), newDevice()]
      const t0 = baseTime()
      await store.write([pump(first, t0, { current_a: 10 }), pump(second, t0, { current_a: 90, running: true })])

      const answer = await history(store, { deviceId: first, kind: 'pump', from: t0, to: t0 + MINUTE })

      expect(answer.series).toEqual([
        { field: 'current_a', unit: 'A', points: [{ ts: t0, mean: 10, min: 10, max: 10, count: 1 }] },
      ])
    })

    test('close() resolves, again when repeated, and a closed store refuses writes and is not healthy', async () => {
      const store = await openStore()
      const deviceId = newDevice()
      await store.write([pump(deviceId, baseTime(), { current_a: 5 })])

      await store.close()
      await store.close()

      await expect(store.write([pump(deviceId, baseTime() + SECOND, { current_a: 6 })])).rejects.toThrow()
      expect(store.health().status).not.toBe('ok')
    })
  })
}
