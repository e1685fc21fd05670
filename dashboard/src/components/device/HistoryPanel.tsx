import type { DeviceView, History } from '@fm/protocol'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { fetchHistory } from '../../api.ts'
import { type ChartPoint, HistoryChart } from '../../charts/HistoryChart.tsx'
import { withGaps } from '../../charts/scale.ts'
import { defaultChartField, fieldSpec, isStateField, numericFields, stateFields } from '../../devices/fields.ts'
import { displayUnit, formatDuration } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useApi } from '../../useApi.ts'
import './HistoryPanel.css'
import { useLivePoints } from './useLivePoints.ts'

export const RANGES_MS = { '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const
export type RangeKey = keyof typeof RANGES_MS
const RANGE_KEYS = Object.keys(RANGES_MS) as RangeKey[]

function toChartPoints(history: History | undefined, field: string): ChartPoint[] {
  const series = history?.series.find((s) => s.field === field)
  return (series?.points ?? []).map((p) => ({ ts: p.ts, mean: p.mean, band: [p.min, p.max] }))
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

/** Field selector, range buttons and the chart: REST history for the range, then live readings appended. */
export function HistoryPanel({ device, chartSize }: HistoryPanelProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const numeric = numericFields(device.kind)
  const states = stateFields(device.kind)
  const [fieldKey, setFieldKey] = useState(() => defaultChartField(device.kind, device.values) ?? '')
  const [range, setRange] = useState<RangeKey>('1h')
  // The end of the requested window; set when the query changes, so re-renders do not refetch.
  const [requestedAt, setRequestedAt] = useState(() => Date.now())
  const from = requestedAt - RANGES_MS[range]

  const history = useApi(fieldKey ? `${device.id}|${fieldKey}|${range}|${requestedAt}` : null, (signal) =>
    fetchHistory(device.id, { from, to: requestedAt, fields: [fieldKey] }, signal),
  )
  const spec = fieldSpec(device.kind, fieldKey)
  const live = useLivePoints(device, spec, requestedAt)
  const stepMs = history.data?.stepMs ?? 0
  const gapMs = maxGapMs(stepMs, device.reportIntervalSec)
  const points = useMemo(() => {
    const stored = toChartPoints(history.data, fieldKey)
    const lastTs = stored.at(-1)?.ts ?? Number.NEGATIVE_INFINITY
    return withGaps([...stored, ...live.filter((p) => p.ts > lastTs)], gapMs, GAP)
  }, [history.data, fieldKey, live, gapMs])

  if (!spec) return <p className="history__message">{t('history.noNumeric')}</p>

  const to = Math.max(requestedAt, points.at(-1)?.ts ?? 0)
  const windowFrom = Math.max(from, to - RANGES_MS[range])
  const stateChart = isStateField(spec)
  // A step holds its state until the next change: carry the latest state to the right edge unless the device went
  // silent, so "running since 02:10" reaches now instead of stopping at the last bucket start.
  const last = points.at(-1)
  const data = stateChart && last?.band && to - last.ts <= gapMs ? [...points, { ...last, ts: to }] : points
  const option = (f: (typeof numeric)[number]) => (
    <option key={f.key} value={f.key}>
      {t(`fields.${device.kind}.${f.key}`)}
      {displayUnit(f) ? ` (${displayUnit(f)})` : ''}
    </option>
  )
  const message =
    data.length > 0
      ? undefined
      : history.status === 'loading'
        ? t('history.loading')
        : history.status === 'error'
          ? t('history.error')
          : t('history.empty')

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
              onClick={() => {
                setRange(key)
                setRequestedAt(Date.now())
              }}
            >
              {t(`history.ranges.${key}`)}
            </button>
          ))}
        </fieldset>
      </div>
      <div className="history-chart" data-testid="history-chart" data-status={history.status}>
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
          <span className="history__resolution">
            {stepMs > 0 ? t('history.perPoint', { step: formatDuration(stepMs, t) }) : t('history.raw')}
          </span>
        )}
      </div>
    </div>
  )
}
