/**
 * Bucket widths for history queries: the smallest "nice" step that keeps every series within the number of points
 * a chart asked for. Steps a person reads at a glance (5 min, 1 h) make tooltips and axis ticks line up.
 */
const SECOND_MS = 1000
const MINUTE_MS = 60 * SECOND_MS
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

export const NICE_STEPS_MS: readonly number[] = [
  SECOND_MS,
  2 * SECOND_MS,
  5 * SECOND_MS,
  10 * SECOND_MS,
  15 * SECOND_MS,
  30 * SECOND_MS,
  MINUTE_MS,
  2 * MINUTE_MS,
  5 * MINUTE_MS,
  10 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  2 * HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  DAY_MS,
]

export const DEFAULT_MAX_POINTS = 1000

/**
 * Buckets start at whole multiples of the step since the epoch, as InfluxDB's `aggregateWindow` does, so a chart's
 * buckets stay put when it refreshes. Day buckets therefore start at 00:00 UTC (08:00 in China); aligning them to
 * the site's time zone is for the roll-ups to come.
 *
 * Number of buckets that [from, to) touches.
 */
export function bucketCount(from: number, to: number, stepMs: number): number {
  return Math.floor((to - 1) / stepMs) - Math.floor(from / stepMs) + 1
}

/** The bucket width for [from, to) with at most `maxPoints` buckets. Throws on a range or limit a caller got wrong. */
export function chooseStep(from: number, to: number, maxPoints: number): number {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from >= to)
    throw new RangeError(`history range must be integer epoch ms with from < to, got [${from}, ${to})`)
  if (!Number.isInteger(maxPoints) || maxPoints < 1)
    throw new RangeError(`maxPoints must be a positive integer, got ${maxPoints}`)
  for (const step of NICE_STEPS_MS) {
    if (bucketCount(from, to, step) <= maxPoints) return step
  }
  // beyond the ladder, whole days: the smallest count of days that fits (alignment may cost one extra bucket)
  let days = Math.max(1, Math.ceil((to - from) / maxPoints / DAY_MS))
  while (bucketCount(from, to, days * DAY_MS) > maxPoints) days++
  return days * DAY_MS
}
