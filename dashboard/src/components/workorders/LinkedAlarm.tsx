import type { WorkOrderView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { ruleName } from '../../alarms/rules.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useAlarms, useDevice } from '../../live/store.ts'
import { AlarmTrend } from '../alarms/AlarmTrend.tsx'
import { PriorityBadge } from '../alarms/PriorityBadge.tsx'

/**
 * The alarm that opened the work order, as it is now (the live store lists every alarm not back to normal), and the
 * last hour of its value: what a supervisor looks at before accepting the repair.
 */
export function LinkedAlarm({ order }: { order: WorkOrderView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const alarms = useAlarms(order.deviceId)
  const device = useDevice(order.deviceId)
  if (!order.alarm) return null
  const { id, ruleId, retriggers } = order.alarm
  const alarm = alarms.find((candidate) => candidate.id === id)
  const active = alarm?.active ?? false
  return (
    <section
      className="panel wo-section"
      aria-labelledby="wo-alarm-title"
      data-testid="wo-alarm"
      data-alarm-id={id}
      data-alarm-state={alarm?.state ?? 'normal'}
      data-alarm-active={active}
    >
      <h2 className="panel__title" id="wo-alarm-title">
        {t('workOrders.detail.alarm')}
      </h2>
      <div className="wo-alarm">
        {alarm && <PriorityBadge priority={alarm.priority} />}
        <strong>{ruleName(ruleId, language, t)}</strong>
        <span className="wo-alarm__state" data-testid="wo-alarm-state" data-active={active}>
          {alarm ? t(`alarms.states.${alarm.state}`) : t('workOrders.detail.alarmNormal')}
        </span>
        {retriggers > 0 && <span>{t('workOrders.detail.retriggers', { count: retriggers })}</span>}
        {alarm && (
          <Link to={`/alarms?alarm=${id}`} className="button button--small" data-testid="wo-alarm-link">
            {t('workOrders.detail.toAlarm')}
          </Link>
        )}
      </div>
      {active && order.state === 'resolved' && (
        <p className="notice wo-alarm__notice" data-testid="wo-alarm-still-active">
          {t('workOrders.detail.alarmStillActive')}
        </p>
      )}
      {device && (
        <div className="wo-alarm__trend">
          <AlarmTrend alarm={{ ruleId }} device={device} />
        </div>
      )}
    </section>
  )
}
