import type { ReactNode } from 'react'

interface FieldProps {
  /** The id of the control in `children`, which the label names. */
  htmlFor: string
  label: ReactNode
  /** A quieter label, for filters and searches. */
  minor?: boolean
  className?: string
  /** The control, then any hint or rules under it. */
  children: ReactNode
}

/** One labelled control of a form, in the layout of forms.css. */
export function Field({ htmlFor, label, minor = false, className, children }: FieldProps) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className={minor ? 'field__label field__label--minor' : 'field__label'} htmlFor={htmlFor}>
        {label}
      </label>
      {children}
    </div>
  )
}
