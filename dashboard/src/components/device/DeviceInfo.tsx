import type { DeviceView } from '@fm/protocol'
import type { TFunction } from 'i18next'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { formatDuration, formatNumber, localName, withUnit } from '../../i18n/format.ts'
import { type Language, useLanguage } from '../../i18n/i18n.ts'
import { useRoster } from '../../live/store.ts'
import './DeviceInfo.css'

type Scalar = DeviceView['attributes'][string]

/**
 * Attribute keys follow the protocol's naming, unit as suffix (`capacity_m3`, `rated_current_a`, `interval_min`), so
 * the unit of an attribute nobody listed here is still known. Longest suffixes first: `_m3h` before `_m3` before `_m`.
 */
const UNIT_SUFFIXES: readonly (readonly [string, string])[] = [
  ['_m3h', 'm³/h'],
  ['_m3', 'm³'],
  ['_mpa', 'MPa'],
  ['_kwh', 'kWh'],
  ['_kw', 'kW'],
  ['_ma', 'mA'],
  ['_a', 'A'],
  ['_v', 'V'],
  ['_hz', 'Hz'],
  ['_pct', '%'],
  ['_c', '°C'],
  ['_m', 'm'],
]
const DURATION_SUFFIXES: readonly (readonly [string, number])[] = [
  ['_sec', 1000],
  ['_min', 60_000],
  ['_hours', 3_600_000],
]

/** What identifies the device's job comes first; the rest keeps the order it was provisioned in. */
const FIRST = ['role', 'zone', 'set', 'main', 'lane', 'direction', 'route', 'order', 'tank_type']
const rank = (key: string) => {
  const index = FIRST.indexOf(key)
  return index === -1 ? FIRST.length : index
}

function formatScalarNumber(value: number, language: Language): string {
  const decimals = Number.isInteger(value) ? 0 : Math.min(3, String(value).split('.')[1]?.length ?? 0)
  return formatNumber(value, language, decimals)
}

function attributeText(key: string, value: Scalar, language: Language, t: TFunction): ReactNode {
  if (typeof value === 'boolean') return t(`attributeFlags.${value}`)
  if (typeof value === 'string') {
    const translated = t(`attributeValues.${key}.${value}`, { defaultValue: value })
    if (!translated.includes('|')) return translated
    // A list provisioned as "1栋:18|2栋:18|…": items wrap between each other, never inside one.
    return (
      <span className="info-list__items">
        {translated.split('|').map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is static text; items may repeat
          <span key={i}>{item}</span>
        ))}
      </span>
    )
  }
  if (key === 'peak_vehicles_per_hour')
    return t('attributeUnits.vehiclesPerHour', { n: formatNumber(value, language, 0) })
  const duration = DURATION_SUFFIXES.find(([suffix]) => key.endsWith(suffix))
  if (duration) return formatDuration(value * duration[1], t)
  const unit = UNIT_SUFFIXES.find(([suffix]) => key.endsWith(suffix))?.[1] ?? ''
  return withUnit({ text: formatScalarNumber(value, language), unit })
}

/**
 * The registry facts of a device: its id (what a technician reads out on the phone), how often it reports, and the
 * attributes it was provisioned with (role, zone, capacity, lane…). An attribute naming another device links to it,
 * so "supply tank: 1#生活水箱" is one tap away.
 */
export function DeviceInfo({ device }: { device: DeviceView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const roster = useRoster()
  const intervalMs = device.reportIntervalSec * 1000
  const attributes = Object.entries(device.attributes).sort(([a], [b]) => rank(a) - rank(b))

  const linked = (value: Scalar): ReactNode => {
    if (typeof value !== 'string') return undefined
    const other = roster.find((d) => d.id === value)
    return other ? <Link to={`/devices/${encodeURIComponent(other.id)}`}>{localName(other, language)}</Link> : undefined
  }

  return (
    <dl className="info-list" data-testid="device-info">
      <div className="info-list__row">
        <dt>{t('device.id')}</dt>
        <dd>
          <code className="info-list__id" data-testid="device-id">
            {device.id}
          </code>
        </dd>
      </div>
      <div className="info-list__row">
        <dt>{t('device.reportInterval')}</dt>
        <dd>
          {t('device.reportEvery', { interval: formatDuration(intervalMs, t) })}
          <span className="info-list__hint">
            {t('device.offlineAfter', { interval: formatDuration(3 * intervalMs, t) })}
          </span>
        </dd>
      </div>
      {attributes.map(([key, value]) => (
        <div key={key} className="info-list__row" data-attribute={key}>
          <dt>{t(`attributes.${key}`, { defaultValue: key.replaceAll('_', ' ') })}</dt>
          <dd className="tabular">{linked(value) ?? attributeText(key, value, language, t)}</dd>
        </div>
      ))}
    </dl>
  )
}
