/**
 * Issue 3: "a year of one-minute data for a device (generated directly, not in real time) … the history API answers
 * every range with ≤ ~1000 points from the right tier, with values that match a computation from raw data."
 * Timing is measured by scripts/bench-timeseries.ts, not asserted here.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Reading } from '@fm/protocol'
import { beforeAll, describe, expect, test } from 'vitest'
import { dataFiles } from '../../src/index.ts'
import { openTimeSeries, type SqliteTimeSeriesStore } from '../../src/telemetry/sqlite.ts'
import type { TimeSeriesTier } from '../../src/types.ts'
import { expectedPoints, expectPointsMatch } from './contract.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const DEVICE = 'tank-year'
/** The end of the data: the start of the current hour, so that every tier holds its newest part. */
const END = Math.floor(Date.now() / HOUR) * HOUR
const START = END - 365 * DAY
const BATCH = 50_000

/** Seeded, so that a failure reproduces (mulberry32). */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A tank level with a daily cycle and noise, one sample per minute, rounded as a sensor would send it. */
function yearOfLevels(): { ts: number; value: number }[] {
  const next = random(3)
  return Array.from({ length: (END - START) / MINUTE }, (_, i) => {
    const daily = Math.sin((2 * Math.PI * i) / 1440)
    return { ts: START + i * MINUTE, value: Math.round((55 + 30 * daily + 10 * next()) * 10) / 10 }
  })
}

const samples = yearOfLevels()
let store: SqliteTimeSeriesStore

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fm-ts-year-'))
  store = openTimeSeries({ file: dataFiles(dir).timeseries })
  for (let i = 0; i < samples.length; i += BATCH) {
    const readings = samples.slice(i, i + BATCH).map(
      ({ ts, value }): Reading => ({
        siteId: 'year',
        kind: 'water-tank',
        deviceId: DEVICE,
        ts,
        values: { level_pct: value },
      }),
    )
    await store.write(readings)
  }
  return async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

const ranges: { name: string; from: number; to: number; tier: TimeSeriesTier; stepMs: number }[] = [
  { name: 'the last hour', from: END - HOUR, to: END, tier: 'raw', stepMs: 5000 },
  { name: 'the last 24 hours', from: END - DAY, to: END, tier: '1m', stepMs: 2 * MINUTE },
  { name: 'the last 7 days', from: END - 7 * DAY, to: END, tier: '1m', stepMs: 15 * MINUTE },
  { name: 'the last 30 days', from: END - 30 * DAY, to: END, tier: '1h', stepMs: HOUR },
  { name: 'the last year', from: START, to: END, tier: '1h', stepMs: 12 * HOUR },
  // ragged ends: whole buckets from the roll-up, the edges from finer tiers
  {
    name: '7 days that start and end mid-minute',
    from: END - 7 * DAY - 17 * MINUTE - 30_000,
    to: END - 13 * MINUTE - 15_000,
    tier: '1m',
    stepMs: 15 * MINUTE,
  },
  {
    name: '100 days, half a year ago, that start and end mid-hour',
    from: END - 200 * DAY + 17 * MINUTE,
    to: END - 100 * DAY - 43 * MINUTE,
    tier: '1h',
    stepMs: 3 * HOUR,
  },
  // older than the raw tier keeps (30 days): 1-minute buckets rather than an empty chart
  { name: 'one hour, 40 days ago', from: END - 40 * DAY, to: END - 40 * DAY + HOUR, tier: '1m', stepMs: MINUTE },
]

async function expectRangesMatchRawData(): Promise<void> {
  for (const range of ranges) {
    const history = await store.history({ deviceId: DEVICE, kind: 'water-tank', from: range.from, to: range.to })
    const points = history.series[0]?.points ?? []
    expect({ range: range.name, tier: history.tier, stepMs: history.stepMs }).toEqual({
      range: range.name,
      tier: range.tier,
      stepMs: range.stepMs,
    })
    expect(points.length).toBeLessThanOrEqual(1000)
    expectPointsMatch(points, expectedPoints(samples, range.from, range.to, range.stepMs))
  }
}

describe('a year of 1-minute data for one device', () => {
  test('answers every range with at most 1000 points from the expected tier, as the raw data gives them', async () => {
    await expectRangesMatchRawData()
  })

  test('and again once compaction and retention have run: the data moved, the answers did not change', async () => {
    await store.maintain()
    await expectRangesMatchRawData()
  })
})
