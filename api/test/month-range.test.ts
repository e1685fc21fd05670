import { describe, expect, it } from 'vitest'
import { monthRange } from '../src/month-range.ts'

describe('monthRange', () => {
  it.each([
    ['2026-11', 'Asia/Shanghai', Date.UTC(2026, 9, 31, 16), Date.UTC(2026, 10, 30, 16)],
    // across the year end
    ['2026-12', 'Asia/Shanghai', Date.UTC(2026, 10, 30, 16), Date.UTC(2026, 11, 31, 16)],
    ['2026-12', 'UTC', Date.UTC(2026, 11, 1), Date.UTC(2027, 0, 1)],
    // summer time begins on 29 March: the month starts at +01:00 and ends at +02:00
    ['2026-03', 'Europe/Berlin', Date.UTC(2026, 1, 28, 23), Date.UTC(2026, 2, 31, 22)],
    // and ends on 25 October
    ['2026-10', 'Europe/Berlin', Date.UTC(2026, 8, 30, 22), Date.UTC(2026, 9, 31, 23)],
    ['2026-11', 'America/New_York', Date.UTC(2026, 10, 1, 4), Date.UTC(2026, 11, 1, 5)],
  ])('gives %s in %s as [from, to) from midnight to midnight there', (month, timeZone, from, to) => {
    expect(monthRange(month, timeZone)).toEqual({ from, to })
  })

  it.each(['2026-13', '2026-1', '202611', ''])('refuses the month %j', (month) => {
    expect(() => monthRange(month, 'Asia/Shanghai')).toThrow(RangeError)
  })

  it('refuses an unknown time zone', () => {
    expect(() => monthRange('2026-11', 'Mars/Olympus')).toThrow(RangeError)
  })
})
