import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { isForbidden } from '../api.ts'
import { AdminHead, AdminNotice, LoadFailed, type Notice } from '../components/admin/AdminLayout.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import type { AdminList } from '../useAdminList.ts'
import '../components/forms/forms.css'
import '../styles/admin-table.css'
import '../components/alarms/Alarms.css'

interface SettingsPageProps {
  /** Names the page (`<name>-page`), its notice (`<name>-notice`) and a failed load (`<name>-load-error`). */
  name: string
  /** The i18n section: its `title`, `lead`, `loading` and `none`. */
  section: string
  list: Pick<AdminList<unknown>, 'status' | 'items' | 'failure' | 'reload'>
  count: string
  notice: Notice | undefined
  /** The table, once something has loaded. */
  children: ReactNode
}

/**
 * The frame of a maintenance settings page (SLA targets, technicians): the head, what it is for, what the last save
 * did, a failed load with a retry, and the table; "not allowed" when the api refuses the list.
 */
export function SettingsPage({ name, section, list, count, notice, children }: SettingsPageProps) {
  const { t } = useTranslation()
  if (list.status === 'error' && list.failure && isForbidden(list.failure)) return <NotAllowed failure={list.failure} />
  return (
    <div className={`page ${name}-page`} data-testid={`${name}-page`}>
      <AdminHead title={t(`${section}.title`)} count={list.status === 'ok' ? count : undefined}>
        {null}
      </AdminHead>
      <p className="alarm-rules__lead">{t(`${section}.lead`)}</p>
      <AdminNotice notice={notice} testId={`${name}-notice`} />
      {list.status === 'error' && list.failure && (
        <LoadFailed failure={list.failure} testId={`${name}-load-error`} onRetry={list.reload} />
      )}
      {list.status === 'loading' && list.items.length === 0 ? (
        <Loading text={t(`${section}.loading`)} />
      ) : list.status === 'ok' && list.items.length === 0 ? (
        <p className="admin-page__empty">{t(`${section}.none`)}</p>
      ) : (
        children
      )}
    </div>
  )
}
