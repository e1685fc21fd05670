import { describe, expect, it } from 'vitest'
import { niceStep, stepDecimals, timeAxis, valueAxis, withGaps } from '../src/charts/scale.ts'
import { formatNumber } from '../src/i18n/format.ts'

const labels = (axis: { ticks: number[]; decimals: number }) =>
  axis.ticks.map((tick) => formatNumber(tick, 'zh-CN', axis.decimals))

describe('valueAxis', () => {
  it('pads a flat pressure so that every tick reads differently', () => {
    const axis = valueAxis(0.45, 0.45, { fieldDecimals: 2, integer: false, minimum: 0, maximum: 5 })
    const text = labels(axis)
    expect(new Set(text).size).toBe(text.length)
    expect(text.length).toBeGreaterThanOrEqual(3)
    expect(axis.domain[0]).toBeLessThan(0.45)
    expect(axis.domain[1]).toBeGreaterThan(0.45)
  })

  it('treats noise finer than the display as flat, and keeps the display precision', () => {
    const axis = valueAxis(0.4498, 0.4503, { fieldDecimals: 2, integer: false })
    expect(axis.decimals).toBe(2)
    expect(new Set(labels(axis)).size).toBe(axis.ticks.length)
  })

  it('takes its precision from the visible range, never finer than the display', () => {
    const wide = valueAxis(0.1, 0.9, { fieldDecimals: 2, integer: false, minimum: 0 })
    expect(wide.decimals).toBe(1)
    const narrow = valueAxis(0.44, 0.47, { fieldDecimals: 2, integer: false, minimum: 0 })
    expect(narrow.decimals).toBe(2)
    // A level moving between 83.2 % and 84.1 % is shown in whole percents, like the card, over a padded range.
    const level = valueAxis(83.2, 84.1, { fieldDecimals: 0, integer: false, minimum: 0, maximum: 100 })
    expect(level.decimals).toBe(0)
    for (const axis of [wide, narrow, level]) expect(new Set(labels(axis)).size).toBe(axis.ticks.length)
    expect(level.domain[0]).toBeLessThanOrEqual(83.2)
    expect(level.domain[1]).toBeGreaterThanOrEqual(84.1)
  })

  it('prefers 5 over 2.5 when a quarter step would print more decimals than the field has', () => {
    const axis = valueAxis(73, 84, { fieldDecimals: 0, integer: false, minimum: 0, maximum: 100 })
    expect(axis.decimals).toBe(0)
    expect(axis.ticks).toEqual([70, 75, 80, 85])
  })

  it('steps counters by whole numbers', () => {
    const axis = valueAxis(107_186, 107_186, { fieldDecimals: 0, integer: true, minimum: 0 })
    expect(axis.decimals).toBe(0)
    expect(axis.ticks.every(Number.isInteger)).toBe(true)
    expect(new Set(axis.ticks).size).toBe(axis.ticks.length)
  })

  it('does not pad below a physical limit (a stopped pump at 0 Hz)', () => {
    const axis = valueAxis(0, 0, { fieldDecimals: 1, integer: false, minimum: 0, maximum: 100 })
    expect(axis.domain[0]).toBe(0)
    expect(axis.domain[1]).toBeGreaterThan(0)
  })

  it('covers a wide range with a handful of round ticks', () => {
    const axis = valueAxis(352, 409, { fieldDecimals: 0, integer: false })
    expect(axis.ticks.length).toBeLessThanOrEqual(7)
    expect(axis.ticks[0]).toBeLessThanOrEqual(352)
    expect(axis.ticks.at(-1)).toBeGreaterThanOrEqual(409)
    expect(axis.ticks.every((tick) => tick % 10 === 0 || tick % 25 === 0)).toBe(true)
  })

  it('survives an empty series', () => {
    expect(valueAxis(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, { fieldDecimals: 1, integer: false })).toEqual(
      { domain: [0, 1], ticks: [0, 1], decimals: 0 },
    )
  })
})

describe('niceStep and stepDecimals', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(0.013)).toBe(0.02)
    expect(niceStep(0.22)).toBe(0.25)
    expect(niceStep(3.1)).toBe(5)
    expect(niceStep(0.3, true)).toBe(1)
    expect(niceStep(2.2, true)).toBe(5)
  })

  it('counts the decimals a step needs', () => {
    expect(stepDecimals(0.25)).toBe(2)
    expect(stepDecimals(0.1)).toBe(1)
    expect(stepDecimals(50)).toBe(0)
  })
})

describe('timeAxis', () => {
  const at = (h: number, m = 0, day = 14) => new Date(2026, 4, day, h, m).getTime()

  it('puts an hour on round ten minutes, labelled with the clock', () => {
    const axis = timeAxis(at(12, 3), at(13, 3), 8)
    expect(axis.label).toBe('time')
    expect(axis.ticks.map((ts) => new Date(ts).getMinutes())).toEqual([10, 20, 30, 40, 50, 0])
  })

  it('uses fewer, wider steps on a narrow chart', () => {
    const axis = timeAxis(at(12, 3), at(13, 3), 4)
    expect(axis.ticks.map((ts) => new Date(ts).getMinutes())).toEqual([15, 30, 45, 0])
  })

  it('puts a day on whole hours', () => {
    const axis = timeAxis(at(13, 5, 13), at(13, 5, 14), 8)
    expect(axis.label).toBe('time')
    expect(axis.ticks.every((ts) => new Date(ts).getMinutes() === 0 && new Date(ts).getHours() % 3 === 0)).toBe(true)
  })

  it('puts a week on local midnights, labelled with the day', () => {
    const axis = timeAxis(at(13, 5, 7), at(13, 5, 14), 8)
    expect(axis.label).toBe('day')
    expect(axis.ticks).toHaveLength(7)
    expect(axis.ticks.every((ts) => new Date(ts).getHours() === 0)).toBe(true)
  })
})

describe('withGaps', () => {
  it('breaks the line where readings stopped for longer than allowed', () => {
    const points = [{ ts: 0 }, { ts: 10 }, { ts: 100 }, { ts: 110 }]
    expect(withGaps(points, 30, (ts) => ({ ts, gap: true }))).toEqual([
      { ts: 0 },
      { ts: 10 },
      { ts: 11, gap: true },
      { ts: 100 },
      { ts: 110 },
    ])
  })
})
