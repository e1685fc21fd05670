/**
 * Locale-aware formatting of telemetry values with the units of the protocol's field catalogue. Pure functions of
 * (field, value, language), so cards, tables, tooltips and tests print the same text.
 */
import type { FieldSpec, FieldValue } from '@fm/protocol'
import type { TFunction } from 'i18next'
import type { Language } from './i18n.ts'

/**
 * Decimals shown per unit: what a technician can act on, not what the sensor sends. A pressure is read in hundredths
 * of a MPa (0.01 MPa ≈ 1 m of head); a line voltage in whole volts.
 */
const DECIMALS_BY_UNIT: Record<string, number> = {
  '%': 0,
  m: 2,
  'm³': 0,
  'mg/L': 2,
  NTU: 2,
  pH: 1,
  '°C': 1,
  MPa: 2,
  A: 1,
  Hz: 1,
  h: 0,
  V: 0,
  kW: 1,
  kWh: 0,
  '': 2,
  mA: 0,
}

/** Units that the label already says ("pH 值 7.2", not "7.2 pH"). */
const UNITS_SHOWN_IN_LABEL = new Set(['pH'])

const numberFormats = new Map<string, Intl.NumberFormat>()

export function formatNumber(value: number, language: Language, decimals: number): string {
  const key = `${language}|${decimals}`
  let format = numberFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(language, { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    numberFormats.set(key, format)
  }
  return format.format(value)
}

export function fieldDecimals(field: FieldSpec): number {
  if (field.type === 'integer') return 0
  return DECIMALS_BY_UNIT[field.unit ?? ''] ?? 1
}

/** The unit to print after a value; '' when none. */
export function displayUnit(field: FieldSpec): string {
  const unit = field.unit ?? ''
  return UNITS_SHOWN_IN_LABEL.has(unit) ? '' : unit
}

export interface FormattedValue {
  text: string
  unit: string
}

/** A value as shown to people: a localized number plus its unit, or the label of a boolean or enum state. */
export function formatFieldValue(
  field: FieldSpec,
  value: FieldValue | undefined,
  language: Language,
  t: TFunction,
): FormattedValue {
  if (value === undefined) return { text: t('device.noValue'), unit: '' }
  if (typeof value === 'number') {
    return { text: formatNumber(value, language, fieldDecimals(field)), unit: displayUnit(field) }
  }
  if (typeof value === 'boolean') return { text: t(`booleans.${field.key}.${value}`), unit: '' }
  return { text: t(`enums.${field.key}.${value}`, { defaultValue: value }), unit: '' }
}

/** Joins a number and its unit the way each script writes it: "85%", "0.42 MPa", "25.3 °C". */
export function withUnit({ text, unit }: FormattedValue): string {
  if (!unit) return text
  return unit === '%' ? `${text}%` : `${text}\u2009${unit}`
}

/** Device, site, building and room names: the English name when English is chosen and one exists. */
export function localName(entity: { name: string; nameEn?: string | undefined }, language: Language): string {
  return language === 'en' && entity.nameEn ? entity.nameEn : entity.name
}

const relativeFormats = new Map<Language, Intl.RelativeTimeFormat>()

/** "3 秒前" / "3 seconds ago", in the largest whole unit. */
export function formatAgo(ts: number, now: number, language: Language): string {
  let format = relativeFormats.get(language)
  if (!format) {
    format = new Intl.RelativeTimeFormat(language, { numeric: 'auto', style: 'long' })
    relativeFormats.set(language, format)
  }
  const seconds = Math.round((ts - now) / 1000)
  const abs = Math.abs(seconds)
  if (abs < 60) return format.format(seconds, 'second')
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour')
  return format.format(Math.round(seconds / 86_400), 'day')
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>()

/** Clock and axis times; `style` picks how much of the date to show (`stamp`: all of it, to the second, for records). */
export function formatTime(
  ts: number,
  language: Language,
  style: 'time' | 'seconds' | 'dateTime' | 'day' | 'stamp',
): string {
  const key = `${language}|${style}`
  let format = dateTimeFormats.get(key)
  if (!format) {
    const options: Record<typeof style, Intl.DateTimeFormatOptions> = {
      time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      seconds: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
      dateTime: { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      day: { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' },
      stamp: {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      },
    }
    format = new Intl.DateTimeFormat(language, options[style])
    dateTimeFormats.set(key, format)
  }
  return format.format(ts)
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/**
 * "11-27": the day on a week-long axis. Numeric month-day reads the same in both languages and stays as narrow as
 * "HH:mm", so the 7-day axis fits a phone.
 */
export function formatMonthDay(ts: number): string {
  const date = new Date(ts)
  return `${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`
}

/** "2026-05": the month on a year-long axis, with its year, since such an axis crosses New Year. */
export function formatYearMonth(ts: number): string {
  const date = new Date(ts)
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}`
}

/** A duration in its largest whole unit, for report intervals and chart resolutions: "5 秒", "15 min", "2 h". */
export function formatDuration(ms: number, t: TFunction): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60 || seconds % 60 !== 0) return t('durations.seconds', { n: seconds })
  const minutes = seconds / 60
  if (minutes < 60 || minutes % 60 !== 0) return t('durations.minutes', { n: minutes })
  const hours = minutes / 60
  if (hours < 24 || hours % 24 !== 0) return t('durations.hours', { n: hours })
  return t('durations.days', { n: hours / 24 })
}

const SECOND_MS = 1000
const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
type DurationKey = 'seconds' | 'minutes' | 'hours' | 'days'
/** Above a minute, an elapsed time is shown in two units: the largest it reaches and the next one down. */
const ELAPSED_UNITS: readonly { below: number; big: [DurationKey, number]; small: [DurationKey, number] }[] = [
  { below: HOUR_MS, big: ['minutes', MINUTE_MS], small: ['seconds', SECOND_MS] },
  { below: DAY_MS, big: ['hours', HOUR_MS], small: ['minutes', MINUTE_MS] },
  { below: Number.POSITIVE_INFINITY, big: ['days', DAY_MS], small: ['hours', HOUR_MS] },
]

/**
 * An elapsed time (uptime, write lag, status age) in at most two units, so it stays short on a phone and can still
 * be read at a glance: "850 ms", "4.2 s", "4 min 12 s", "2 h 5 min", "3 d 4 h". Seconds keep a decimal below ten,
 * where the difference between 1.2 s and 9.8 s of lag matters.
 */
export function formatElapsed(ms: number, language: Language, t: TFunction): string {
  const n = (value: number, decimals = 0) => formatNumber(value, language, decimals)
  const span = Math.max(0, ms)
  if (span < SECOND_MS) return t('durations.ms', { n: n(Math.round(span)) })
  if (span < 10 * SECOND_MS) return t('durations.seconds', { n: n(Math.floor(span / 100) / 10, 1) })
  if (span < MINUTE_MS) return t('durations.seconds', { n: n(Math.floor(span / SECOND_MS)) })
  // The last entry has no upper bound, so `find` always finds one; the check is for the type checker.
  const units = ELAPSED_UNITS.find((u) => span < u.below)
  if (!units) return ''
  const [bigKey, bigMs] = units.big
  const [smallKey, smallMs] = units.small
  const whole = Math.floor(span / bigMs)
  const rest = Math.floor((span - whole * bigMs) / smallMs)
  const head = t(`durations.${bigKey}`, { n: n(whole) })
  return rest === 0 ? head : `${head} ${t(`durations.${smallKey}`, { n: n(rest) })}`
}

const MIB = 1024 * 1024
const BYTE_UNITS = [
  ['GiB', 1024 * MIB],
  ['MiB', MIB],
  ['KiB', 1024],
] as const

/** Memory in MiB with one decimal ("312.4 MiB"): the unit the broker's limits are thought in. */
export function formatMiB(bytes: number, language: Language): string {
  return `${formatNumber(bytes / MIB, language, 1)}\u2009MiB`
}

/** A byte count in the largest binary unit it reaches: "0 B", "12.5 KiB", "3.0 MiB". */
export function formatBytes(bytes: number, language: Language): string {
  for (const [unit, size] of BYTE_UNITS) {
    if (bytes >= size) return `${formatNumber(bytes / size, language, 1)}\u2009${unit}`
  }
  return `${formatNumber(bytes, language, 0)}\u2009B`
}

/**
 * How full something is, in whole percent of its limit, capped at 100. A fill that is not zero never reads "0%"
 * ("<1%"), and one short of the limit never reads "100%" ("99%"): either would hide what matters.
 */
export function formatFill(value: number, limit: number, language: Language): string {
  if (limit <= 0) return '—'
  const percent = (value / limit) * 100
  if (value > 0 && percent < 1) return `<${formatNumber(1, language, 0)}%`
  const shown = value < limit ? Math.min(99, Math.round(percent)) : 100
  return `${formatNumber(shown, language, 0)}%`
}

/** A rate per second: a decimal while it is small enough for one to matter ("2.5", "1,234"). */
export function formatRate(perSecond: number, language: Language): string {
  return formatNumber(perSecond, language, perSecond < 100 ? 1 : 0)
}
