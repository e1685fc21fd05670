import { describe, expect, it } from 'vitest'
import { CLOCK_SKEW_IGNORED_MS, clockOffsetMs, STALE_AFTER_INTERVALS, statusAge } from '../src/health/freshness.ts'

describe('statusAge', () => {
  const interval = 5_000

  it.each([
    ['just published', 0, false],
    ['two intervals old', 2 * interval, false],
    ['exactly three intervals old', STALE_AFTER_INTERVALS * interval, false],
    ['a millisecond past three intervals', STALE_AFTER_INTERVALS * interval + 1, true],
    ['an hour old', 3_600_000, true],
  ])('a status %s is stale: %s', (_, age, stale) => {
    expect(statusAge(100_000 - age, interval, 100_000)).toEqual({ ageMs: age, stale })
  })

  it('counts a status from a clock slightly ahead as just published, never as negative age', () => {
    expect(statusAge(101_000, interval, 100_000)).toEqual({ ageMs: 0, stale: false })
  })
})

describe('clockOffsetMs', () => {
  it('ignores the sub-second truncation of the Date header when the clocks agree', () => {
    expect(clockOffsetMs(1_000_000, 1_000_700)).toBe(0)
    expect(clockOffsetMs(1_000_000, 1_000_000 - CLOCK_SKEW_IGNORED_MS + 600)).toBe(0)
  })

  it('measures a browser clock minutes behind the server', () => {
    const server = Date.UTC(2026, 4, 14, 6, 0, 0)
    expect(clockOffsetMs(server, server - 300_000)).toBe(300_500)
    expect(clockOffsetMs(server, server + 300_000)).toBe(-299_500)
  })

  it('assumes no offset without a Date header', () => {
    expect(clockOffsetMs(undefined, 5)).toBe(0)
    expect(clockOffsetMs(Number.NaN, 5)).toBe(0)
  })
})
