/**
 * The resolutions a time series is kept at (raw samples, 1-minute and 1-hour roll-ups), how long each is kept, and
 * which of them answers a history query. Pure: both implementations of the time-series store can plan with it.
 */
import type { TimeSeriesTier } from '../types.ts'
import { chooseStep } from './buckets.ts'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/** Finest first. */
export const TIERS: readonly TimeSeriesTier[] = ['raw', '1m', '1h']

/** Width of one roll-up bucket; raw samples have integer millisecond timestamps, hence 1. */
export const TIER_RESOLUTION_MS: Readonly<Record<TimeSeriesTier, number>> = { raw: 1, '1m': MINUTE_MS, '1h': HOUR_MS }

/** How long each tier keeps data, in ms; `Infinity` keeps it for ever. */
export type TierRetention = Readonly<Record<TimeSeriesTier, number>>

/** Issue 3: raw 30 days, 1-minute roll-ups 1 year, 1-hour roll-ups kept. */
export const DEFAULT_RETENTION_MS: TierRetention = {
  raw: 30 * DAY_MS,
  '1m': 365 * DAY_MS,
  '1h': Number.POSITIVE_INFINITY,
}

/**
 * Fills in the defaults and checks the result. A coarser tier must keep data at least as long as a finer one: the
 * planner reads old ranges from the coarse tier, and a coarse tier with a hole would answer them with nothing.
 */
export function resolveRetention(overrides: Partial<Record<TimeSeriesTier, number>> = {}): TierRetention {
  const retention = { ...DEFAULT_RETENTION_MS, ...overrides }
  for (const tier of TIERS) {
    const ms = retention[tier]
    if (!(ms > 0)) throw new RangeError(`retention of the ${tier} tier must be a positive number of ms, got ${ms}`)
  }
  if (retention.raw > retention['1m'] || retention['1m'] > retention['1h']) {
    throw new RangeError(
      `retention must not shrink from finer to coarser tiers, got raw ${retention.raw} ms, ` +
        `1m ${retention['1m']} ms, 1h ${retention['1h']} ms`,
    )
  }
  return retention
}

/** Oldest timestamp each tier is sure to still hold at `now` (older data may be pruned at any moment). */
export function retentionHorizons(retention: TierRetention, now: number): Record<TimeSeriesTier, number> {
  return { raw: now - retention.raw, '1m': now - retention['1m'], '1h': now - retention['1h'] }
}

/** A sub-range of a query and the tier that answers it. */
export interface TierRead {
  tier: TimeSeriesTier
  /** Inclusive, epoch ms. */
  from: number
  /** Exclusive, epoch ms. */
  to: number
}

export interface HistoryPlan {
  /** The coarsest tier among the reads (the one that answers most of the range). */
  tier: TimeSeriesTier
  stepMs: number
  reads: TierRead[]
}

/**
 * Chooses the bucket width for [from, to) with at most `maxPoints` buckets, then the coarsest tier whose buckets
 * tile it exactly: a 1-hour step reads 24× fewer rows from the 1-hour roll-ups than from the 1-minute ones, with the
 * same result. A tier that no longer holds `from` (retention) hands over to a coarser one, with a wider step: a chart
 * of a day two months ago gets 1-minute buckets rather than nothing.
 */
export function planHistory(
  from: number,
  to: number,
  maxPoints: number,
  horizons: Record<TimeSeriesTier, number>,
): HistoryPlan {
  let stepMs = chooseStep(from, to, maxPoints)
  let level = TIERS.length - 1
  while (level > 0 && stepMs % resolution(level) !== 0) level--
  while (level < TIERS.length - 1 && from < horizonOf(horizons, level)) level++
  // every nice step at or above a tier's resolution is a multiple of it; a coarser step only lowers the point count
  stepMs = Math.max(stepMs, resolution(level))
  const reads = splitRange(level, from, to, horizons)
  const coarsest = Math.max(0, ...reads.map((read) => TIERS.indexOf(read.tier)))
  return { tier: tierAt(reads.length > 0 ? coarsest : level), stepMs, reads }
}

/**
 * Whole buckets of the tier at `level` inside [from, to), and the ragged edges from the next finer tier, recursively:
 * the answer counts exactly the samples in [from, to), as a computation from raw data would. An edge older than the
 * finer tier's retention (it may already be gone there) is taken as a whole bucket of this tier instead: slightly
 * wider than asked, rather than with a hole.
 */
function splitRange(level: number, from: number, to: number, horizons: Record<TimeSeriesTier, number>): TierRead[] {
  if (from >= to) return []
  const tier = tierAt(level)
  if (level === 0) return [{ tier, from, to }]
  const res = resolution(level)
  const finerHorizon = horizonOf(horizons, level - 1)
  const start = from < finerHorizon ? Math.floor(from / res) * res : Math.ceil(from / res) * res
  const end = to <= finerHorizon ? Math.ceil(to / res) * res : Math.floor(to / res) * res
  if (start >= end) {
    // no whole bucket inside: the finer tier answers, unless it may have lost the start already
    if (from >= finerHorizon) return splitRange(level - 1, from, to, horizons)
    return [{ tier, from: Math.floor(from / res) * res, to: Math.ceil(to / res) * res }]
  }
  return [
    ...splitRange(level - 1, from, start, horizons),
    { tier, from: start, to: end },
    ...splitRange(level - 1, end, to, horizons),
  ]
}

function tierAt(level: number): TimeSeriesTier {
  const tier = TIERS[level]
  if (tier === undefined) throw new RangeError(`no tier at level ${level}`)
  return tier
}

function resolution(level: number): number {
  return TIER_RESOLUTION_MS[tierAt(level)]
}

function horizonOf(horizons: Record<TimeSeriesTier, number>, level: number): number {
  return horizons[tierAt(level)]
}
