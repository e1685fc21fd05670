import { useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts'
import { CHART_COLORS, useElementSize } from '../../charts/HistoryChart.tsx'
import { formatNumber, formatYearMonth } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import type { TrendPoint } from '../../workorders/maintenance-kpis.ts'

const CHART_HEIGHT = 120
const TARGET_COLOR = '#f5b53f'

interface KpiTrendChartProps {
  points: readonly TrendPoint[]
  target: number | undefined
  /** What the chart shows, for screen readers: "零修及时率, the last 6 months". */
  label: string
  /** Fixed pixel size for tests (happy-dom lays out 0×0); the chart otherwise fills its box. */
  size?: { width: number; height: number } | undefined
}

/** A KPI over the last months, in percent, with its target drawn across: is it getting better, and is it there? */
export function KpiTrendChart({ points, target, label, size }: KpiTrendChartProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const box = useRef<HTMLDivElement>(null)
  const measured = useElementSize(box, size === undefined)
  const { width = 0, height = CHART_HEIGHT } = size ?? measured ?? {}
  const values = points.flatMap((point) => (point.value === null ? [] : [point.value]))
  const low = Math.min(...values, target ?? 100)
  const floor = Math.max(0, Math.floor((low - 5) / 10) * 10)
  const percent = (value: number) => `${formatNumber(value, language, 0)}%`
  return (
    <div className="kpi-trend" ref={box} role="img" aria-label={label} data-testid="kpi-trend">
      {points.length === 0 ? (
        <span className="kpi-trend__empty">{t('maintenance.kpis.noTrend')}</span>
      ) : (
        width > 0 && (
          <LineChart width={width} height={height} data={[...points]} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
            <XAxis
              dataKey="from"
              tickFormatter={(ts: number) => formatYearMonth(ts).slice(2)}
              stroke={CHART_COLORS.axis}
              tick={{ fill: CHART_COLORS.tick, fontSize: 11 }}
              interval="preserveStartEnd"
            />
            <YAxis
              domain={[floor, 100]}
              tickFormatter={percent}
              width={40}
              stroke={CHART_COLORS.axis}
              tick={{ fill: CHART_COLORS.tick, fontSize: 11 }}
              tickCount={3}
            />
            <Tooltip
              labelFormatter={(ts) => formatYearMonth(Number(ts))}
              formatter={(value) => [percent(Number(value)), t('maintenance.kpis.value')]}
              contentStyle={{ background: '#131e30', border: '1px solid #33496d' }}
            />
            {target !== undefined && (
              <ReferenceLine
                y={target}
                stroke={TARGET_COLOR}
                strokeDasharray="4 3"
                ifOverflow="extendDomain"
                label={{ value: percent(target), fill: TARGET_COLOR, fontSize: 11, position: 'insideTopRight' }}
              />
            )}
            <Line
              type="monotone"
              dataKey="value"
              stroke={CHART_COLORS.mean}
              strokeWidth={2}
              dot={{ r: 3 }}
              connectNulls={false}
              isAnimationActive={false}
            />
          </LineChart>
        )
      )}
    </div>
  )
}
