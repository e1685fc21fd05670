import {
  ALARM_PRIORITIES,
  type AlarmPriority,
  HOLD_REASONS,
  type HoldReason,
  PAUSING_HOLD_REASONS,
  WORK_ORDER_CATEGORIES,
  type WorkOrderActionInput,
  type WorkOrderActionName,
  type WorkOrderCategory,
  type WorkOrderView,
} from '@fm/protocol'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Failure } from '../../api.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { isDestructive } from '../../workorders/actions.ts'
import { openItems } from '../../workorders/checklist.ts'
import { ReasonField, reasonProblem } from '../alarms/ShelveDialog.tsx'
import { Field } from '../forms/Field.tsx'
import { checkError } from '../forms/FormError.tsx'
import { Select } from '../forms/Select.tsx'
import { WorkOrderDialog } from './WorkOrderDialog.tsx'

/** The api's limit for a reason or a resolution note (`WorkOrderActionInput`). */
export const WO_REASON_MAX_CHARS = 2000
/** The api's limit for the labour of one resolution: a week, in minutes. */
export const LABOR_MAX_MIN = 7 * 24 * 60
export const CAUSE_MAX_CHARS = 200

export interface ActionDialogProps {
  order: WorkOrderView
  onSubmit: (input: WorkOrderActionInput) => Promise<Failure | undefined>
  onCancel: () => void
}

/**
 * An action whose reason is mandatory and kept on the timeline: decline, return, reopen, cancel, reject; and the
 * supervisor's override of a verification refused because the alarm is still active.
 */
export function ReasonDialog({
  order,
  action,
  override = false,
  onSubmit,
  onCancel,
}: ActionDialogProps & { action: WorkOrderActionName; override?: boolean }) {
  const { t } = useTranslation()
  const [reason, setReason] = useState('')
  const kind = override ? 'override' : action
  return (
    <WorkOrderDialog
      order={order}
      kind={kind}
      submitLabel={override ? t('workOrders.dialog.overrideSubmit') : undefined}
      danger={override || isDestructive(action)}
      check={() => reasonProblem(reason, t('workOrders.dialog.reasonMissing'))}
      send={() =>
        onSubmit(
          override ? { action: 'verify', override: true, reason: reason.trim() } : { action, reason: reason.trim() },
        )
      }
      onCancel={onCancel}
    >
      {override && (
        <p className="notice" data-testid="wo-override-notice">
          {t('workOrders.dialog.overrideBody')}
        </p>
      )}
      <ReasonField
        testId="wo-reason"
        value={reason}
        onChange={setReason}
        label={t(`workOrders.dialog.reasonLabels.${kind}`)}
        hint={t('workOrders.dialog.reasonHint')}
        maxLength={WO_REASON_MAX_CHARS}
      />
    </WorkOrderDialog>
  )
}

