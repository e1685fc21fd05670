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

/** Clock and axis times; `style` picks how much of the date to show. */
export function formatTime(ts: number, language: Language, style: 'time' | 'seconds' | 'dateTime' | 'day'): string {
  const key = `${language}|${style}`
  let format = dateTimeFormats.get(key)
  if (!format) {
    const options: Record<typeof style, Intl.DateTimeFormatOptions> = {
      time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      seconds: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
      dateTime: { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      day: { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' },
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
