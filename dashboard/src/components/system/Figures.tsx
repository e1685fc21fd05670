import type { ReactNode } from 'react'
import '../device/DeviceInfo.css'

/**
 * A list of labelled figures in the look of the device details (`info-list`): label left, value right, flowing into
 * as many columns as there is room for.
 */
export function FigureList({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <dl className="info-list figure-list" aria-label={label}>
      {children}
    </dl>
  )
}

interface FigureProps {
  label: ReactNode
  children: ReactNode
  hint?: ReactNode
  /** `muted` for a zero that needs no attention; `warn` and `fault` for a figure near or at its limit. */
  tone?: 'muted' | 'ok' | 'warn' | 'fault' | undefined
  testId?: string
  data?: Record<`data-${string}`, string | number>
}

export function Figure({ label, children, hint, tone, testId, data }: FigureProps) {
  return (
    <div className="info-list__row figure" data-testid={testId} data-tone={tone} {...data}>
      <dt>{label}</dt>
      <dd className="tabular">
        {children}
        {hint && <span className="info-list__hint">{hint}</span>}
      </dd>
    </div>
  )
}
