/**
 * The alarm-system KPIs of a report next to their targets (EEMUA 191 and ISA-18.2 as summarised in ANCHORS.md §2.1),
 * for one operator position: a site's control room. Pure, so the page and its test agree on what is met.
 */
import { type AlarmKpis, PRIORITY_DISTRIBUTION_TARGET } from '@fm/protocol'

export type KpiKey =
  | 'perDay'
  | 'averagePer10Min'
  | 'maxPer10Min'
  | 'floodPercent'
  | 'standing'
  | 'chattering'
  | 'top10Share'

export interface KpiFigure {
  key: KpiKey
  value: number
  /** What the figure is: a count, alarms per period, or a share in percent. */
  unit: 'count' | 'rate' | 'percent'
  /** The target: the figure must stay at or below `max`, or below `below`. */
  target: { max: number } | { below: number }
  ok: boolean
}

const DAY_MS = 24 * 60 * 60 * 1000

/** EEMUA 191: about 150 alarms a day are very likely acceptable (300 the most manageable). */
export const PER_DAY_TARGET = 150
/** EEMUA 191: about one alarm per 10 minutes is acceptable (two the most manageable). */
export const PER_10_MIN_TARGET = 1
/** ISA-18.2: no more than 10 alarms in any 10 minutes, which is the start of a flood. */
export const PEAK_PER_10_MIN_TARGET = 10
/** Share of 10-minute periods in flood: under 1 %. */
export const FLOOD_PERCENT_TARGET = 1
/** Standing (stale) alarms, active for more than 24 h: fewer than five. */
export const STANDING_TARGET = 5
/** The ten most frequent alarms: at most about 5 % of the load. */
export const TOP10_SHARE_TARGET = 5

function figure(key: KpiKey, value: number, unit: KpiFigure['unit'], target: KpiFigure['target']): KpiFigure {
  const ok = 'max' in target ? value <= target.max : value < target.below
  return { key, value, unit, target, ok }
}

export function kpiFigures(kpis: AlarmKpis): KpiFigure[] {
  const days = Math.max(1, (kpis.to - kpis.from) / DAY_MS)
  const top10 = kpis.top10.reduce((sum, row) => sum + row.raises, 0)
  const top10Share = kpis.raised > 0 ? (100 * top10) / kpis.raised : 0
  return [
    figure('perDay', kpis.raised / days, 'rate', { max: PER_DAY_TARGET }),
    figure('averagePer10Min', kpis.averagePer10Min, 'rate', { max: PER_10_MIN_TARGET }),
    figure('maxPer10Min', kpis.maxPer10Min, 'count', { max: PEAK_PER_10_MIN_TARGET }),
    figure('floodPercent', kpis.floodPercent, 'percent', { below: FLOOD_PERCENT_TARGET }),
    figure('standing', kpis.standing, 'count', { below: STANDING_TARGET }),
    figure('chattering', kpis.chattering.length, 'count', { max: 0 }),
    figure('top10Share', top10Share, 'percent', { max: TOP10_SHARE_TARGET }),
  ]
}

export interface PriorityShare {
  priority: 'P0' | 'P1' | 'P2' | 'P3'
  count: number
  percent: number
  /** The target share in percent (EEMUA 191: 5 / 15 / 80); none for P3, which is not annunciated. */
  targetPercent: number | undefined
}

export function priorityShares(kpis: AlarmKpis): PriorityShare[] {
  return (['P0', 'P1', 'P2', 'P3'] as const).map((priority) => {
    const share = kpis.priorityDistribution[priority]
    const target = priority === 'P3' ? undefined : PRIORITY_DISTRIBUTION_TARGET[priority] * 100
    return { priority, count: share?.count ?? 0, percent: share?.percent ?? 0, targetPercent: target }
  })
}
