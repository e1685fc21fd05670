/**
 * Axis arithmetic for the history chart, kept out of the component so it can be tested without a layout engine.
 * recharts' own "auto" domain rounds to the field's display precision, so a pressure that holds at 0.452 MPa gets
 * five ticks that all read "0.45": the guard sees a ruler with one number on it. Here the tick step is chosen first,
 * from the visible range, and the precision follows from the step.
 */

export interface ValueAxis {
  domain: [number, number]
  ticks: number[]
  /** Decimals that make every tick distinct: follows the step, not the field. */
  decimals: number
}

export interface ValueAxisOptions {
  /** Decimals the field is normally shown with; a range narrower than a few of these units is padded. */
  fieldDecimals: number
  integer: boolean
  /** Physical limits of the field (a level cannot go below 0 %): padding never crosses them. */
  minimum?: number | undefined
  maximum?: number | undefined
  /** About how many ticks to aim for. */
  tickCount?: number
}

/** 1, 2, 2.5 or 5 times a power of ten, the smallest one at least `raw`. */
export function niceStep(raw: number, integer = false): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const power = 10 ** Math.floor(Math.log10(raw))
  // Shaved by a hair: 0.47 − 0.43 is 0.0399…98 in floating point, and a step of 0.01 must stay 0.01, not become 0.02.
  const fraction = (raw / power) * (1 - 1e-9)
  const factor = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
  const step = factor * power
  // A counter has no half-vehicles: integer fields step by whole numbers, and 2.5 rounds up to 5.
  if (integer && !Number.isInteger(step)) return step < 1 ? 1 : 5
  return step
}

/** How many decimals print `step` and every multiple of it exactly (0.25 → 2, 5 → 0). */
export function stepDecimals(step: number): number {
  for (let decimals = 0; decimals < 8; decimals += 1) {
    const scaled = step * 10 ** decimals
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return decimals
  }
  return 8
}

const round = (value: number, decimals: number) => Number(value.toFixed(Math.min(decimals + 2, 12)))

/**
 * Domain and ticks for values between `low` and `high`. A range narrower than four display units (a flat signal, or
 * sensor noise finer than the display) is widened around its middle, so the line sits mid-chart and the ticks read
 * like the values on the card ("0.43 … 0.47 MPa") instead of repeating one number.
 */
