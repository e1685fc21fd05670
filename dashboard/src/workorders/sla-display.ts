/**
 * The SLA clocks of a work order as a countdown: how long is left (or how long it is overdue), and in which colour.
 * The api computes the clocks (`protocol/src/sla.ts`); the screen only counts down from them between answers.
 */
import { isOpenWorkOrder, needsEscalation, type SlaClockView, type WorkOrderView } from '@fm/protocol'
import type { TFunction } from 'i18next'
import { formatElapsed } from '../i18n/format.ts'
import type { Language } from '../i18n/i18n.ts'

/**
 * `ok` (green), `warn` (amber: `ESCALATE_AT` of its time used, the supervisors were told), `breached` (red), or met,
 * in time or `met-late`.
 */
export type ClockTone = 'ok' | 'warn' | 'breached' | 'met' | 'met-late'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Milliseconds left on a clock at `now`; negative once it is overdue. A paused clock stands still: its `dueAt` is
 * where it would end if it ran from the moment the api computed it (`asOf`), so what was left then is left now.
 */
export function remainingMs(clock: SlaClockView, now: number, asOf: number): number {
  return clock.paused ? clock.dueAt - asOf : clock.dueAt - now
}

export function clockTone(clock: SlaClockView, now: number, asOf: number): ClockTone {
  if (clock.metAt !== undefined) return clock.breachedAt === undefined ? 'met' : 'met-late'
  const left = remainingMs(clock, now, asOf)
  if (clock.breachedAt !== undefined || left <= 0) return 'breached'
  // the protocol's rule, on the clock as if it ran on from now (a paused one from where it stopped)
  return needsEscalation({ ...clock, dueAt: now + left }, now) ? 'warn' : 'ok'
}

/**
 * The clock a dispatcher must watch: of those still running, the one with the least time left (an overdue one
 * first). None once the work order is closed or every clock is met.
 */
export function urgentClock(
  order: Pick<WorkOrderView, 'state' | 'clocks'>,
  now: number,
  asOf: number,
): SlaClockView | undefined {
  if (!isOpenWorkOrder(order.state)) return undefined
  let urgent: SlaClockView | undefined
  for (const clock of order.clocks) {
    if (clock.metAt !== undefined) continue
    if (!urgent || remainingMs(clock, now, asOf) < remainingMs(urgent, now, asOf)) urgent = clock
  }
  return urgent
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/**
 * A countdown without its sign (the words around it say "left" or "overdue"): `h:mm:ss` under a day, so that it
 * visibly ticks; days and hours beyond ("2 天 3 小时"), where seconds are noise.
 */
export function formatCountdown(ms: number, language: Language, t: TFunction): string {
  const span = Math.abs(ms)
  if (span >= DAY_MS) return formatElapsed(span, language, t)
  const seconds = Math.floor(span / 1000)
  return `${Math.floor(seconds / 3600)}:${pad2(Math.floor((seconds % 3600) / 60))}:${pad2(seconds % 60)}`
}

/** When the api computed the clocks of `order`: not before it was received, nor before its last change. */
export function clocksAsOf(order: Pick<WorkOrderView, 'updatedAt'>, receivedAt: number): number {
  return Math.max(receivedAt, order.updatedAt)
}
