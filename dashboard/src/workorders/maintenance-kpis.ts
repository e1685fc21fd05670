/**
 * The maintenance KPIs of a month (DOMAIN.md §e) as the KPI page shows them: each rate with what it counts, its
 * target and whether it is met. The seed targets are the property company's work plan (零修及时率 ≥ 95 %, 零修合格率
 * ≥ 98 %), the demonstration-estate scoring for urgent repairs (100 %), SMRP guidance for PM (≥ 90 %) and the law for
 * mandatory PM (100 %); the api's `target`, when it sends one, is the site's and wins.
 */
import type { KpiRate, MaintenanceKpis } from '@fm/protocol'

export type RateKpiKey = {
  [K in keyof MaintenanceKpis]-?: MaintenanceKpis[K] extends KpiRate ? K : never
}[keyof MaintenanceKpis]

export interface RateKpi {
  key: RateKpiKey
  /** percent; undefined where the site sets its own */
  seedTarget: number | undefined
  /** a failure rate is better low */
  better: 'higher' | 'lower'
}

export const RATE_KPIS: readonly RateKpi[] = [
  { key: 'minorRepairTimeliness', seedTarget: 95, better: 'higher' },
  { key: 'minorRepairPassRate', seedTarget: 98, better: 'higher' },
  { key: 'urgentRepairTimeliness', seedTarget: 100, better: 'higher' },
  { key: 'equipmentRepairTimeliness', seedTarget: 95, better: 'higher' },
  { key: 'equipmentIntactRate', seedTarget: 98, better: 'higher' },
  { key: 'equipmentFailureRate', seedTarget: undefined, better: 'lower' },
  { key: 'fireFacilitiesIntactRate', seedTarget: 100, better: 'higher' },
  { key: 'pmCompliance', seedTarget: 90, better: 'higher' },
  { key: 'mandatoryPmCompliance', seedTarget: 100, better: 'higher' },
]

/** The figures that are no rate: means in minutes or hours, and the backlog. */
export const MEAN_KPIS = ['mttaMin', 'mttrMin', 'mtbfHours'] as const
export type MeanKpiKey = (typeof MEAN_KPIS)[number]

export interface RateFigure {
  kpi: RateKpi
  rate: KpiRate
  target: number | undefined
  /** undefined when nothing was counted or there is no target */
  ok: boolean | undefined
}

export function rateFigure(kpis: MaintenanceKpis, kpi: RateKpi): RateFigure {
  const rate = kpis[kpi.key]
  const target = rate.target ?? kpi.seedTarget
  const ok =
    rate.value === undefined || target === undefined
      ? undefined
      : kpi.better === 'higher'
        ? rate.value >= target
        : rate.value <= target
  return { kpi, rate, target, ok }
}

/** One point of a KPI's trend: the month (its first moment) and the rate, null where nothing was counted. */
export interface TrendPoint {
  from: number
  value: number | null
}

export function trendOf(months: readonly MaintenanceKpis[], key: RateKpiKey): TrendPoint[] {
  return months.map((month) => ({ from: month.from, value: month[key].value ?? null }))
}

/** The target line of a trend: the latest month's target, else the seed. */
export function trendTarget(months: readonly MaintenanceKpis[], kpi: RateKpi): number | undefined {
  return months.at(-1)?.[kpi.key].target ?? kpi.seedTarget
}