export function valueAxis(low: number, high: number, options: ValueAxisOptions): ValueAxis {
  const { fieldDecimals, integer, minimum, maximum, tickCount = 5 } = options
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { domain: [0, 1], ticks: [0, 1], decimals: 0 }
  let lo = Math.min(low, high)
  let hi = Math.max(low, high)
  const minSpan = Math.max(4 * 10 ** -fieldDecimals, integer ? 4 : 0)
  if (hi - lo < minSpan) {
    const middle = (lo + hi) / 2
    lo = middle - minSpan / 2
    hi = middle + minSpan / 2
    // Shift rather than clip, so the padded range keeps its size next to a limit (a stopped pump at 0 Hz).
    if (minimum !== undefined && lo < minimum && low >= minimum) [lo, hi] = [minimum, minimum + minSpan]
    if (maximum !== undefined && hi > maximum && high <= maximum) [lo, hi] = [maximum - minSpan, maximum]
  }
  let step = niceStep((hi - lo) / Math.max(1, tickCount - 1), integer)
  // 2.5 % steps would print "72.5%" on an axis of a value the card shows in whole percents: take 5 instead.
  if (stepDecimals(step) > fieldDecimals) step *= 2
  const decimals = stepDecimals(step)
  let first = Math.floor(lo / step + 1e-9) * step
  let last = Math.ceil(hi / step - 1e-9) * step
  if (minimum !== undefined && first < minimum && low >= minimum) first = minimum
  if (maximum !== undefined && last > maximum && high <= maximum) last = maximum
  const ticks: number[] = []
  for (let tick = first; tick <= last + step * 1e-6; tick += step) ticks.push(round(tick, decimals))
  return { domain: [round(first, decimals), round(last, decimals)], ticks, decimals }
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Tick spacings a person reads at a glance: on the 5, 10, 15 or 30 minutes, on whole hours, at midnight. */
const TIME_STEPS = [
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
]

export interface TimeAxis {
  ticks: number[]
  /** Clock time (HH:mm) up to a day, the calendar day (MM-DD) up to about two months, the month (YYYY-MM) beyond. */
  label: 'time' | 'day' | 'month'
}

/** Beyond this a day label repeats the same few months and hides the year: the axis switches to months. */
export const DAY_LABEL_MAX_SPAN_MS = 62 * DAY
/** Month spacings that divide a year, so ticks always fall on the same months (Jan, Apr, Jul, Oct). */
const MONTH_STEPS = [1, 2, 3, 6, 12]
const AVERAGE_MONTH = 30.44 * DAY

/** Ticks on the first of a month, every `maxTicks`-th month at most, aligned to the calendar year. */
function monthTicks(from: number, to: number, maxTicks: number): number[] {
  const span = to - from
  const months =
    MONTH_STEPS.find((m) => span / (m * AVERAGE_MONTH) <= maxTicks) ??
    12 * Math.ceil(span / (12 * AVERAGE_MONTH) / maxTicks)
  const date = new Date(from)
  date.setDate(1)
  date.setHours(0, 0, 0, 0)
  date.setMonth(Math.floor(date.getMonth() / months) * months)
  const ticks: number[] = []
  for (; date.getTime() <= to; date.setMonth(date.getMonth() + months)) {
    if (date.getTime() >= from) ticks.push(date.getTime())
  }
  return ticks
}

/** The first local time at or after `ts` that lies on `step` (local clock, so ticks fall on 12:00, not 12:00 UTC). */
function alignUp(ts: number, step: number): number {
  const date = new Date(ts)
  if (step >= DAY) {
    date.setHours(0, 0, 0, 0)
    if (date.getTime() < ts) date.setDate(date.getDate() + 1)
    return date.getTime()
  }
  date.setMinutes(0, 0, 0)
  const stepMinutes = step / MINUTE
  let aligned = date.getTime()
  if (stepMinutes >= 60) {
    const hours = stepMinutes / 60
    date.setHours(Math.floor(date.getHours() / hours) * hours)
    aligned = date.getTime()
  }
  while (aligned < ts) aligned += step
  return aligned
}

/** Ticks on round local times between `from` and `to`, at most about `maxTicks` of them. */
export function timeAxis(from: number, to: number, maxTicks = 8): TimeAxis {
  const span = Math.max(0, to - from)
  if (span > DAY_LABEL_MAX_SPAN_MS) return { ticks: monthTicks(from, to, maxTicks), label: 'month' }
  const step = TIME_STEPS.find((s) => span / s <= maxTicks) ?? DAY * Math.ceil(span / DAY / maxTicks)
  const ticks: number[] = []
  if (step >= DAY) {
    // Day by day on the calendar, so a daylight-saving change does not slide the ticks off midnight.
    const date = new Date(alignUp(from, DAY))
    const days = Math.round(step / DAY)
    while (date.getTime() <= to) {
      ticks.push(date.getTime())
      date.setDate(date.getDate() + days)
    }
  } else {
    for (let tick = alignUp(from, step); tick <= to; tick += step) ticks.push(tick)
  }
  return { ticks, label: span > DAY ? 'day' : 'time' }
}

/**
 * Inserts a break (a point with no value) where consecutive points are further apart than `maxGapMs`, so a device
 * that was offline for an hour shows a hole, not a straight line pretending to be data.
 */
export function withGaps<T extends { ts: number }>(
  points: readonly T[],
  maxGapMs: number,
  gap: (ts: number) => T,
): T[] {
  const out: T[] = []
  let previous: T | undefined
  for (const point of points) {
    if (previous && point.ts - previous.ts > maxGapMs) out.push(gap(previous.ts + 1))
    out.push(point)
    previous = point
  }
  return out
}
