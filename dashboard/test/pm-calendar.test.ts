import type { PmSchedule } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import {
  dayKeyOf,
  duesByDay,
  monthBounds,
  monthKeyOf,
  monthWeeks,
  overdueDues,
  parseMonth,
  pmDues,
  shiftMonth,
} from '../src/workorders/pm-calendar.ts'
import { pmPlan } from './work-order-fixtures.ts'

const at = (y: number, m: number, d: number, h = 9) => new Date(y, m - 1, d, h).getTime()

const plan = pmPlan

describe('the month of the PM calendar', () => {
  it('reads and moves months, across a new year', () => {
    expect(parseMonth('2026-05')).toBe('2026-05')
    expect(parseMonth('2026-13')).toBeUndefined()
    expect(parseMonth('2026-5')).toBeUndefined()
    expect(parseMonth(null)).toBeUndefined()
    expect(shiftMonth('2026-12', 1)).toBe('2027-01')
    expect(shiftMonth('2026-01', -1)).toBe('2025-12')
    expect(monthKeyOf(at(2026, 5, 31, 23))).toBe('2026-05')
    expect(dayKeyOf(at(2026, 5, 3))).toBe('2026-05-03')
  })

  it('lays out weeks Monday first, with blanks for other months', () => {
    // May 2026 starts on a Friday and has 31 days
    const weeks = monthWeeks('2026-05')
    expect(weeks[0]).toEqual([null, null, null, null, '2026-05-01', '2026-05-02', '2026-05-03'])
    expect(weeks.at(-1)).toEqual([
      '2026-05-25',
      '2026-05-26',
      '2026-05-27',
      '2026-05-28',
      '2026-05-29',
      '2026-05-30',
      '2026-05-31',
    ])
    expect(weeks.flat().filter(Boolean)).toHaveLength(31)
    // February 2027 starts on a Monday: no blank in front
    expect(monthWeeks('2027-02')[0]?.[0]).toBe('2027-02-01')
  })

  it('bounds a month from local midnight of its first day to the next', () => {
    const { start, end } = monthBounds('2026-02')
    expect(start).toBe(new Date(2026, 1, 1).getTime())
    expect(end).toBe(new Date(2026, 2, 1).getTime())
  })
})

describe('PM dues', () => {
  const now = at(2026, 5, 14)
  const { start, end } = monthBounds('2026-05')
  const monthly = plan({ id: 1 })
  const usage = plan({ id: 2, mandatory: false, trigger: { usage: { field: 'run_hours_h', every: 500 } } })
  const weekly = plan({ id: 3, mandatory: false, trigger: { everyDays: 7 } })
  const off = plan({ id: 4, enabled: false })

  it('places the next due of each schedule, marking it overdue when past, and links its open work order', () => {
    const schedules: PmSchedule[] = [
      { planId: 1, deviceId: 'pump-fire-1', nextDueAt: at(2026, 5, 10), openWorkOrderId: 42 },
      { planId: 2, deviceId: 'pump-low-1', nextDueAt: at(2026, 5, 20) },
      { planId: 4, deviceId: 'pump-low-1', nextDueAt: at(2026, 5, 20) },
      { planId: 2, deviceId: 'pump-low-2' },
    ]
    const dues = pmDues([monthly, usage, off], schedules, start, end, now)
    expect(dues.map((d) => [d.plan.id, dayKeyOf(d.at), d.overdue, d.projected])).toEqual([
      [1, '2026-05-10', true, false],
      [2, '2026-05-20', false, false],
    ])
    expect(dues[0]?.schedule.openWorkOrderId).toBe(42)
  })

  it('projects the later dues of a calendar plan within the month, never into the past', () => {
    const schedules: PmSchedule[] = [{ planId: 3, deviceId: 'tank-1', nextDueAt: at(2026, 5, 4) }]
    const dues = pmDues([weekly], schedules, start, end, now)
    expect(dues.map((d) => [dayKeyOf(d.at), d.overdue, d.projected])).toEqual([
      ['2026-05-04', true, false],
      ['2026-05-18', false, true],
      ['2026-05-25', false, true],
    ])
    // a month ahead: only projections
    const june = monthBounds('2026-06')
    expect(pmDues([weekly], schedules, june.start, june.end, now).every((d) => d.projected)).toBe(true)
  })

  it('sorts mandatory plans first, groups by day, and lists every overdue due whatever the month', () => {
    const schedules: PmSchedule[] = [
      { planId: 2, deviceId: 'pump-low-1', nextDueAt: at(2026, 5, 20, 8) },
      { planId: 1, deviceId: 'pump-fire-1', nextDueAt: at(2026, 5, 20, 10) },
      { planId: 1, deviceId: 'pump-fire-2', nextDueAt: at(2026, 4, 2) },
    ]
    const days = duesByDay(pmDues([monthly, usage], schedules, start, end, now))
    expect(days.get('2026-05-20')?.map((d) => d.plan.id)).toEqual([1, 2])
    expect(overdueDues([monthly, usage], schedules, now).map((d) => d.schedule.deviceId)).toEqual(['pump-fire-2'])
    expect(overdueDues([monthly], schedules, at(2026, 4, 1))).toEqual([])
  })
})
