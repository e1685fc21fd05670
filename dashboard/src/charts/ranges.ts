/**
 * The time windows the history chart offers, and the checks on a custom one. Pure, so the range logic is tested
 * without rendering the chart.
 */

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Windows that end now: they keep receiving live readings. */
export const RANGES_MS = {
  '1h': HOUR,
  '6h': 6 * HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '1y': 365 * DAY,
} as const
export type RangeKey = keyof typeof RANGES_MS
export const RANGE_KEYS = Object.keys(RANGES_MS) as RangeKey[]

/** The api refuses longer ranges (`MAX_HISTORY_SPAN_DAYS`); checking here gives a message instead of an error. */
export const MAX_CUSTOM_RANGE_MS = 400 * DAY

/** The api answers at most this many buckets per series with its min/max/mean band; more would not be visible. */
export const MAX_CHART_POINTS = 1_000
const MIN_CHART_POINTS = 100
/** Used when the chart has no width yet (hidden tab, test without layout). */
export const DEFAULT_CHART_POINTS = 500

/**
 * About one bucket per pixel of the chart: a finer series would be drawn on top of itself, a coarser one hides
 * spikes the band could show. Rounded to 100 px so that resizing a window by a few pixels does not refetch.
 */
export function chartMaxPoints(widthPx: number | undefined): number {
  if (widthPx === undefined || !(widthPx > 0)) return DEFAULT_CHART_POINTS
  return Math.min(MAX_CHART_POINTS, Math.max(MIN_CHART_POINTS, Math.round(widthPx / 100) * 100))
}

export type CustomRangeResult =
  | { ok: true; from: number; to: number }
  | { ok: false; error: 'missing' | 'order' | 'tooLong' }

/**
 * Reads the two `datetime-local` values (local wall-clock time without a zone, "2026-05-14T08:30"). An empty or
 * half-typed input parses as NaN and counts as missing.
 */
export function parseCustomRange(fromText: string, toText: string): CustomRangeResult {
  const from = fromText ? new Date(fromText).getTime() : Number.NaN
  const to = toText ? new Date(toText).getTime() : Number.NaN
  if (!Number.isFinite(from) || !Number.isFinite(to)) return { ok: false, error: 'missing' }
  if (!(from < to)) return { ok: false, error: 'order' }
  if (to - from > MAX_CUSTOM_RANGE_MS) return { ok: false, error: 'tooLong' }
  return { ok: true, from, to }
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/** The value a `datetime-local` input shows for `ts`, in the browser's local time, to the minute. */
export function toDateTimeLocal(ts: number): string {
  const d = new Date(ts)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}
