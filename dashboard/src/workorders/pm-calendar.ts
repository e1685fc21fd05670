/**
 * The preventive-maintenance calendar: when each plan is due for each device, by day of a month, in the browser's
 * time zone (the compound's: a dashboard is used on site). A plan on a calendar also shows the dues after the next,
 * as projections, so that a month ahead can be planned; a usage plan only its next due, which the counter decides.
 */
import type { PmPlan, PmSchedule } from '@fm/protocol'

/** `YYYY-MM` */
export type MonthKey = string
/** `YYYY-MM-DD` */
export type DayKey = string

const DAY_MS = 24 * 60 * 60 * 1000
const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/
const pad2 = (n: number) => String(n).padStart(2, '0')

export function monthKeyOf(ts: number): MonthKey {
  const date = new Date(ts)
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}`
}

/** The month of an address parameter; undefined for anything that is not `YYYY-MM`. */
export function parseMonth(value: string | null): MonthKey | undefined {
  return value !== null && MONTH_PATTERN.test(value) ? value : undefined
}

function yearMonth(key: MonthKey): [number, number] {
  const match = MONTH_PATTERN.exec(key)
  return match ? [Number(match[1]), Number(match[2]) - 1] : [1970, 0]
}

export function shiftMonth(key: MonthKey, delta: number): MonthKey {
  const [year, month] = yearMonth(key)
  return monthKeyOf(new Date(year, month + delta, 1).getTime())
}

/** Local midnight of the month's first day, and of the next month's: `[start, end)`. */
export function monthBounds(key: MonthKey): { start: number; end: number } {
  const [year, month] = yearMonth(key)
  return { start: new Date(year, month, 1).getTime(), end: new Date(year, month + 1, 1).getTime() }
}

export function dayKeyOf(ts: number): DayKey {
  const date = new Date(ts)
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`
}

/** The weeks of the month, Monday first as a Chinese calendar has them; `null` for the days of other months. */
export function monthWeeks(key: MonthKey): (DayKey | null)[][] {
  const [year, month] = yearMonth(key)
  const days = new Date(year, month + 1, 0).getDate()
  const lead = (new Date(year, month, 1).getDay() + 6) % 7
  const cells: (DayKey | null)[] = Array.from({ length: lead }, () => null)
  for (let day = 1; day <= days; day += 1) cells.push(`${key}-${pad2(day)}`)
  while (cells.length % 7 !== 0) cells.push(null)
  return Array.from({ length: cells.length / 7 }, (_, week) => cells.slice(week * 7, week * 7 + 7))
}

export interface PmDue {
  plan: PmPlan
  schedule: PmSchedule
  at: number
  /** a later due of a calendar plan, computed here: no work order exists for it yet */
  projected: boolean
  /** due before now and not done */
  overdue: boolean
}

/** Mandatory (法定) plans first, then by time. */
function compareDues(a: PmDue, b: PmDue): number {
  return Number(b.plan.mandatory) - Number(a.plan.mandatory) || a.at - b.at
}

/** Every due of an enabled plan within `[start, end)`: the next, and for a calendar plan the ones after it. */
export function pmDues(
  plans: readonly PmPlan[],
  schedules: readonly PmSchedule[],
  start: number,
  end: number,
  now: number,
): PmDue[] {
  const byId = new Map(plans.map((plan) => [plan.id, plan]))
  const dues: PmDue[] = []
  for (const schedule of schedules) {
    const plan = byId.get(schedule.planId)
    if (!plan?.enabled || schedule.nextDueAt === undefined) continue
    const first = schedule.nextDueAt
    if (first >= start && first < end) dues.push({ plan, schedule, at: first, projected: false, overdue: first < now })
    const step = (plan.trigger.everyDays ?? 0) * DAY_MS
    if (step <= 0) continue
    // a projection in the past would only repeat a missed due: the overdue one stands for it
    const from = Math.max(start, now)
    for (let at = first + Math.max(1, Math.ceil((from - first) / step)) * step; at < end; at += step) {
      dues.push({ plan, schedule, at, projected: true, overdue: false })
    }
  }
  return dues.sort(compareDues)
}

/** The dues by day. */
export function duesByDay(dues: readonly PmDue[]): Map<DayKey, PmDue[]> {
  const days = new Map<DayKey, PmDue[]>()
  for (const due of dues) {
    const key = dayKeyOf(due.at)
    const list = days.get(key)
    if (list) list.push(due)
    else days.set(key, [due])
  }
  return days
}

/** The dues already past and not done, whatever month is shown: the calendar lists them above the month. */
export function overdueDues(plans: readonly PmPlan[], schedules: readonly PmSchedule[], now: number): PmDue[] {
  return pmDues(plans, schedules, Number.NEGATIVE_INFINITY, now, now).filter((due) => due.overdue)
}
