import { describe, expect, test } from 'vitest'
import {
  DEFAULT_RETENTION_MS,
  planHistory,
  resolveRetention,
  retentionHorizons,
  type TierRead,
} from '../../src/telemetry/tiers.ts'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 10, 27) // midnight UTC: aligned on every step of the ladder
const HORIZONS = retentionHorizons(DEFAULT_RETENTION_MS, NOW)

/** The reads tile [from, to) without gap or overlap, in order. */
function expectTiling(reads: readonly TierRead[], from: number, to: number): void {
  expect(reads[0]?.from).toBe(from)
  expect(reads.at(-1)?.to).toBe(to)
  reads.slice(1).forEach((read, index) => {
    expect(read.from).toBe(reads[index]?.to)
  })
}

describe('planHistory', () => {
  test.for([
    { name: '1 hour → 5 s from raw samples', span: HOUR, tier: 'raw', stepMs: 5 * SECOND },
    { name: '16 hours → 1 min from 1-minute roll-ups', span: 16 * HOUR, tier: '1m', stepMs: MINUTE },
    { name: '24 hours → 2 min from 1-minute roll-ups', span: DAY, tier: '1m', stepMs: 2 * MINUTE },
    { name: '7 days → 15 min from 1-minute roll-ups', span: 7 * DAY, tier: '1m', stepMs: 15 * MINUTE },
    { name: '30 days → 1 h from 1-hour roll-ups', span: 30 * DAY, tier: '1h', stepMs: HOUR },
    { name: '1 year → 12 h from 1-hour roll-ups', span: 365 * DAY, tier: '1h', stepMs: 12 * HOUR },
    { name: '400 days → 12 h from 1-hour roll-ups', span: 400 * DAY, tier: '1h', stepMs: 12 * HOUR },
  ] as const)('an aligned range of $name at 1000 points', ({ span, tier, stepMs }) => {
    expect(planHistory(NOW - span, NOW, 1000, HORIZONS)).toEqual({
      tier,
      stepMs,
      reads: [{ tier, from: NOW - span, to: NOW }],
    })
  })

  test('takes whole buckets from the roll-up and the ragged edges from finer tiers', () => {
    const from = NOW - 7 * DAY - 17 * MINUTE - 30 * SECOND
    const to = NOW - 13 * MINUTE - 15 * SECOND

    const plan = planHistory(from, to, 1000, HORIZONS)

    expect(plan).toMatchObject({ tier: '1m', stepMs: 15 * MINUTE })
    expect(plan.reads).toEqual([
      { tier: 'raw', from, to: NOW - 7 * DAY - 17 * MINUTE },
      { tier: '1m', from: NOW - 7 * DAY - 17 * MINUTE, to: NOW - 14 * MINUTE },
      { tier: 'raw', from: NOW - 14 * MINUTE, to },
    ])
  })

  test('goes down two tiers at each edge of an hourly plan', () => {
    const from = NOW - 20 * DAY + 30 * MINUTE + 5 * SECOND
    const to = NOW - 10 * MINUTE - 1

    const plan = planHistory(from, to, 500, HORIZONS)

    expect(plan.tier).toBe('1h')
    expect(plan.reads.map((read) => read.tier)).toEqual(['raw', '1m', '1h', '1m', 'raw'])
    expectTiling(plan.reads, from, to)
  })

  test('answers from a finer tier alone when the range holds no whole coarse bucket', () => {
    // 40 s across a 30-second boundary: one 1-minute bucket, and no whole minute inside
    const from = NOW + 10 * SECOND
    const to = NOW + 50 * SECOND

    expect(planHistory(from, to, 1, HORIZONS)).toEqual({
      tier: 'raw',
      stepMs: MINUTE,
      reads: [{ tier: 'raw', from, to }],
    })
  })

  test('reads a range older than the raw retention from 1-minute roll-ups, at 1-minute steps', () => {
    const from = NOW - 40 * DAY
    expect(planHistory(from, from + HOUR, 1000, HORIZONS)).toEqual({
      tier: '1m',
      stepMs: MINUTE,
      reads: [{ tier: '1m', from, to: from + HOUR }],
    })
  })

  test('reads a range older than the 1-minute retention from 1-hour roll-ups', () => {
    const from = NOW - 400 * DAY
    expect(planHistory(from, from + DAY, 1000, HORIZONS)).toMatchObject({ tier: '1h', stepMs: HOUR })
  })

  test('takes an edge older than the finer retention whole from the coarse tier rather than leave a hole', () => {
    const from = NOW - 380 * DAY - 20 * MINUTE
    const to = NOW - 10 * DAY - 20 * MINUTE

    const plan = planHistory(from, to, 1000, HORIZONS)

    // 1-minute roll-ups are kept 365 days: the first hour is read whole; the last edge still comes out exact
    expect(plan).toEqual({
      tier: '1h',
      stepMs: 12 * HOUR,
      reads: [
        { tier: '1h', from: NOW - 380 * DAY - HOUR, to: NOW - 10 * DAY - HOUR },
        { tier: '1m', from: NOW - 10 * DAY - HOUR, to },
      ],
    })
  })

  test('never plans more buckets than maxPoints', () => {
    for (const span of [MINUTE + 7, HOUR + 13, DAY - 1, 45 * DAY + 3, 400 * DAY]) {
      for (const maxPoints of [1, 10, 333, 1000, 2000]) {
        const from = NOW - span - 12_345
        const { stepMs } = planHistory(from, NOW - 12_345, maxPoints, HORIZONS)
        const buckets = Math.floor((NOW - 12_345 - 1) / stepMs) - Math.floor(from / stepMs) + 1
        expect(buckets).toBeLessThanOrEqual(maxPoints)
      }
    }
  })
})

describe('resolveRetention', () => {
  test('defaults to raw 30 days, 1-minute roll-ups a year, 1-hour roll-ups for ever', () => {
    expect(resolveRetention()).toEqual({ raw: 30 * DAY, '1m': 365 * DAY, '1h': Number.POSITIVE_INFINITY })
    expect(resolveRetention({ raw: 7 * DAY })).toMatchObject({ raw: 7 * DAY, '1m': 365 * DAY })
  })

  test.for([
    { name: 'a zero retention', retention: { raw: 0 } },
    { name: 'a negative retention', retention: { '1h': -1 } },
    { name: 'NaN', retention: { '1m': Number.NaN } },
    { name: 'raw kept longer than the 1-minute roll-ups', retention: { raw: 400 * DAY } },
    { name: '1-hour roll-ups kept less than the 1-minute ones', retention: { '1h': 100 * DAY } },
  ])('refuses $name', ({ retention }) => {
    expect(() => resolveRetention(retention)).toThrow(RangeError)
  })
})
