import { type ReactNode, useId, useRef } from 'react'
import { useModalDialog } from './useModalDialog.ts'

interface ConfirmDialogProps {
  title: string
  children: ReactNode
  confirmLabel: string
  cancelLabel: string
  /** The action cannot be undone, or cuts something off: the confirm button is red. */
  danger?: boolean
  pending?: boolean
  onConfirm: () => void
  onCancel: () => void
  testId: string
}

/**
 * Asks before an action that takes effect at once and cannot be taken back. A modal `<dialog>`: the page behind it is
 * inert, Escape cancels, and the focus starts on Cancel, so that a stray Enter does nothing harmful. Shown while
 * mounted.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { title, children, confirmLabel, cancelLabel, danger = false, pending = false, testId } = props
  const cancelButton = useRef<HTMLButtonElement>(null)
  const titleId = useId()
  const ref = useModalDialog(props.onCancel, () => cancelButton.current?.focus())

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} data-testid={testId}>
      <h2 className="dialog__title" id={titleId}>
        {title}
      </h2>
      <div className="dialog__body">{children}</div>
      <div className="form-actions dialog__actions">
        <button
          type="button"
          className={danger ? 'button button--danger' : 'button button--primary'}
          data-testid={`${testId}-confirm`}
          disabled={pending}
          onClick={props.onConfirm}
        >
          {confirmLabel}
        </button>
        <button
          type="button"
          ref={cancelButton}
          className="button"
          data-testid={`${testId}-cancel`}
          onClick={props.onCancel}
        >
          {cancelLabel}
        </button>
      </div>
    </dialog>
  )
}
