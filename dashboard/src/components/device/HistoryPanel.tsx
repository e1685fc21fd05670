import type { DeviceView, History, HistoryPoint } from '@fm/protocol'
import { type FormEvent, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { fetchHistory } from '../../api.ts'
import { mergeReadings } from '../../charts/buckets.ts'
import { chartMessage } from '../../charts/chart-message.ts'
import { csvFileName, downloadText, historyCsv } from '../../charts/csv.ts'
import { type ChartPoint, HistoryChart, toChartPoints, useElementSize } from '../../charts/HistoryChart.tsx'
import {
  type CustomRangeResult,
  chartMaxPoints,
  parseCustomRange,
  RANGE_KEYS,
  RANGES_MS,
  type RangeKey,
  toDateTimeLocal,
} from '../../charts/ranges.ts'
import { withGaps } from '../../charts/scale.ts'
import { defaultChartField, fieldSpec, isStateField, numericFields, stateFields } from '../../devices/fields.ts'
import { displayUnit, formatDuration } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useSite } from '../../site/SiteContext.ts'
import { useApi } from '../../useApi.ts'
import './HistoryPanel.css'
import { useLivePoints } from './useLivePoints.ts'

const NO_POINTS: readonly HistoryPoint[] = []

function storedPoints(history: History | undefined, field: string): readonly HistoryPoint[] {
  return history?.series.find((s) => s.field === field)?.points ?? NO_POINTS
}

const GAP: (ts: number) => ChartPoint = (ts) => ({ ts, mean: null, band: null })

/**
 * Longest spacing between points that is still one line: a few buckets, or three missed reports (when the device
 * counts as offline). Anything longer is drawn as a break.
 */
function maxGapMs(stepMs: number, reportIntervalSec: number): number {
  return Math.max(2.5 * stepMs, 3 * reportIntervalSec * 1000)
}

interface HistoryPanelProps {
  device: DeviceView
  chartSize?: { width: number; height: number }
}

type Range = RangeKey | 'custom'

/** A window the api is asked for: [from, to), epoch ms. */
interface TimeWindow {
  from: number
  to: number
}

/**
 * Field selector, range buttons (windows ending now, or a custom one) and the chart: REST history for the window,
 * then live readings merged in for windows that end now, and a CSV export of what is drawn.
 */
