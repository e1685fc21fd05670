import type { AlarmView, ShelveInput } from '@fm/protocol'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Failure } from '../../api.ts'
import { Field } from '../forms/Field.tsx'
import { checkError, type ShownError } from '../forms/FormError.tsx'
import { AlarmDialog } from './AlarmDialog.tsx'

/** How long a guard may shelve for, in minutes, or until the alarm next returns to normal. */
export const SHELVE_CHOICES = [15, 60, 120, 480, 'one-shot'] as const
export type ShelveChoice = (typeof SHELVE_CHOICES)[number]

/** The api's rule for a reason (`ShelveInput`, `OutOfServiceInput`): at least two characters, at most 500. */
export const REASON_MIN_CHARS = 2
export const REASON_MAX_CHARS = 500

export function shelveInput(choice: ShelveChoice, reason: string): ShelveInput {
  return choice === 'one-shot'
    ? { kind: 'one-shot', reason: reason.trim() }
    : { kind: 'timed', durationMin: choice, reason: reason.trim() }
}

interface ReasonFieldProps {
  testId: string
  value: string
  onChange: (value: string) => void
  /** Another label and hint than an alarm's ("Reason", "Kept in the alarm journal"), and another limit. */
  label?: string
  hint?: string
  maxLength?: number
  /** Whether it takes the focus when its dialog opens; the first field of a dialog does. */
  autoFocus?: boolean
}

/** The reason both alarm dialogs ask for: mandatory, kept in the journal. Work-order dialogs ask the same way. */
export function ReasonField({ testId, value, onChange, label, hint, maxLength, autoFocus = true }: ReasonFieldProps) {
  const { t } = useTranslation()
  const id = useId()
  return (
    <Field htmlFor={id} label={label ?? t('alarms.dialog.reason')}>
      <textarea
        id={id}
        className="input alarm-dialog__reason"
        data-testid={testId}
        data-autofocus={autoFocus || undefined}
        rows={3}
        maxLength={maxLength ?? REASON_MAX_CHARS}
        required
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <p className="field__hint">{hint ?? t('alarms.dialog.reasonHint')}</p>
    </Field>
  )
}

/** Why the reason as typed cannot be sent; undefined when it can. */
export function reasonProblem(reason: string, text: string): ShownError | undefined {
  return reason.trim().length < REASON_MIN_CHARS ? checkError('reason-missing', text) : undefined
}

interface ShelveDialogProps {
  alarm: AlarmView
  /** Sends the shelve; resolves the failure, if any (the dialog closes on success). */
  onSubmit: (input: ShelveInput) => Promise<Failure | undefined>
  onCancel: () => void
}

/**
 * Shelving, as ISA-18.2 asks: for a time (at most 12 h) or until the alarm next returns to normal, always with a
 * reason. A P0 alarm is never offered this dialog; the api refuses it anyway.
 */
export function ShelveDialog({ alarm, onSubmit, onCancel }: ShelveDialogProps) {
  const { t } = useTranslation()
  const [choice, setChoice] = useState<ShelveChoice>(60)
  const [reason, setReason] = useState('')
  return (
    <AlarmDialog
      alarm={alarm}
      title={t('alarms.dialog.shelveTitle')}
      testId="shelve-dialog"
      submitLabel={t('alarms.actions.shelve')}
      check={() => reasonProblem(reason, t('alarms.dialog.reasonMissing'))}
      send={() => onSubmit(shelveInput(choice, reason))}
      onCancel={onCancel}
    >
      <fieldset className="field alarm-dialog__choices">
        <legend className="field__label">{t('alarms.dialog.duration')}</legend>
        {SHELVE_CHOICES.map((value) => (
          <label key={value} className="check">
            <input
              type="radio"
              name="shelve-duration"
              data-testid="shelve-duration"
              data-value={value}
              checked={choice === value}
              onChange={() => setChoice(value)}
            />
            {t(`alarms.dialog.durations.${value}`)}
          </label>
        ))}
      </fieldset>
      <ReasonField testId="shelve-reason" value={reason} onChange={setReason} />
    </AlarmDialog>
  )
}
