import { type AlarmView, type DeviceView, PRIORITY_EXPECTATIONS } from '@fm/protocol'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { isFireAlarm, ruleGuidance } from '../../alarms/rules.ts'
import { formatDuration, formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { AlarmWorkOrderLink } from '../workorders/AlarmWorkOrderLink.tsx'
import { AlarmJournal } from './AlarmJournal.tsx'
import { AlarmTrend } from './AlarmTrend.tsx'
import { FireChecklist } from './FireChecklist.tsx'
import type { AlarmResponder } from './useAlarmResponder.tsx'

interface ActionButtonProps {
  testId: string
  label: string
  disabled: boolean
  onClick: () => unknown
  /** Why it is disabled, shown next to it. */
  why?: string | undefined
}

function ActionButton({ testId, label, disabled, onClick, why }: ActionButtonProps) {
  const whyId = useId()
  return (
    <>
      <button
        type="button"
        className="button"
        data-testid={testId}
        disabled={disabled}
        aria-describedby={why ? whyId : undefined}
        onClick={() => void onClick()}
      >
        {label}
      </button>
      {why && (
        <span className="alarm-detail__why" id={whyId}>
          {why}
        </span>
      )}
    </>
  )
}

/** The buttons of the detail, each only where the alarm's state and the user's role allow it. */
function AlarmActions({ alarm, responder }: { alarm: AlarmView; responder: AlarmResponder }) {
  const { t } = useTranslation()
  const busy = responder.pending.has(alarm.id)
  const { canRespond, canSuppress } = responder
  const p0 = alarm.priority === 'P0'
  return (
    <div className="alarm-detail__actions">
      {canRespond && !alarm.shelved && !alarm.outOfService && (
        <ActionButton
          testId="alarm-shelve"
          label={t('alarms.actions.shelve')}
          disabled={busy || p0}
          why={p0 ? t('alarms.p0NoShelve') : undefined}
          onClick={() => responder.openShelve(alarm)}
        />
      )}
      {canRespond && alarm.shelved && (
        <ActionButton
          testId="alarm-unshelve"
          label={t('alarms.actions.unshelve')}
          disabled={busy}
          onClick={() => responder.unshelve(alarm)}
        />
      )}
      {canRespond && alarm.latched && alarm.active && (
        <ActionButton
          testId="alarm-reset"
          label={t('alarms.actions.reset')}
          disabled={busy || alarm.conditionActive}
          why={alarm.conditionActive ? t('alarms.resetBlocked') : undefined}
          onClick={() => responder.reset(alarm)}
        />
      )}
      {canSuppress && alarm.outOfService && (
        <ActionButton
          testId="alarm-in-service"
          label={t('alarms.actions.inService')}
          disabled={busy}
          onClick={() => responder.returnToService(alarm)}
        />
      )}
      {canSuppress && !alarm.outOfService && (
        <ActionButton
          testId="alarm-out-of-service"
          label={t('alarms.actions.outOfService')}
          disabled={busy}
          onClick={() => responder.openOutOfService(alarm)}
        />
      )}
      <Link to={`/devices/${encodeURIComponent(alarm.deviceId)}`} className="button" data-testid="alarm-device-link">
        {t('alarms.actions.device')}
      </Link>
      <AlarmWorkOrderLink alarm={alarm} />
    </div>
  )
}

interface AlarmDetailProps {
  id: string
  alarm: AlarmView
  device: DeviceView | undefined
  responder: AlarmResponder
}

/**
 * What to do (the rule's guidance and the priority's response time), the fire procedure for a fire alarm, the last
 * hour of the value, the journal and the actions.
 */
export function AlarmDetail({ id, alarm, device, responder }: AlarmDetailProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const guidance = ruleGuidance(alarm.ruleId, language, t)
  const ackWithin = formatDuration(PRIORITY_EXPECTATIONS[alarm.priority].ackWithinSec * 1000, t)
  return (
    <div className="alarm-detail" id={id} data-testid="alarm-detail" data-alarm-id={alarm.id}>
      {isFireAlarm(alarm) && <FireChecklist alarm={alarm} responder={responder} />}
      <div className="alarm-detail__main">
        <div className="alarm-detail__guidance">
          {guidance && (
            <p data-testid="alarm-guidance">
              <strong>{t('alarms.detail.whatToDo')}</strong> {guidance}
            </p>
          )}
          <p className="alarm-detail__expectation">
            {t('alarms.detail.expectation', { priority: alarm.priority, time: ackWithin })}
            {alarm.raisedAt !== undefined &&
              ` · ${t('alarms.detail.raisedAt', { time: formatTime(alarm.raisedAt, language, 'stamp') })}`}
            {alarm.acknowledgedAt !== undefined &&
              ` · ${t('alarms.detail.acknowledged', {
                time: formatTime(alarm.acknowledgedAt, language, 'stamp'),
                by: alarm.acknowledgedBy ?? '',
              })}`}
          </p>
        </div>
        <AlarmActions alarm={alarm} responder={responder} />
        <div className="alarm-detail__columns">
          {device && <AlarmTrend alarm={alarm} device={device} />}
          <section aria-label={t('alarms.detail.journal')}>
            <h3 className="alarm-detail__heading">{t('alarms.detail.journal')}</h3>
            <AlarmJournal alarm={alarm} />
          </section>
        </div>
      </div>
    </div>
  )
}