export function HistoryPanel({ device, chartSize }: HistoryPanelProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { site } = useSite()
  const numeric = numericFields(device.kind)
  const states = stateFields(device.kind)
  const [fieldKey, setFieldKey] = useState(() => defaultChartField(device.kind, device.values) ?? '')
  const [range, setRange] = useState<Range>('1h')
  // The end of the requested window; set when the query changes, so re-renders do not refetch.
  const [requestedAt, setRequestedAt] = useState(() => Date.now())
  const [custom, setCustom] = useState<TimeWindow>()
  const [customOpen, setCustomOpen] = useState(false)
  const [draft, setDraft] = useState({ from: '', to: '' })
  const [customError, setCustomError] = useState<Extract<CustomRangeResult, { ok: false }>['error']>()

  // About one bucket per pixel; the query waits for the first measurement so it is not sent twice.
  const chartRef = useRef<HTMLDivElement>(null)
  const measured = useElementSize(chartRef, !chartSize)
  const width = chartSize?.width ?? measured?.width
  const maxPoints = width === undefined ? undefined : chartMaxPoints(width)

  const live = range !== 'custom'
  const nowWindow = (key: RangeKey): TimeWindow => ({ from: requestedAt - RANGES_MS[key], to: requestedAt })
  // 'custom' is only chosen together with its window; the fallback is there for the type, not for users.
  const requested = range === 'custom' ? (custom ?? nowWindow('1h')) : nowWindow(range)
  const queryKey =
    fieldKey && maxPoints ? `${device.id}|${fieldKey}|${requested.from}|${requested.to}|${maxPoints}` : null
  const history = useApi(queryKey, (signal) =>
    fetchHistory(device.id, { from: requested.from, to: requested.to, fields: [fieldKey], maxPoints }, signal),
  )
  const spec = fieldSpec(device.kind, fieldKey)
  const readings = useLivePoints(device, spec, requestedAt, live)
  const stepMs = history.data?.stepMs ?? 0
  const gapMs = maxGapMs(stepMs, device.reportIntervalSec)
  const buckets = useMemo(
    () => mergeReadings(storedPoints(history.data, fieldKey), readings, stepMs),
    [history.data, fieldKey, readings, stepMs],
  )
  const points = useMemo(() => withGaps(toChartPoints(buckets), gapMs, GAP), [buckets, gapMs])

  if (!spec) return <p className="history__message">{t('history.noNumeric')}</p>

  // A window ending now slides with the newest reading; a custom one stays where it was put.
  const to = live ? Math.max(requested.to, readings.at(-1)?.ts ?? 0) : requested.to
  const windowFrom = live ? Math.max(requested.from, to - (requested.to - requested.from)) : requested.from
  const stateChart = isStateField(spec)
  // A step holds its state until the next change: carry the latest state to the right edge unless the device went
  // silent, so "running since 02:10" reaches now instead of stopping at the last bucket start.
  const last = points.at(-1)
  const data = live && stateChart && last?.band && to - last.ts <= gapMs ? [...points, { ...last, ts: to }] : points
  // Buckets that overlap the visible window: what the chart shows is what the file holds.
  const shown = buckets.filter((p) => p.ts + Math.max(stepMs, 1) > windowFrom && p.ts < to)

  const selectRange = (key: RangeKey) => {
    setRange(key)
    setCustomOpen(false)
    setCustomError(undefined)
    setRequestedAt(Date.now())
  }
  const openCustom = () => {
    if (!customOpen) setDraft({ from: toDateTimeLocal(windowFrom), to: toDateTimeLocal(to) })
    setCustomOpen(!customOpen)
    setCustomError(undefined)
  }
  const applyCustom = (event: FormEvent) => {
    event.preventDefault()
    const parsed = parseCustomRange(draft.from, draft.to)
    if (!parsed.ok) {
      setCustomError(parsed.error)
      return
    }
    setCustomError(undefined)
    setCustom({ from: parsed.from, to: parsed.to })
    setRange('custom')
  }
  const exportCsv = () => {
    const csv = historyCsv({ field: spec.key, unit: spec.unit, points: shown, timeZone: site?.timezone })
    downloadText(csv, csvFileName(device.id, spec.key, windowFrom, to, site?.timezone))
  }

  const option = (f: (typeof numeric)[number]) => (
    <option key={f.key} value={f.key}>
      {t(`fields.${device.kind}.${f.key}`)}
      {displayUnit(f) ? ` (${displayUnit(f)})` : ''}
    </option>
  )
  const message = chartMessage(history, data.length > 0, t)
  const tier = history.data?.tier
  const perPoint = stepMs > 0 ? t('history.perPoint', { step: formatDuration(stepMs, t) }) : undefined
  // Older apis send no tier: then only the bucket width is known.
  const resolution = tier
    ? [t(`history.tiers.${tier}`), perPoint].filter(Boolean).join(' · ')
    : (perPoint ?? t('history.raw'))

  return (
    <div className="history">
      <div className="history__controls">
        <label className="history__field">
          <span className="visually-hidden">{t('history.field')}</span>
          <select
            value={fieldKey}
            data-testid="history-field"
            onChange={(e) => {
              setFieldKey(e.target.value)
              setRequestedAt(Date.now())
            }}
          >
            {states.length > 0 ? (
              <>
                <optgroup label={t('history.numericGroup')}>{numeric.map(option)}</optgroup>
                <optgroup label={t('history.stateGroup')}>{states.map(option)}</optgroup>
              </>
            ) : (
              numeric.map(option)
            )}
          </select>
        </label>
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('history.range')}</legend>
          {RANGE_KEYS.map((key) => (
            <button
              key={key}
              type="button"
              data-testid={`range-${key}`}
              aria-pressed={range === key}
              onClick={() => selectRange(key)}
            >
              {t(`history.ranges.${key}`)}
            </button>
          ))}
          <button
            type="button"
            data-testid="range-custom"
            aria-pressed={range === 'custom'}
            aria-expanded={customOpen}
            aria-controls="history-custom-range"
            onClick={openCustom}
          >
            {t('history.ranges.custom')}
          </button>
        </fieldset>
      </div>
      {customOpen && (
        <form id="history-custom-range" className="history__custom" onSubmit={applyCustom} noValidate>
          <label>
            <span>{t('history.custom.from')}</span>
            <input
              type="datetime-local"
              data-testid="range-custom-from"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </label>
          <label>
            <span>{t('history.custom.to')}</span>
            <input
              type="datetime-local"
              data-testid="range-custom-to"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </label>
          <button type="submit" className="history__button" data-testid="range-custom-apply">
            {t('history.custom.apply')}
          </button>
          {customError && (
            <p className="history__error" role="alert" data-testid="range-custom-error">
              {t(`history.custom.${customError}`)}
            </p>
          )}
        </form>
      )}
      <div
        ref={chartRef}
        className="history-chart"
        data-testid="history-chart"
        data-status={history.status}
        data-tier={tier}
      >
        {message ? (
          <p className="history__message" role="status">
            {message}
          </p>
        ) : (
          <HistoryChart data={data} field={spec} from={windowFrom} to={to} language={language} size={chartSize} />
        )}
      </div>
      <div className="history__legend">
        <span>
          <i className="chart-key chart-key--mean" aria-hidden="true" />
          {t(stateChart ? 'history.state' : 'history.mean')}
        </span>
        <span>
          <i className="chart-key chart-key--band" aria-hidden="true" />
          {t(stateChart ? 'history.stateChanged' : 'history.band')}
        </span>
        {history.data && (
          <span className="history__resolution" data-testid="history-resolution">
            {resolution}
          </span>
        )}
        <button
          type="button"
          className="history__button"
          data-testid="history-export-csv"
          title={t('history.exportCsvTitle')}
          disabled={shown.length === 0}
          onClick={exportCsv}
        >
          {t('history.exportCsv')}
        </button>
      </div>
    </div>
  )
}
