import { type MaintenanceKpis, type Site, WORK_ORDER_CATEGORIES } from '@fm/protocol'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, failureOf, isForbidden } from '../api.ts'
import { FormError, requestError } from '../components/forms/FormError.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { KpiTrendChart } from '../components/workorders/KpiTrendChart.tsx'
import { MaintenanceFrame } from '../components/workorders/MaintenanceFrame.tsx'
import { formatElapsed, formatNumber, localName } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useApi } from '../useApi.ts'
import {
  MEAN_KPIS,
  RATE_KPIS,
  type RateKpi,
  type RateKpiKey,
  rateFigure,
  trendOf,
  trendTarget,
} from '../workorders/maintenance-kpis.ts'
import {
  fetchKpiTrend,
  fetchMaintenanceKpis,
  fetchTechnicians,
  type KpiQuery,
  maintenanceKpisPath,
} from '../workorders/work-order-api.ts'
import '../components/alarms/Alarms.css'
import '../components/workorders/WorkOrders.css'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

/** The rates the breakdown compares per building, category or technician. */
const BREAKDOWN_KPIS: readonly RateKpiKey[] = [
  'minorRepairTimeliness',
  'minorRepairPassRate',
  'urgentRepairTimeliness',
  'pmCompliance',
]
const DIMENSIONS = ['building', 'category', 'technician'] as const
type Dimension = (typeof DIMENSIONS)[number]

function usePercent() {
  const language = useLanguage()
  return (value: number | undefined) => (value === undefined ? '—' : `${formatNumber(value, language, 1)}%`)
}

/** One rate: the value, what it counts ("42 / 44 …"), the target and whether it is met, the definition and the trend. */
function RateCard({ kpis, kpi, trend }: { kpis: MaintenanceKpis; kpi: RateKpi; trend: readonly MaintenanceKpis[] }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const percent = usePercent()
  const { rate, target, ok } = rateFigure(kpis, kpi)
  const name = t(`maintenance.kpis.names.${kpi.key}`)
  const comparison = kpi.better === 'higher' ? '≥' : '≤'
  return (
    <div className="kpi wo-kpi" data-testid="mkpi" data-kpi={kpi.key} data-ok={ok === undefined ? 'none' : ok}>
      <span className="kpi__label">{name}</span>
      <span className="kpi__value tabular" data-testid="mkpi-value">
        {percent(rate.value)}
      </span>
      <span
        className="wo-kpi__ratio tabular"
        data-testid="mkpi-ratio"
        data-numerator={rate.numerator}
        data-denominator={rate.denominator}
      >
        {t(`maintenance.kpis.ratios.${kpi.key}`, { numerator: rate.numerator, denominator: rate.denominator })}
      </span>
      <span className="kpi__target" data-testid="mkpi-target">
        {ok !== undefined && (
          <span className="kpi__mark" aria-hidden="true">
            {ok ? '✓' : '!'}
          </span>
        )}
        {target === undefined
          ? t('maintenance.kpis.noTarget')
          : t('maintenance.kpis.target', {
              comparison,
              target: `${formatNumber(target, language, Number.isInteger(target) ? 0 : 1)}%`,
            })}
        {ok !== undefined && ` · ${t(ok ? 'maintenance.kpis.met' : 'maintenance.kpis.missed')}`}
        {rate.value === undefined && ` · ${t('maintenance.kpis.nothingDue')}`}
      </span>
      <span className="kpi__hint" data-testid="mkpi-help">
        {t(`maintenance.kpis.hints.${kpi.key}`)}
      </span>
      <KpiTrendChart
        points={trendOf(trend, kpi.key)}
        target={trendTarget(trend, kpi)}
        label={t('maintenance.kpis.trendLabel', { name })}
      />
    </div>
  )
}

/** Mean times and the backlog: no target, but what a supervisor reads next to the rates. */
function Means({ kpis }: { kpis: MaintenanceKpis }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const unitMs = { mttaMin: MINUTE_MS, mttrMin: MINUTE_MS, mtbfHours: HOUR_MS } as const
  return (
    <dl className="wo-means" data-testid="mkpi-means">
      {MEAN_KPIS.map((key) => {
        const value = kpis[key]
        return (
          <div key={key} className="wo-means__item" data-testid="mkpi-mean" data-kpi={key}>
            <dt>{t(`maintenance.kpis.names.${key}`)}</dt>
            <dd className="tabular">{value === undefined ? '—' : formatElapsed(value * unitMs[key], language, t)}</dd>
            <dd className="kpi__hint">{t(`maintenance.kpis.hints.${key}`)}</dd>
          </div>
        )
      })}
      <div className="wo-means__item" data-testid="mkpi-backlog">
        <dt>{t('maintenance.kpis.names.backlog')}</dt>
        <dd className="tabular">
          {t('maintenance.kpis.backlog', { open: kpis.backlog.open, overdue: kpis.backlog.overdue })}
        </dd>
        <dd className="kpi__hint">{t('maintenance.kpis.hints.backlog')}</dd>
      </div>
    </dl>
  )
}

