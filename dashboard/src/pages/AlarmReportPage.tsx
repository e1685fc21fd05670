import type { AlarmKpis } from '@fm/protocol'
import { type ReactNode, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { alarmKpisPath, fetchAlarmKpis } from '../alarms/alarm-api.ts'
import { type KpiFigure, kpiFigures, priorityShares } from '../alarms/kpi-targets.ts'
import { ruleName } from '../alarms/rules.ts'
import { ApiError, failureOf, isForbidden } from '../api.ts'
import { FormError, requestError } from '../components/forms/FormError.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { formatElapsed, formatNumber, formatTime, localName } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useRoster } from '../live/store.ts'
import { useSite } from '../site/SiteContext.ts'
import { useApi } from '../useApi.ts'
import '../components/alarms/Alarms.css'

const HOUR_MS = 60 * 60 * 1000
/** The periods a supervisor compares: the last shift day, the week, the month. */
const PERIODS_MS = { '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS } as const
type Period = keyof typeof PERIODS_MS
const PERIOD_KEYS = Object.keys(PERIODS_MS) as Period[]

function FigureCard({ figure }: { figure: KpiFigure }) {
  const { t } = useTranslation()
  const language = useLanguage()
  // Two decimals where they matter (0.69 %, 1.25 per 10 min), none where they are noise (288 a day).
  const decimals = figure.unit === 'count' || figure.value >= 100 ? 0 : figure.value < 10 ? 2 : 1
  const percent = figure.unit === 'percent' ? '%' : ''
  const limit = 'max' in figure.target ? figure.target.max : figure.target.below
  const target = t('alarmReport.target', {
    comparison: t('max' in figure.target ? 'alarmReport.atMost' : 'alarmReport.below'),
    limit: `${formatNumber(limit, language, 0)}${percent}`,
  })
  return (
    <div className="kpi" data-testid="kpi" data-kpi={figure.key} data-ok={figure.ok}>
      <span className="kpi__label">{t(`alarmReport.kpis.${figure.key}`)}</span>
      <span className="kpi__value tabular" data-testid="kpi-value">
        {formatNumber(figure.value, language, decimals)}
        {percent}
      </span>
      <span className="kpi__target" data-testid="kpi-target">
        <span className="kpi__mark" aria-hidden="true">
          {figure.ok ? '✓' : '!'}
        </span>
        {target} · {t(figure.ok ? 'alarmReport.met' : 'alarmReport.missed')}
      </span>
      <span className="kpi__hint">{t(`alarmReport.hints.${figure.key}`)}</span>
    </div>
  )
}

/** A device by its name, for the tables; its id when the live store does not know it. */
function useDeviceName() {
  const language = useLanguage()
  const devices = useRoster()
  return (deviceId: string) => {
    const device = devices.find((d) => d.id === deviceId)
    return device ? localName(device, language) : deviceId
  }
}

/** A panel of the report with its heading. */
function ReportSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="panel alarm-report__section" aria-labelledby={id}>
      <h2 id={id} className="panel__title">
        {title}
      </h2>
      {children}
    </section>
  )
}

interface ReportTableProps<T> {
  testId: string
  /** Column heads, by i18n key under `alarmReport.columns`; '#' stays as it is. */
  columns: readonly string[]
  rows: readonly T[]
  rowKey: (row: T) => string
  rowTestId?: string
  cells: (row: T, index: number) => ReactNode[]
}

