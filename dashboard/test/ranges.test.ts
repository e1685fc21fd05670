import { describe, expect, it } from 'vitest'
import {
  chartMaxPoints,
  DEFAULT_CHART_POINTS,
  MAX_CHART_POINTS,
  parseCustomRange,
  RANGE_KEYS,
  RANGES_MS,
  toDateTimeLocal,
} from '../src/charts/ranges.ts'
import { timeAxis } from '../src/charts/scale.ts'

const DAY = 86_400_000

describe('ranges', () => {
  it('offers 1 h to 1 y ending now', () => {
    expect(RANGE_KEYS).toEqual(['1h', '6h', '24h', '7d', '30d', '1y'])
    expect(RANGES_MS['30d']).toBe(30 * DAY)
    expect(RANGES_MS['1y']).toBe(365 * DAY)
  })

  it('asks for about one point per pixel, at most 1000', () => {
    expect(chartMaxPoints(640)).toBe(600)
    expect(chartMaxPoints(1_870)).toBe(MAX_CHART_POINTS)
    expect(chartMaxPoints(40)).toBe(100)
    expect(chartMaxPoints(0)).toBe(DEFAULT_CHART_POINTS)
    expect(chartMaxPoints(undefined)).toBe(DEFAULT_CHART_POINTS)
  })

  it('checks a custom range: both ends, in order, at most 400 days', () => {
    const from = new Date(2026, 0, 1, 8, 0).getTime()
    expect(parseCustomRange('2026-01-01T08:00', '2026-01-02T08:00')).toEqual({ ok: true, from, to: from + DAY })
    expect(parseCustomRange('', '2026-01-02T08:00')).toEqual({ ok: false, error: 'missing' })
    expect(parseCustomRange('2026-01-02T08:00', '2026-01-01T08:00')).toEqual({ ok: false, error: 'order' })
    expect(parseCustomRange('2026-01-01T08:00', '2026-01-01T08:00')).toEqual({ ok: false, error: 'order' })
    expect(parseCustomRange('2025-01-01T00:00', '2026-02-06T00:00')).toEqual({ ok: false, error: 'tooLong' })
    expect(parseCustomRange('2025-01-01T00:00', '2026-02-04T00:00').ok).toBe(true)
  })

  it('fills the inputs with local wall-clock time', () => {
    expect(toDateTimeLocal(new Date(2026, 4, 4, 7, 5).getTime())).toBe('2026-05-04T07:05')
  })
})

describe('time axis per range', () => {
  const now = new Date(2026, 4, 14, 13, 7).getTime()
  const axis = (key: keyof typeof RANGES_MS) => timeAxis(now - RANGES_MS[key], now, 8)

  it('labels the clock up to a day, the day up to two months, the month beyond', () => {
    expect(axis('1h').label).toBe('time')
    expect(axis('24h').label).toBe('time')
    expect(axis('7d').label).toBe('day')
    expect(axis('30d').label).toBe('day')
    expect(axis('1y').label).toBe('month')
    expect(timeAxis(now - 400 * DAY, now, 8).label).toBe('month')
  })

  it('puts 30 days on local midnights', () => {
    const ticks = axis('30d').ticks
    expect(ticks.length).toBeGreaterThanOrEqual(3)
    expect(ticks.length).toBeLessThanOrEqual(9)
    expect(ticks.every((ts) => new Date(ts).getHours() === 0)).toBe(true)
  })

  it('puts a year on the first of every second month, aligned to the calendar', () => {
    const ticks = axis('1y').ticks
    expect(ticks.length).toBeLessThanOrEqual(8)
    expect(ticks.every((ts) => new Date(ts).getDate() === 1 && new Date(ts).getHours() === 0)).toBe(true)
    expect(ticks.map((ts) => new Date(ts).getMonth() % 2)).toEqual(ticks.map(() => 0))
    expect(ticks[0]).toBeGreaterThanOrEqual(now - RANGES_MS['1y'])
  })
})