/** The main rates per building, per category or per technician, for the month. */
function Breakdown({ site, month }: { site: Site; month: string }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const percent = usePercent()
  const [dimension, setDimension] = useState<Dimension>('building')
  const technicians = useApi(dimension === 'technician' ? `technicians|${site.id}` : null, (signal) =>
    fetchTechnicians(site.id, signal),
  )
  const rows: { value: string; label: string; query: Partial<KpiQuery> }[] =
    dimension === 'building'
      ? site.buildings.map((b) => ({ value: b.id, label: localName(b, language), query: { buildingId: b.id } }))
      : dimension === 'category'
        ? WORK_ORDER_CATEGORIES.map((c) => ({
            value: c,
            label: t(`workOrders.categories.${c}`),
            query: { category: c },
          }))
        : (technicians.data ?? []).map((p) => ({
            value: p.username,
            label: p.displayName,
            query: { technician: p.username },
          }))
  const ready = dimension !== 'technician' || technicians.status === 'ok'
  const key = ready ? `breakdown|${site.id}|${month}|${dimension}|${rows.map((row) => row.value).join(',')}` : null
  const figures = useApi(key, (signal) =>
    Promise.all(rows.map((row) => fetchMaintenanceKpis({ siteId: site.id, month, ...row.query }, signal))),
  )
  return (
    <section className="panel wo-section" aria-labelledby="mkpi-breakdown-title" data-testid="mkpi-breakdown">
      <div className="wo-section__head">
        <h2 className="panel__title" id="mkpi-breakdown-title">
          {t('maintenance.kpis.breakdown')}
        </h2>
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('maintenance.kpis.breakdownBy')}</legend>
          {DIMENSIONS.map((value) => (
            <button
              key={value}
              type="button"
              data-testid={`mkpi-breakdown-${value}`}
              aria-pressed={dimension === value}
              onClick={() => setDimension(value)}
            >
              {t(`maintenance.kpis.dimensions.${value}`)}
            </button>
          ))}
        </fieldset>
      </div>
      {figures.status === 'error' || technicians.status === 'error' ? (
        <FormError error={requestError(failureOf(figures.error ?? technicians.error))} testId="mkpi-breakdown-error" />
      ) : figures.status === 'loading' ? (
        <Loading text={t('maintenance.kpis.loading')} />
      ) : (
        <table className="report-table wo-stack" data-testid="mkpi-breakdown-table">
          <thead>
            <tr>
              <th scope="col">{t(`maintenance.kpis.dimensions.${dimension}`)}</th>
              {BREAKDOWN_KPIS.map((kpi) => (
                <th key={kpi} scope="col">
                  {t(`maintenance.kpis.names.${kpi}`)}
                </th>
              ))}
              <th scope="col">{t('maintenance.kpis.names.backlog')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const kpis = figures.data[index]
              return (
                <tr key={row.value} data-testid="mkpi-breakdown-row" data-value={row.value}>
                  <th scope="row">{row.label}</th>
                  {BREAKDOWN_KPIS.map((kpi) => (
                    <td key={kpi} data-label={t(`maintenance.kpis.names.${kpi}`)}>
                      {kpis && `${percent(kpis[kpi].value)} (${kpis[kpi].numerator}/${kpis[kpi].denominator})`}
                    </td>
                  ))}
                  <td data-label={t('maintenance.kpis.names.backlog')}>
                    {kpis && t('maintenance.kpis.backlog', { open: kpis.backlog.open, overdue: kpis.backlog.overdue })}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}

function Kpis({ site, month }: { site: Site; month: string }) {
  const { t } = useTranslation()
  const kpis = useApi(`mkpis|${site.id}|${month}`, (signal) => fetchMaintenanceKpis({ siteId: site.id, month }, signal))
  const trend = useApi(`mkpi-trend|${site.id}`, (signal) => fetchKpiTrend(site.id, signal))
  const failure = kpis.status === 'error' && kpis.error instanceof ApiError ? failureOf(kpis.error) : undefined
  if (failure && isForbidden(failure)) return <NotAllowed failure={failure} />
  if (kpis.status === 'error') return <FormError error={requestError(failureOf(kpis.error))} testId="mkpi-error" />
  if (kpis.status === 'loading') return <Loading text={t('maintenance.kpis.loading')} />
  return (
    <>
      {trend.status === 'error' && (
        <p className="notice" data-testid="mkpi-trend-error">
          {t('maintenance.kpis.trendFailed')}
        </p>
      )}
      <div className="kpi-grid wo-kpi-grid" data-testid="mkpi-grid">
        {RATE_KPIS.map((kpi) => (
          <RateCard key={kpi.key} kpis={kpis.data} kpi={kpi} trend={trend.data ?? []} />
        ))}
      </div>
      <Means kpis={kpis.data} />
      <Breakdown site={site} month={month} />
    </>
  )
}

/**
 * `/maintenance/kpis`: the month's maintenance KPIs (DOMAIN.md §e): each rate with what it counts, its target, its
 * definition and the last six months against the target; mean times and the backlog; the rates per building,
 * category or technician; and the month as a CSV file. `?month=YYYY-MM`.
 */
export function MaintenanceKpiPage() {
  const { t } = useTranslation()
  return (
    <MaintenanceFrame
      testId="mkpi-page"
      title="maintenance.kpis.title"
      lead="maintenance.kpis.lead"
      loading="maintenance.kpis.loading"
      tools={(site, month) => (
        <a
          className="button"
          data-testid="mkpi-export-csv"
          href={maintenanceKpisPath({ siteId: site.id, month }, 'csv')}
          download
        >
          {t('maintenance.kpis.exportCsv')}
        </a>
      )}
    >
      {(site, month) => <Kpis key={site.id} site={site} month={month} />}
    </MaintenanceFrame>
  )
}
