/**
 * The SLA clocks of a work order, computed from its timeline alone, so that the store, the KPIs and the dashboard's
 * countdowns agree to the millisecond (DOMAIN.md §a.4, §e).
 *
 * Every clock starts when the work order is created and runs until it is met:
 * - **response** (受理/派单): the first dispatch (`assigned`) or acceptance;
 * - **arrival** (到场): the technician first on site (`in_progress`);
 * - **resolution** (完成): resolved. A resolution the supervisor returned does not count: the clock runs on. A reopen
 *   after verification leaves it met (that repair was on time; the rework counts against the pass rate instead).
 *
 * A clock pauses while the work order is on hold for a reason of `PAUSING_HOLD_REASONS` (the resident, an approval),
 * and stops for good when the work order is cancelled or rejected. It breaches at the moment its running time reaches
 * its target; a later pause does not undo a breach.
 */
import type { AlarmPriority } from './alarms.ts'
import {
  ESCALATE_AT,
  type HoldReason,
  PAUSING_HOLD_REASONS,
  SLA_CLOCKS,
  type SlaClock,
  type SlaClockView,
  type SlaTargets,
  type WorkOrderState,
} from './work-orders.ts'

/** One state change of the timeline: the state entered, when, and for a hold why. */
export interface SlaStep {
  at: number
  to: WorkOrderState
  /** the action that made it (`return` resumes the resolution clock) */
  action?: string
  holdReason?: HoldReason
}

const TARGET_OF: Readonly<Record<SlaClock, keyof SlaTargets>> = {
  response: 'responseMin',
  arrival: 'arrivalMin',
  resolution: 'resolutionMin',
}

/** When each clock is met, from the steps (in time order). */
function metTimes(steps: readonly SlaStep[]): Record<SlaClock, number | undefined> {
  const met: Record<SlaClock, number | undefined> = { response: undefined, arrival: undefined, resolution: undefined }
  let verified = false
  for (const step of steps) {
    if (met.response === undefined && (step.to === 'assigned' || step.to === 'accepted')) met.response = step.at
    if (met.arrival === undefined && step.to === 'in_progress') met.arrival = step.at
    if (step.to === 'resolved' && !verified) met.resolution = step.at
    if (step.action === 'return' && !verified) met.resolution = undefined
    if (step.to === 'verified') verified = true
  }
  return met
}

/** The moment the work order was cancelled or rejected: every clock stops there. */
function endOf(steps: readonly SlaStep[]): number | undefined {
  return steps.find((step) => step.to === 'cancelled' || step.to === 'rejected')?.at
}

/** Periods in which the clocks are paused, `[start, end)`; the last may be open (`end` undefined). */
function pauses(steps: readonly SlaStep[]): { start: number; end: number | undefined }[] {
  const periods: { start: number; end: number | undefined }[] = []
  let open: { start: number; end: number | undefined } | undefined
  for (const step of steps) {
    const pausing =
      step.to === 'on_hold' && step.holdReason !== undefined && PAUSING_HOLD_REASONS.includes(step.holdReason)
    if (pausing && !open) {
      open = { start: step.at, end: undefined }
      periods.push(open)
    } else if (!pausing && open) {
      open.end = step.at
      open = undefined
    }
  }
  return periods
}

/**
 * One clock: walks the running time from `createdAt` to `until` (met, ended or now), skipping the pauses, and finds
 * the moment the running time reached the target.
 */
function clockView(
  clock: SlaClock,
  targetMin: number,
  createdAt: number,
  metAt: number | undefined,
  endedAt: number | undefined,
  paused: readonly { start: number; end: number | undefined }[],
  now: number,
): SlaClockView {
  const target = targetMin * 60_000
  const until = Math.min(metAt ?? Number.POSITIVE_INFINITY, endedAt ?? Number.POSITIVE_INFINITY, now)
  let running = 0
  let pausedMs = 0
  let cursor = createdAt
  let breachedAt: number | undefined
  const consume = (end: number) => {
    if (end <= cursor) return
    if (breachedAt === undefined && running + (end - cursor) >= target) breachedAt = cursor + (target - running)
    running += end - cursor
    cursor = end
  }
  let pausedNow = false
  for (const period of paused) {
    if (period.start >= until) break
    consume(Math.max(cursor, period.start))
    const end = Math.min(period.end ?? Number.POSITIVE_INFINITY, until)
    if (end > cursor) {
      pausedMs += end - cursor
      cursor = end
    }
    if (period.end === undefined && metAt === undefined && endedAt === undefined) pausedNow = true
  }
  consume(until)
  const view: SlaClockView = {
    clock,
    targetMin,
    // breached: the moment it did; otherwise when it will, if it runs from now on (or from its end, once met)
    dueAt: breachedAt ?? cursor + (target - running),
    pausedMs,
    paused: pausedNow,
  }
  if (metAt !== undefined) view.metAt = metAt
  if (breachedAt !== undefined && (metAt === undefined || metAt > breachedAt)) view.breachedAt = breachedAt
  return view
}

/** The three clocks of a work order created at `createdAt` with `targets`, as of `now`. */
export function slaClocks(
  createdAt: number,
  targets: SlaTargets,
  steps: readonly SlaStep[],
  now: number,
): SlaClockView[] {
  // as of `now`: a step recorded after it has not happened yet
  const ordered = steps.filter((step) => step.at <= now).sort((a, b) => a.at - b.at)
  const met = metTimes(ordered)
  const endedAt = endOf(ordered)
  const paused = pauses(ordered)
  return SLA_CLOCKS.map((clock) =>
    clockView(clock, targets[TARGET_OF[clock]], createdAt, met[clock], endedAt, paused, now),
  )
}

/** Whether a clock still running has used `ESCALATE_AT` of its time: the supervisors are told before it breaches. */
export function needsEscalation(clock: SlaClockView, now: number): boolean {
  if (clock.metAt !== undefined || clock.breachedAt !== undefined) return false
  const target = clock.targetMin * 60_000
  const used = target - (clock.dueAt - now)
  // in whole ms: target × (1 − ESCALATE_AT) is one ulp short of 20 % in floating point, so that comparison missed the
  // exact moment for every target
  return used >= Math.round(target * ESCALATE_AT)
}

/** Whether the urgent clocks apply: P0 and P1 are 急修 (their arrival is what 急修及时率 counts). */
export function isUrgent(priority: AlarmPriority): boolean {
  return priority === 'P0' || priority === 'P1'
}
