import type { FieldSpec } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts'
import { displayUnit, fieldDecimals, formatNumber, formatTime, withUnit } from '../i18n/format.ts'
import type { Language } from '../i18n/i18n.ts'
import './HistoryChart.css'

/** One bucket of history, or one live reading (then min = max = mean). */
export interface ChartPoint {
  ts: number
  mean: number
  band: [number, number]
}

interface HistoryChartProps {
  data: readonly ChartPoint[]
  field: FieldSpec
  from: number
  to: number
  language: Language
  /** Fixed pixel size; without it the chart fills its container's width (tests need a size: happy-dom lays out 0×0). */
  size?: { width: number; height: number }
}

const DAY_MS = 86_400_000
/** SVG presentation attributes do not take CSS variables everywhere; these mirror `styles/theme.css`. */
const COLORS = { line: '#38c2b4', grid: '#243551', axis: '#6f819c', tick: '#9fb0c8' }

function ChartTooltip({
  active,
  payload,
  field,
  language,
}: TooltipContentProps & { field: FieldSpec; language: Language }) {
  const { t } = useTranslation()
  const point = payload?.[0]?.payload as ChartPoint | undefined
  if (!active || !point) return null
  const unit = displayUnit(field)
  const digits = fieldDecimals(field)
  const fmt = (v: number) => withUnit({ text: formatNumber(v, language, digits), unit })
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip__time">{formatTime(point.ts, language, 'dateTime')}</div>
      <div>
        {t('history.mean')} <strong className="tabular">{fmt(point.mean)}</strong>
      </div>
      {point.band[0] !== point.band[1] && (
        <div className="chart-tooltip__band tabular">
          {t('history.band')} {fmt(point.band[0])} – {fmt(point.band[1])}
        </div>
      )}
    </div>
  )
}

/** Mean line over a min–max band: a bucket that hid a short spike still shows it in the band. */
export function HistoryChart({ data, field, from, to, language, size }: HistoryChartProps) {
  const digits = Math.min(fieldDecimals(field), 2)
  const long = to - from > DAY_MS
  // Wide enough for the longest tick label (a counter can reach six digits and separators), no wider.
  const widest = data.reduce((w, p) => Math.max(w, formatNumber(p.band[1], language, digits).length), 1)
  const axisWidth = Math.min(96, 16 + widest * 7.5)
  const chart = (
    <ComposedChart data={data as ChartPoint[]} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} {...(size ?? {})}>
      <defs>
        <linearGradient id="band-fill" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0%" stopColor={COLORS.line} stopOpacity={0.32} />
          <stop offset="100%" stopColor={COLORS.line} stopOpacity={0.12} />
        </linearGradient>
      </defs>
      <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 4" vertical={false} />
      <XAxis
        dataKey="ts"
        type="number"
        scale="time"
        domain={[from, to]}
        tickFormatter={(ts: number) => formatTime(ts, language, long ? 'dateTime' : 'time')}
        stroke={COLORS.axis}
        tick={{ fill: COLORS.tick, fontSize: 12 }}
        minTickGap={28}
      />
      <YAxis
        width={axisWidth}
        domain={['auto', 'auto']}
        allowDecimals={field.type !== 'integer'}
        tickFormatter={(v: number) => formatNumber(v, language, digits)}
        stroke={COLORS.axis}
        tick={{ fill: COLORS.tick, fontSize: 12 }}
      />
      <Tooltip content={(props) => <ChartTooltip {...props} field={field} language={language} />} />
      <Area
        dataKey="band"
        stroke="none"
        fill="url(#band-fill)"
        isAnimationActive={false}
        activeDot={false}
        connectNulls
      />
      <Line dataKey="mean" stroke={COLORS.line} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
    </ComposedChart>
  )
  if (size) return chart
  return (
    <ResponsiveContainer width="100%" height="100%">
      {chart}
    </ResponsiveContainer>
  )
}
