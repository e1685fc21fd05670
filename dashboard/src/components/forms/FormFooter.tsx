import { FormError, type ShownError } from './FormError.tsx'

interface FormFooterProps {
  /** Names the parts: `<testId>-error`, `<testId>-submit` and `<testId>-cancel`. */
  testId: string
  /** Why the last try did not go through, with the api's detail where it names the value to fix. */
  error: ShownError | undefined
  submitLabel: string
  cancelLabel: string
  /** While the request runs, the form cannot be sent again. */
  pending: boolean
  onCancel: () => void
  /** The action ends or undoes something: the submit button is red. */
  danger?: boolean
  /** Another class for the row of buttons, e.g. a dialog's. */
  className?: string
}

/** What ends a form that opens in place: why it did not go through, then send and cancel. */
export function FormFooter(props: FormFooterProps) {
  const { testId, error, submitLabel, cancelLabel, pending, onCancel, danger = false, className } = props
  return (
    <>
      <FormError error={error} testId={`${testId}-error`} showDetail />
      <div className={className ? `form-actions ${className}` : 'form-actions'}>
        <button
          type="submit"
          className={danger ? 'button button--danger' : 'button button--primary'}
          data-testid={`${testId}-submit`}
          disabled={pending}
        >
          {submitLabel}
        </button>
        <button type="button" className="button" data-testid={`${testId}-cancel`} onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
    </>
  )
}
