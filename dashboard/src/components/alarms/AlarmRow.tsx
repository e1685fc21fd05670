import { type AlarmView, alarmRule, type DeviceView } from '@fm/protocol'
import type { Ref } from 'react'
import { useTranslation } from 'react-i18next'
import { needsAck, startedAt, suppressionOf } from '../../alarms/console-order.ts'
import { ruleField, ruleName } from '../../alarms/rules.ts'
import { fieldSpec } from '../../devices/fields.ts'
import { formatElapsed, formatFieldValue, formatTime, withUnit } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useNow } from '../../time/useNow.ts'
import { AlarmDetail } from './AlarmDetail.tsx'
import { PriorityBadge } from './PriorityBadge.tsx'
import { useAlarmPlace } from './useAlarmPlace.ts'
import type { AlarmResponder } from './useAlarmResponder.tsx'

/** The rule's field as the device reports it now; for a comms loss, whether the device is online. */
function LiveValue({ alarm, device }: { alarm: AlarmView; device: DeviceView | undefined }) {
  const { t } = useTranslation()
  const language = useLanguage()
  if (!device) return null
  const field = ruleField(alarmRule(alarm.ruleId))
  const spec = field ? fieldSpec(device.kind, field) : undefined
  if (!field || !spec) {
    return (
      <span className="alarm-row__value" data-testid="alarm-value" data-online={device.online}>
        {t(device.online ? 'device.online' : 'device.offline')}
      </span>
    )
  }
  const value = device.values[field]
  return (
    <span className="alarm-row__value" data-testid="alarm-value" data-field={field} data-value={String(value ?? '')}>
      <span className="alarm-row__value-label">{t(`fields.${device.kind}.${field}`)}</span>
      <span className="tabular">{withUnit(formatFieldValue(spec, value, language, t))}</span>
    </span>
  )
}

/** How long the alarm has stood, ticking: what the guard weighs against the priority's response time. */
function Age({ alarm }: { alarm: AlarmView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const now = useNow()
  const since = startedAt(alarm)
  return (
    <time
      className="alarm-row__age tabular"
      data-testid="alarm-age"
      dateTime={new Date(since).toISOString()}
      title={formatTime(since, language, 'stamp')}
    >
      {formatElapsed(now - since, language, t)}
    </time>
  )
}

/** Why a suppressed alarm is out of the list, until when and on whose word. */
export function SuppressionNote({ alarm }: { alarm: AlarmView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const kind = suppressionOf(alarm)
  if (!kind) return null
  const until = (ts: number | undefined) => (ts === undefined ? '' : formatTime(ts, language, 'dateTime'))
  const text =
    kind === 'out-of-service' && alarm.outOfService
      ? t('alarms.suppression.outOfService', { ...alarm.outOfService, until: until(alarm.outOfService.until) })
      : kind === 'shelved' && alarm.shelved
        ? alarm.shelved.kind === 'one-shot'
          ? t('alarms.suppression.oneShot', alarm.shelved)
          : t('alarms.suppression.shelved', { ...alarm.shelved, until: until(alarm.shelved.until) })
        : t('alarms.suppression.byDesign')
  return (
    <p className="alarm-row__suppression" data-testid="alarm-suppression" data-kind={kind}>
      {text}
    </p>
  )
}

interface AlarmRowProps {
  alarm: AlarmView
  selected: boolean
  expanded: boolean
  /** Selects the row and opens or closes its detail. */
  onOpen: () => void
  buttonRef?: Ref<HTMLButtonElement>
  /** The console's list: only the selected row is in the Tab order, the arrow keys move between rows. */
  roving?: boolean
  responder: AlarmResponder
}

/**
 * One alarm: priority, device and place, rule, state, raises, the live value and how long it has stood, with a button
 * to acknowledge it; the row opens its detail. Unacknowledged alarms flash (steady, in high contrast, for those who
 * asked their system for reduced motion).
 */
export function AlarmRow({ alarm, selected, expanded, onOpen, buttonRef, roving = false, responder }: AlarmRowProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { device, deviceName, place } = useAlarmPlace(alarm)
  const suppressed = suppressionOf(alarm)
  const unacknowledged = needsAck(alarm)
  const awaitingReset = alarm.latched && alarm.active && !alarm.conditionActive
  const detailId = `alarm-detail-${alarm.id}`
  return (
    <li
      className="alarm-row"
      data-testid="alarm-row"
      data-alarm-id={alarm.id}
      data-alarm-device={alarm.deviceId}
      data-alarm-rule={alarm.ruleId}
      data-priority={alarm.priority}
      data-state={alarm.state}
      data-selected={selected}
      data-suppressed={suppressed}
      data-flash={unacknowledged && !suppressed}
      data-awaiting-reset={awaitingReset}
    >
      <div className="alarm-row__line">
        <button
          type="button"
          ref={buttonRef}
          className="alarm-row__main"
          data-testid="alarm-open"
          tabIndex={roving ? (selected ? 0 : -1) : undefined}
          aria-expanded={expanded}
          aria-controls={expanded ? detailId : undefined}
          onClick={onOpen}
        >
          <PriorityBadge priority={alarm.priority} />
          <span className="alarm-row__what">
            <span className="alarm-row__rule">{ruleName(alarm.ruleId, language, t)}</span>
            <span className="alarm-row__device">
              {deviceName}
              {place && <span className="alarm-row__place"> · {place}</span>}
            </span>
          </span>
          <span className="alarm-row__state" data-testid="alarm-state">
            {t(`alarms.states.${alarm.state}`)}
            {awaitingReset && <span className="alarm-row__tag">{t('alarms.awaitingReset')}</span>}
          </span>
          <span className="alarm-row__count tabular" data-testid="alarm-count" data-count={alarm.count}>
            {alarm.count > 1 ? `×${alarm.count}` : ''}
          </span>
          <LiveValue alarm={alarm} device={device} />
          <Age alarm={alarm} />
        </button>
        {unacknowledged && responder.canRespond && (
          <button
            type="button"
            className="button alarm-row__ack"
            data-testid="alarm-ack"
            disabled={responder.pending.has(alarm.id)}
            onClick={() => responder.acknowledge(alarm)}
          >
            {t('alarms.actions.ack')}
          </button>
        )}
      </div>
      {suppressed && <SuppressionNote alarm={alarm} />}
      {expanded && <AlarmDetail id={detailId} alarm={alarm} device={device} responder={responder} />}
    </li>
  )
}
