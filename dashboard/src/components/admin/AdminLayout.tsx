/**
 * The parts every administration page (users, devices, audit log) is built from, styled by styles/admin-table.css:
 * the head with the title and the main action, what the last action did, the form that opens under the head, and a
 * failed load with a retry.
 */
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { Failure } from '../../api.ts'
import { FormError, requestError } from '../forms/FormError.tsx'

interface AdminHeadProps {
  title: string
  /** How many there are ("共 4 个用户"), once the list has loaded. */
  count?: string | undefined
  /** The page's main action, at the right. */
  children: ReactNode
}

/** The page's heading, also the title of the browser's tab; how many there are; and the main action. */
export function AdminHead({ title, count, children }: AdminHeadProps) {
  const { t } = useTranslation()
  return (
    <div className="admin-page__head">
      <title>{`${title} · ${t('app.name')}`}</title>
      <div>
        <h1 className="admin-page__title">{title}</h1>
        {count !== undefined && <p className="admin-page__count">{count}</p>}
      </div>
      {children}
    </div>
  )
}

/** The head's main action: opens the form under the head (`AdminFormPanel`), and closes it again. */
export function OpenFormButton(props: { testId: string; open: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      className="button button--primary"
      data-testid={props.testId}
      aria-expanded={props.open}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  )
}

/** What the last action did, kept as a key and its values so that a change of language translates it too. */
export interface Notice {
  key: string
  values: Record<string, string>
}

export function AdminNotice({ notice, testId }: { notice: Notice | undefined; testId: string }) {
  const { t } = useTranslation()
  if (!notice) return null
  return (
    <p className="notice notice--ok admin-page__notice" role="status" data-testid={testId}>
      {t(notice.key, notice.values)}
    </p>
  )
}

/** A form opened from the head (a new user, a new device), named by its title. */
export function AdminFormPanel({ titleId, title, children }: { titleId: string; title: string; children: ReactNode }) {
  return (
    <section className="panel admin-page__form" aria-labelledby={titleId}>
      <h2 className="admin-page__form-title" id={titleId}>
        {title}
      </h2>
      {children}
    </section>
  )
}

/** Why the list did not load, and a button to ask again. */
export function LoadFailed({ failure, testId, onRetry }: { failure: Failure; testId: string; onRetry: () => void }) {
  const { t } = useTranslation()
  return (
    <div className="admin-page__failed">
      <FormError error={requestError(failure)} testId={testId} />
      <button type="button" className="button" onClick={onRetry}>
        {t('auth.retry')}
      </button>
    </div>
  )
}
