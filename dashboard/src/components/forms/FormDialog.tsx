import { type FormEvent, type KeyboardEvent, type ReactNode, useId, useState } from 'react'
import type { Failure } from '../../api.ts'
import { requestError, type ShownError } from './FormError.tsx'
import { FormFooter } from './FormFooter.tsx'
import { useModalDialog } from './useModalDialog.ts'
import './forms.css'

export interface FormDialogProps {
  title: string
  /** What the form is about, between the title and the fields: the alarm, the work order. */
  subject?: ReactNode
  /** Names the parts: `<testId>` (the dialog), `-submit`, `-cancel`, `-error`. */
  testId: string
  submitLabel: string
  cancelLabel: string
  /** The action ends or undoes something: the submit button is red. */
  danger?: boolean
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
 * A modal form about one thing (shelve an alarm, assign a work order), with what it is about on top, so that nobody
 * acts on the wrong one. The page behind is inert, Tab stays within the dialog, Escape cancels; a refusal is shown in
 * words and the dialog stays open.
 */
export function FormDialog(props: FormDialogProps) {
  const { title, subject, testId, submitLabel, cancelLabel, danger = false, check, send, onCancel, children } = props
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
      className="dialog form-dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onKeyDown={trapFocus}
    >
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h2 className="dialog__title" id={titleId}>
          {title}
        </h2>
        {subject}
        <div className="form-dialog__fields">{children}</div>
        <FormFooter
          testId={testId}
          error={error}
          submitLabel={submitLabel}
          cancelLabel={cancelLabel}
          pending={pending}
          onCancel={onCancel}
          danger={danger}
          className="dialog__actions"
        />
      </form>
    </dialog>
  )
}