function ReportTable<T>({ testId, columns, rows, rowKey, rowTestId, cells }: ReportTableProps<T>) {
  const { t } = useTranslation()
  return (
    <table className="report-table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column === '#' ? column : t(`alarmReport.columns.${column}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={rowKey(row)} data-testid={rowTestId}>
            {cells(row, index).map((cell, column) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the columns of a row are fixed
              <td key={column}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Report({ kpis }: { kpis: AlarmKpis }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const deviceName = useDeviceName()
  const seconds = (value: number | undefined) => (value === undefined ? '—' : formatElapsed(value * 1000, language, t))
  const when = (ts: number) => formatTime(ts, language, 'dateTime')
  const chattering = new Set(kpis.chattering.map((c) => `${c.deviceId}|${c.ruleId}`))
  const pointKey = (row: { deviceId: string; ruleId: string }) => `${row.deviceId}|${row.ruleId}`
  return (
    <>
      <p className="alarm-report__total" data-testid="kpi-raised" data-count={kpis.raised}>
        {t('alarmReport.raised', { count: kpis.raised, from: when(kpis.from), to: when(kpis.to) })}
      </p>
      <div className="kpi-grid">
        {kpiFigures(kpis).map((figure) => (
          <FigureCard key={figure.key} figure={figure} />
        ))}
      </div>

      <ReportSection id="kpi-priorities-title" title={t('alarmReport.priorities')}>
        <ul className="priority-shares" data-testid="kpi-priorities">
          {priorityShares(kpis).map((share) => (
            <li key={share.priority} data-testid="kpi-priority" data-priority={share.priority}>
              <span className="priority-shares__name">
                {share.priority} {t(`alarms.priorities.${share.priority}`)}
              </span>
              <span className="priority-shares__bar" aria-hidden="true">
                <span style={{ width: `${Math.min(100, share.percent)}%` }} data-priority={share.priority} />
                {share.targetPercent !== undefined && (
                  <i className="priority-shares__target" style={{ left: `${share.targetPercent}%` }} />
                )}
              </span>
              <span className="tabular">
                {t('alarmReport.share', { count: share.count, percent: formatNumber(share.percent, language, 1) })}
                {share.targetPercent !== undefined &&
                  ` · ${t('alarmReport.shareTarget', { percent: formatNumber(share.targetPercent, language, 0) })}`}
              </span>
            </li>
          ))}
        </ul>
      </ReportSection>

      <ReportSection id="kpi-ack-title" title={t('alarmReport.timeToAck')}>
        <p className="alarm-report__line" data-testid="kpi-time-to-ack">
          {t('alarmReport.timeToAckSummary', {
            samples: kpis.timeToAcknowledge.samples,
            p50: seconds(kpis.timeToAcknowledge.p50Sec),
            p90: seconds(kpis.timeToAcknowledge.p90Sec),
          })}
          <br />
          <span className="alarm-report__hint">{t('alarmReport.timeToAckTarget')}</span>
        </p>
        <ReportTable
          testId="kpi-operators"
          columns={['operator', 'acknowledged', 'median']}
          rows={kpis.timeToAcknowledge.byOperator}
          rowKey={(row) => row.user}
          cells={(row) => [row.user, row.acknowledged, seconds(row.p50Sec)]}
        />
      </ReportSection>

      <ReportSection id="kpi-top10-title" title={t('alarmReport.top10')}>
        <ReportTable
          testId="kpi-top10"
          rowTestId="kpi-top10-row"
          columns={['#', 'device', 'rule', 'raises', 'chattering']}
          rows={kpis.top10}
          rowKey={pointKey}
          cells={(row, index) => [
            index + 1,
            deviceName(row.deviceId),
            ruleName(row.ruleId, language, t),
            row.raises,
            chattering.has(pointKey(row)) ? t('alarmReport.chatteringYes') : '',
          ]}
        />
        {kpis.chattering.length > 0 && (
          <p className="alarm-report__line" data-testid="kpi-chattering">
            {t('alarmReport.chatteringList', {
              list: kpis.chattering
                .map((c) => `${deviceName(c.deviceId)} · ${ruleName(c.ruleId, language, t)} (×${c.raises})`)
                .join(t('alarmReport.listSeparator')),
            })}
          </p>
        )}
      </ReportSection>

      <ReportSection id="kpi-floods-title" title={t('alarmReport.floods')}>
        {kpis.floods.length === 0 ? (
          <p className="alarm-report__line">{t('alarmReport.noFloods')}</p>
        ) : (
          <ReportTable
            testId="kpi-floods"
            rowTestId="kpi-flood"
            columns={['start', 'end', 'duration', 'peak']}
            rows={kpis.floods}
            rowKey={(period) => String(period.start)}
            cells={(period) => [
              when(period.start),
              period.end === undefined ? t('alarmReport.ongoing') : when(period.end),
              formatElapsed((period.end ?? kpis.to) - period.start, language, t),
              period.peakPer10Min,
            ]}
          />
        )}
      </ReportSection>
    </>
  )
}

/**
 * `/alarms/report`: how the site's alarm system performs (ISA-18.2 / EEMUA 191 KPIs) over the last day, week or
 * month, each figure next to its target, with the bad actors, the floods and the time to acknowledge per operator;
 * and the same as a CSV file for a spreadsheet.
 */
export function AlarmReportPage() {
  const { t } = useTranslation()
  const { site, status } = useSite()
  const [period, setPeriod] = useState<Period>('24h')
  const [to, setTo] = useState(() => Date.now())
  const from = to - PERIODS_MS[period]
  const key = site ? `kpis|${site.id}|${from}|${to}` : null
  const kpis = useApi(key, (signal) => fetchAlarmKpis(site?.id ?? '', from, to, signal))
  const failure = kpis.status === 'error' && kpis.error instanceof ApiError ? failureOf(kpis.error) : undefined
  if (failure && isForbidden(failure)) return <NotAllowed failure={failure} />

  const choose = (next: Period) => {
    setPeriod(next)
    setTo(Date.now())
  }
  return (
    <div className="page alarm-report" data-testid="alarm-report">
      <title>{`${t('alarmReport.title')} · ${t('app.name')}`}</title>
      <div className="alarm-report__head">
        <div>
          <h1 className="alarm-console__title">{t('alarmReport.title')}</h1>
          <p className="alarm-report__lead">{t('alarmReport.lead')}</p>
        </div>
        <div className="alarm-console__tools">
          <fieldset className="segmented">
            <legend className="visually-hidden">{t('alarmReport.period')}</legend>
            {PERIOD_KEYS.map((value) => (
              <button
                key={value}
                type="button"
                data-testid={`report-period-${value}`}
                aria-pressed={period === value}
                onClick={() => choose(value)}
              >
                {t(`alarmReport.periods.${value}`)}
              </button>
            ))}
          </fieldset>
          {site && (
            <a className="button" data-testid="kpi-export-csv" href={alarmKpisPath(site.id, from, to, 'csv')} download>
              {t('alarmReport.exportCsv')}
            </a>
          )}
          <Link to="/alarms" className="button">
            {t('alarmReport.console')}
          </Link>
        </div>
      </div>
      {status === 'error' ? (
        <p className="notice">{t('alarmReport.noSite')}</p>
      ) : kpis.status === 'error' ? (
        <FormError error={requestError(failureOf(kpis.error))} testId="alarm-report-error" />
      ) : kpis.data ? (
        <Report kpis={kpis.data} />
      ) : (
        <Loading text={t('alarmReport.loading')} />
      )}
    </div>
  )
}
