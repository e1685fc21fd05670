import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { useAnnunciator } from '../../alarms/AnnunciatorContext.ts'
import { countUnacknowledged, headlineAlarm } from '../../alarms/console-order.ts'
import { ruleName } from '../../alarms/rules.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useAlarms } from '../../live/store.ts'
import { PriorityBadge } from './PriorityBadge.tsx'
import { useAlarmPlace } from './useAlarmPlace.ts'
import './Alarms.css'

/**
 * On every page but the console, for those who respond to alarms: the most pressing unacknowledged alarm and how many
 * more wait, with the way to the console. A guard looking at a pump's chart must not miss a fire alarm.
 */
export function AlarmStrip() {
  const { t } = useTranslation()
  const language = useLanguage()
  const { enabled } = useAnnunciator()
  const alarms = useAlarms()
  const headline = useMemo(() => headlineAlarm(alarms), [alarms])
  const waiting = useMemo(() => countUnacknowledged(alarms), [alarms])
  const { deviceName, place } = useAlarmPlace(headline ?? { deviceId: '' })
  if (!enabled || !headline) return null
  return (
    <div
      className="alarm-strip"
      role="status"
      data-testid="alarm-strip"
      data-alarm-id={headline.id}
      data-priority={headline.priority}
      data-flash="true"
    >
      <PriorityBadge priority={headline.priority} />
      <strong className="alarm-strip__rule">{ruleName(headline.ruleId, language, t)}</strong>
      <span className="alarm-strip__device">
        {deviceName}
        {place && ` · ${place}`}
      </span>
      {waiting > 1 && <span className="alarm-strip__more">{t('alarms.strip.more', { count: waiting - 1 })}</span>}
      <Link to={`/alarms?alarm=${headline.id}`} className="button button--small" data-testid="alarm-strip-open">
        {t('alarms.strip.open')}
      </Link>
    </div>
  )
}
