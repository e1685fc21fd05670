import type { AlarmView } from '@fm/protocol'
import { type FormEvent, type KeyboardEvent, type ReactNode, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ruleName } from '../../alarms/rules.ts'
import type { Failure } from '../../api.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { FormError, requestError, type ShownError } from '../forms/FormError.tsx'
import { useModalDialog } from '../forms/useModalDialog.ts'
import { PriorityBadge } from './PriorityBadge.tsx'
import { useAlarmPlace } from './useAlarmPlace.ts'

interface AlarmDialogProps {
  alarm: AlarmView
  title: string
  /** Names the parts: `<testId>` (the dialog), `-submit`, `-cancel`, `-error`. */
  testId: string
  submitLabel: string
  /** What the form finds wrong before sending, if anything. */
  check: () => ShownError | undefined
  /** Sends the request; resolves its failure, if any. The dialog's owner closes it on success. */
  send: () => Promise<Failure | undefined>
  onCancel: () => void
  /** The fields; the one with `data-autofocus` gets the focus. */
  children: ReactNode
}

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select, textarea, [href], [tabindex]:not([tabindex="-1"])'

/**
 * A modal form about one alarm (shelve it, take it out of service): the alarm it is about on top, so that nobody
 * shelves the wrong one. The page behind is inert, Tab stays within the dialog, Escape cancels; a refusal is shown in
 * words and the dialog stays open.
 */
export function AlarmDialog({ alarm, title, testId, submitLabel, check, send, onCancel, children }: AlarmDialogProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { deviceName, place } = useAlarmPlace(alarm)
  const titleId = useId()
  const [error, setError] = useState<ShownError>()
  const [pending, setPending] = useState(false)
  const ref = useModalDialog(onCancel, (dialog) => dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus())

  /** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
  const trapFocus = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      onCancel()
      return
    }
    if (event.key !== 'Tab') return
    const controls = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)]
    const edge = event.shiftKey ? controls[0] : controls.at(-1)
    if (document.activeElement !== edge) return
    event.preventDefault()
    ;(event.shiftKey ? controls.at(-1) : controls[0])?.focus()
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const problem = check()
    setError(problem)
    if (problem) return
    setPending(true)
    const failure = await send()
    setPending(false)
    if (failure) setError(requestError(failure))
  }

  return (
    <dialog
      ref={ref}
      className="dialog alarm-dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onKeyDown={trapFocus}
    >
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 className="dialog__title" id={titleId}>
          {title}
        </h2>
        <p className="alarm-dialog__alarm">
          <PriorityBadge priority={alarm.priority} />
          <span>
            <strong>{ruleName(alarm.ruleId, language, t)}</strong>
            <span className="alarm-dialog__device">
              {deviceName}
              {place && ` · ${place}`}
            </span>
          </span>
        </p>
        <div className="alarm-dialog__fields">{children}</div>
        <FormError error={error} testId={`${testId}-error`} />
        <div className="form-actions dialog__actions">
          <button type="submit" className="button button--primary" data-testid={`${testId}-submit`} disabled={pending}>
            {submitLabel}
          </button>
          <button type="button" className="button" data-testid={`${testId}-cancel`} onClick={onCancel}>
            {t('alarms.dialog.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  )
}