/** On hold, with why: waiting for the resident or an approval stops the clocks, parts or a contractor do not. */
export function HoldDialog({ order, onSubmit, onCancel }: ActionDialogProps) {
  const { t } = useTranslation()
  const [holdReason, setHoldReason] = useState<HoldReason>()
  const [note, setNote] = useState('')
  return (
    <WorkOrderDialog
      order={order}
      kind="hold"
      check={() =>
        holdReason === undefined
          ? checkError('hold-reason-missing', t('workOrders.hold.reasonMissing'))
          : reasonProblem(note, t('workOrders.dialog.reasonMissing'))
      }
      send={() => onSubmit({ action: 'hold', holdReason, reason: note.trim() })}
      onCancel={onCancel}
    >
      <fieldset className="field wo-choices">
        <legend className="field__label">{t('workOrders.hold.why')}</legend>
        {HOLD_REASONS.map((reason, index) => (
          <label key={reason} className="check wo-choice">
            <input
              type="radio"
              name="hold-reason"
              data-testid="wo-hold-reason"
              data-value={reason}
              data-autofocus={index === 0 || undefined}
              checked={holdReason === reason}
              onChange={() => setHoldReason(reason)}
            />
            <span>
              {t(`workOrders.holdReasons.${reason}`)}
              <span className="wo-choice__hint" data-pauses={PAUSING_HOLD_REASONS.includes(reason)}>
                {t(PAUSING_HOLD_REASONS.includes(reason) ? 'workOrders.hold.pauses' : 'workOrders.hold.runs')}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <ReasonField
        testId="wo-reason"
        value={note}
        onChange={setNote}
        label={t('workOrders.dialog.reasonLabels.hold')}
        hint={t('workOrders.dialog.reasonHint')}
        maxLength={WO_REASON_MAX_CHARS}
        autoFocus={false}
      />
    </WorkOrderDialog>
  )
}

/** The labour typed in, in whole minutes; undefined when left empty; NaN when it is no such number. */
export function parseLaborMin(text: string): number | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const minutes = Number(trimmed)
  return Number.isInteger(minutes) && minutes >= 0 && minutes <= LABOR_MAX_MIN ? minutes : Number.NaN
}

/** Done: what was found and done, the cause and the labour. Refused here while an item of the checklist is open. */
export function ResolveDialog({ order, onSubmit, onCancel }: ActionDialogProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const causeId = useId()
  const laborId = useId()
  const [note, setNote] = useState('')
  const [cause, setCause] = useState('')
  const [labor, setLabor] = useState('')
  const check = () => {
    const open = openItems(order.checklist ?? [], order.checklistResults)
    if (open.length > 0) {
      const items = open.map((item) => item.label[language]).join(t('workOrders.listSeparator'))
      return checkError('checklist-incomplete', t('workOrders.resolve.checklistOpen', { items }))
    }
    if (Number.isNaN(parseLaborMin(labor))) {
      return checkError('labor-invalid', t('workOrders.resolve.laborInvalid', { max: LABOR_MAX_MIN }))
    }
    return reasonProblem(note, t('workOrders.resolve.noteMissing'))
  }
  const send = () => {
    const input: WorkOrderActionInput = { action: 'resolve', reason: note.trim() }
    const laborMin = parseLaborMin(labor)
    if (cause.trim()) input.cause = cause.trim()
    if (laborMin !== undefined) input.laborMin = laborMin
    return onSubmit(input)
  }
  return (
    <WorkOrderDialog order={order} kind="resolve" check={check} send={send} onCancel={onCancel}>
      <ReasonField
        testId="wo-resolve-note"
        value={note}
        onChange={setNote}
        label={t('workOrders.resolve.note')}
        hint={t('workOrders.resolve.noteHint')}
        maxLength={WO_REASON_MAX_CHARS}
      />
      <Field htmlFor={causeId} label={t('workOrders.resolve.cause')}>
        <input
          id={causeId}
          className="input"
          data-testid="wo-resolve-cause"
          maxLength={CAUSE_MAX_CHARS}
          value={cause}
          onChange={(event) => setCause(event.target.value)}
        />
      </Field>
      <Field htmlFor={laborId} label={t('workOrders.resolve.labor')}>
        <input
          id={laborId}
          className="input wo-number"
          data-testid="wo-resolve-labor"
          type="number"
          inputMode="numeric"
          min={0}
          max={LABOR_MAX_MIN}
          step={1}
          value={labor}
          onChange={(event) => setLabor(event.target.value)}
        />
      </Field>
    </WorkOrderDialog>
  )
}

/** Looked at: the category and the priority confirmed, or corrected, before dispatch. */
export function TriageDialog({ order, onSubmit, onCancel }: ActionDialogProps) {
  const { t } = useTranslation()
  const categoryId = useId()
  const priorityId = useId()
  const [category, setCategory] = useState<WorkOrderCategory>(order.category)
  const [priority, setPriority] = useState<AlarmPriority>(order.priority)
  const send = () => {
    const input: WorkOrderActionInput = { action: 'triage' }
    if (category !== order.category) input.category = category
    if (priority !== order.priority) input.priority = priority
    return onSubmit(input)
  }
  return (
    <WorkOrderDialog order={order} kind="triage" check={() => undefined} send={send} onCancel={onCancel}>
      <Field htmlFor={categoryId} label={t('workOrders.fields.category')}>
        <Select
          id={categoryId}
          testId="wo-triage-category"
          value={category}
          onChange={setCategory}
          options={WORK_ORDER_CATEGORIES.map((value) => ({ value, label: t(`workOrders.categories.${value}`) }))}
        />
      </Field>
      <Field htmlFor={priorityId} label={t('workOrders.fields.priority')}>
        <Select
          id={priorityId}
          testId="wo-triage-priority"
          value={priority}
          onChange={setPriority}
          options={ALARM_PRIORITIES.map((value) => ({ value, label: `${value} ${t(`alarms.priorities.${value}`)}` }))}
        />
      </Field>
    </WorkOrderDialog>
  )
}
