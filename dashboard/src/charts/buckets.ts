import type { HistoryPoint } from '@fm/protocol'

/** One reading of a field from the live link, as the number the history stores (booleans 0/1, enum index). */
export interface LiveReading {
  ts: number
  value: number
}

/**
 * Adds live readings to the buckets of a history answer. With raw samples (`stepMs` 0) each reading is a point of
 * its own. With buckets, a reading inside the last bucket updates its mean, min, max and count, and one past it opens
 * the bucket it falls in, on the same grid: a raw point between two hourly means would draw a spike that is not
 * there and make the newest part of the chart look noisier than the rest. Readings not after the last stored
 * point are already in the history and are skipped.
 */
export function mergeReadings(
  points: readonly HistoryPoint[],
  readings: readonly LiveReading[],
  stepMs: number,
): readonly HistoryPoint[] {
  if (readings.length === 0) return points
  const out = points.slice()
  for (const { ts, value } of readings) {
    const last = out.at(-1)
    if (stepMs <= 0) {
      if (!last || ts > last.ts) out.push({ ts, mean: value, min: value, max: value, count: 1 })
      continue
    }
    if (last && ts < last.ts) continue
    if (last && ts < last.ts + stepMs) {
      const count = last.count + 1
      out[out.length - 1] = {
        ts: last.ts,
        mean: last.mean + (value - last.mean) / count,
        min: Math.min(last.min, value),
        max: Math.max(last.max, value),
        count,
      }
      continue
    }
    // The grid of the stored buckets (the api aligns them to multiples of the step since the epoch).
    const start = last
      ? last.ts + Math.floor((ts - last.ts) / stepMs) * stepMs
      : ts - (((ts % stepMs) + stepMs) % stepMs)
    out.push({ ts: start, mean: value, min: value, max: value, count: 1 })
  }
  return out
}
