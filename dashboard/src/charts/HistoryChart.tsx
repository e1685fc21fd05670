import type { FieldSpec, HistoryPoint } from '@fm/protocol'
import { type RefObject, useLayoutEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts'
import { isStateField, stateCodes } from '../devices/fields.ts'
import {
  displayUnit,
  fieldDecimals,
  formatMonthDay,
  formatNumber,
  formatTime,
  formatYearMonth,
  withUnit,
} from '../i18n/format.ts'
import type { Language } from '../i18n/i18n.ts'
import './HistoryChart.css'
import { timeAxis, valueAxis } from './scale.ts'

/** One bucket of history, or one live reading (then min = max = mean). Nulls are a break: no readings there. */
export interface ChartPoint {
  ts: number
  mean: number | null
  band: [number, number] | null
}

/** Buckets of a history answer as the chart draws them. */
export function toChartPoints(points: readonly HistoryPoint[]): ChartPoint[] {
  return points.map((p) => ({ ts: p.ts, mean: p.mean, band: [p.min, p.max] }))
}

interface HistoryChartProps {
  data: readonly ChartPoint[]
  field: FieldSpec
  from: number
  to: number
  language: Language
  /** Fixed pixel size; without it the chart fills its container (tests need a size: happy-dom lays out 0×0). */
  size?: { width: number; height: number } | undefined
}

/** SVG presentation attributes do not take CSS variables everywhere; these mirror `styles/theme.css`. */
export const CHART_COLORS = {
  mean: '#38c2b4',
  band: '#3d9be9',
  grid: '#243551',
  axis: '#6f819c',
  tick: '#9fb0c8',
} as const

const TICK_FONT_SIZE = 12
/** Horizontal room one time label needs, with its gap: "12:40" or "11-27" at 12 px. */
const TIME_TICK_SPACING = 64
/** More time ticks than this crowd a wide chart without helping anyone read it. */
const MAX_TIME_TICKS = 8

/** Rough width of an axis label: CJK glyphs are square, Latin digits about 0.6 em. Good enough to size the axis. */
function labelWidth(text: string): number {
  let width = 0
  for (const char of text) width += (char.codePointAt(0) ?? 0) >= 0x2e80 ? TICK_FONT_SIZE : TICK_FONT_SIZE * 0.62
  return width
}

function isMidnight(ts: number): boolean {
  const date = new Date(ts)
  return date.getHours() === 0 && date.getMinutes() === 0
}

/** Follows the container's size, like recharts' ResponsiveContainer, but lets the chart know its width for ticks. */
export function useElementSize(ref: RefObject<HTMLElement | null>, enabled: boolean) {
  const [size, setSize] = useState<{ width: number; height: number }>()
  useLayoutEffect(() => {
    const element = ref.current
    if (!enabled || !element) return
    const update = () => {
      const { width, height } = element.getBoundingClientRect()
      setSize((prev) =>
        prev && Math.round(prev.width) === Math.round(width) && Math.round(prev.height) === Math.round(height)
          ? prev
          : { width, height },
      )
    }
    update()
    const observer = new ResizeObserver(update)
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref, enabled])
  return size
}

interface Axis {
  domain: [number, number]
  ticks: number[]
  format: (value: number) => string
  /** Decimals for values in the tooltip: at least the field's, more when the axis needs them to tell values apart. */
  decimals: number
}

function numericAxis(data: readonly ChartPoint[], field: FieldSpec, language: Language): Axis {
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  for (const point of data) {
    if (!point.band) continue
    low = Math.min(low, point.band[0])
    high = Math.max(high, point.band[1])
  }
  const digits = fieldDecimals(field)
  const axis = valueAxis(low, high, {
    fieldDecimals: digits,
    integer: field.type === 'integer',
    minimum: field.minimum,
    maximum: field.maximum,
  })
  const unit = displayUnit(field)
  return {
    domain: axis.domain,
    ticks: axis.ticks,
    format: (value) => withUnit({ text: formatNumber(value, language, axis.decimals), unit }),
    decimals: Math.min(Math.max(digits, axis.decimals), digits + 2),
  }
}

function ChartTooltip({
  active,
  payload,
  field,
  language,
  decimals,
  stateLabels,
}: TooltipContentProps & {
  field: FieldSpec
  language: Language
  decimals: number
  stateLabels: readonly string[] | undefined
}) {
  const { t } = useTranslation()
  const point = payload?.[0]?.payload as ChartPoint | undefined
  if (!active || !point?.band || point.mean === null) return null
  const [min, max] = point.band
  const time = <div className="chart-tooltip__time tabular">{formatTime(point.ts, language, 'dateTime')}</div>

  if (stateLabels) {
    const label = (code: number) => stateLabels[Math.round(code)] ?? String(code)
    const spanned = Array.from({ length: Math.round(max) - Math.round(min) + 1 }, (_, i) => label(min + i))
    return (
      <div className="chart-tooltip">
        {time}
        <div className="chart-tooltip__row">
          <span>{t('history.state')}</span>
          <strong>{spanned.join(' ↔ ')}</strong>
        </div>
        {min !== max && field.type === 'boolean' && (
          <div className="chart-tooltip__note">
            {t('history.stateShare', {
              state: label(1),
              share: `${formatNumber(point.mean * 100, language, 0)}%`,
            })}
          </div>
        )}
      </div>
    )
  }

  const unit = displayUnit(field)
  const fmt = (v: number) => withUnit({ text: formatNumber(v, language, decimals), unit })
  return (
    <div className="chart-tooltip">
      {time}
      <div className="chart-tooltip__row chart-tooltip__row--mean">
        <span>
          <i className="chart-key chart-key--mean" aria-hidden="true" />
          {t('history.mean')}
        </span>
        <strong className="tabular">{fmt(point.mean)}</strong>
      </div>
      <div className="chart-tooltip__row">
        <span>
          <i className="chart-key chart-key--band" aria-hidden="true" />
          {t('history.max')}
        </span>
        <span className="tabular">{fmt(max)}</span>
      </div>
      <div className="chart-tooltip__row">
        <span>
          <i className="chart-key chart-key--band" aria-hidden="true" />
          {t('history.min')}
        </span>
        <span className="tabular">{fmt(min)}</span>
      </div>
    </div>
  )
}

/** The step line of a state field: the state when a bucket held one; for a boolean bucket that flipped, the majority. */
function stateValue(point: ChartPoint, field: FieldSpec): number | null {
  if (!point.band || point.mean === null) return null
  if (point.band[0] === point.band[1]) return point.band[0]
  // An enum bucket that changed has no meaningful middle (closed ↔ tripped is not "open"): the band shows it.
  return field.type === 'boolean' ? Math.round(point.mean) : null
}

/**
 * Mean line over a min–max band: a bucket that hid a short spike still shows it in the band. Boolean and enum
 * fields are drawn as steps between their labelled states, with the band marking periods in which the state changed.
 */
export function HistoryChart({ data, field, from, to, language, size }: HistoryChartProps) {
  const { t } = useTranslation()
  const boxRef = useRef<HTMLDivElement>(null)
  const measured = useElementSize(boxRef, !size)
  const box = size ?? measured

  const states = isStateField(field)
  const stateLabels = states
    ? stateCodes(field).map((code) =>
        typeof code === 'boolean' ? t(`booleans.${field.key}.${code}`) : t(`enums.${field.key}.${code}`),
      )
    : undefined
  const axis: Axis = stateLabels
    ? {
        domain: [-0.35, stateLabels.length - 0.65],
        ticks: stateLabels.map((_, i) => i),
        format: (code) => stateLabels[code] ?? '',
        decimals: 0,
      }
    : numericAxis(data, field, language)
  const axisWidth = Math.min(120, 14 + Math.max(...axis.ticks.map((tick) => labelWidth(axis.format(tick)))))
  const plotWidth = Math.max(120, (box?.width ?? 640) - axisWidth - 16)
  const time = timeAxis(from, to, Math.min(MAX_TIME_TICKS, Math.max(3, Math.floor(plotWidth / TIME_TICK_SPACING))))
  // On a day-long axis, midnight is labelled with the date it starts, so "yesterday 22:00" and "today 02:00" differ.
  const timeLabel = (ts: number) =>
    time.label === 'month'
      ? formatYearMonth(ts)
      : time.label === 'day' || isMidnight(ts)
        ? formatMonthDay(ts)
        : formatTime(ts, language, 'time')
  const curve = states ? 'stepAfter' : 'linear'

  const chart = box && box.width > 0 && box.height > 0 && (
    <ComposedChart
      data={data as ChartPoint[]}
      width={box.width}
      height={box.height}
      margin={{ top: 10, right: 16, bottom: 0, left: 0 }}
    >
      <CartesianGrid stroke={CHART_COLORS.grid} strokeDasharray="3 4" vertical={false} />
      <XAxis
        dataKey="ts"
        type="number"
        scale="time"
        domain={[from, to]}
        allowDataOverflow
        ticks={time.ticks}
        interval={0}
        tickFormatter={timeLabel}
        stroke={CHART_COLORS.axis}
        tick={{ fill: CHART_COLORS.tick, fontSize: TICK_FONT_SIZE }}
        tickMargin={6}
      />
      <YAxis
        width={axisWidth}
        type="number"
        domain={axis.domain}
        ticks={axis.ticks}
        interval={0}
        allowDataOverflow
        // A few pixels off the axes, so a count that sits at 0 all night is a visible line, not part of the axis.
        padding={{ top: 4, bottom: 6 }}
        tickFormatter={axis.format}
        stroke={CHART_COLORS.axis}
        tick={{ fill: CHART_COLORS.tick, fontSize: TICK_FONT_SIZE }}
      />
      <Tooltip
        cursor={{ stroke: CHART_COLORS.axis, strokeDasharray: '3 3' }}
        isAnimationActive={false}
        content={(props) => (
          <ChartTooltip
            {...props}
            field={field}
            language={language}
            decimals={axis.decimals}
            stateLabels={stateLabels}
          />
        )}
      />
      <Area
        dataKey="band"
        type={curve}
        stroke={CHART_COLORS.band}
        strokeOpacity={0.55}
        strokeWidth={1}
        fill={CHART_COLORS.band}
        fillOpacity={states ? 0.3 : 0.24}
        isAnimationActive={false}
        activeDot={false}
        connectNulls={false}
      />
      <Line
        dataKey={states ? (point: ChartPoint) => stateValue(point, field) : 'mean'}
        type={curve}
        stroke={CHART_COLORS.mean}
        strokeWidth={states ? 2.5 : 2}
        dot={false}
        activeDot={{ r: 4, stroke: '#0a111d', strokeWidth: 2 }}
        isAnimationActive={false}
        connectNulls={false}
      />
    </ComposedChart>
  )
  if (size) return chart || null
  return (
    <div ref={boxRef} className="history-chart__box">
      {chart}
    </div>
  )
}
