import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { fetchSites, isForbidden } from '../api.ts'
import { type AuditFilters, filtersFromSearch, searchOfFilters } from '../audit/audit-filters.ts'
import { useAuditLog } from '../audit/useAuditLog.ts'
import { AdminHead, LoadFailed } from '../components/admin/AdminLayout.tsx'
import { AuditFilterForm } from '../components/audit/AuditFilterForm.tsx'
import { AuditTable } from '../components/audit/AuditTable.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { useApi } from '../useApi.ts'
import '../components/forms/forms.css'
import '../styles/admin-table.css'
import '../components/audit/Audit.css'

/** The quick filter a supervisor needs most: sign-ins with a wrong password, someone guessing. */
const FAILED_SIGN_INS = `?${searchOfFilters({ action: 'auth.login', outcome: 'failed' })}`

/**
 * `/admin/audit`, for `audit.read`: who did what, to what, where, from where and how it ended, newest first. The
 * filters live in the URL, so that a link shows someone else the same entries; older entries load a page at a time
 * under the table. The api shows a supervisor only the entries of their sites.
 */
export function AuditPage() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const filters = useMemo(() => filtersFromSearch(params), [params])
  const search = searchOfFilters(filters).toString()
  const log = useAuditLog(filters)
  const sites = useApi('sites', fetchSites)
  const apply = (next: AuditFilters) => setParams(searchOfFilters(next))

  const failure = log.status === 'error' ? log.failure : undefined
  // A site outside the scope is a filter to change, not a page the user may not open.
  if (failure && isForbidden(failure) && failure.code !== 'FM_ERR_SCOPE_FORBIDDEN') {
    return <NotAllowed failure={failure} />
  }
  const retry = log.entries.length > 0 && log.next ? log.older : log.reload
  return (
    <div className="page audit-page" data-testid="audit-page">
      <AdminHead title={t('audit.title')}>
        <Link to={FAILED_SIGN_INS} className="button button--small" data-testid="audit-failed-sign-ins">
          {t('audit.failedSignIns')}
        </Link>
      </AdminHead>
      <section className="panel admin-page__form" aria-label={t('audit.filters.title')}>
        {/* Remounted when the URL changes (a row's filter, the back button), so that the form shows what applies. */}
        <AuditFilterForm key={search} filters={filters} sites={sites.data} onApply={apply} />
      </section>
      {failure && <LoadFailed failure={failure} testId="audit-error" onRetry={retry} />}
      {log.status === 'loading' ? (
        <Loading text={t('audit.loading')} />
      ) : log.entries.length === 0 ? (
        !failure && (
          <p className="admin-page__empty" data-testid="audit-empty">
            {search ? t('audit.noMatch') : t('audit.empty')}
          </p>
        )
      ) : (
        <>
          <div className="panel admin-table__frame">
            <AuditTable
              entries={log.entries}
              sites={sites.data}
              onFilter={(narrow) => apply({ ...filters, ...narrow })}
            />
          </div>
          <div className="audit-page__more">
            {log.next ? (
              <button
                type="button"
                className="button"
                data-testid="audit-older"
                disabled={log.status === 'older'}
                onClick={log.older}
              >
                {log.status === 'older' ? t('audit.loadingOlder') : t('audit.older')}
              </button>
            ) : (
              <p className="audit-page__end" data-testid="audit-end">
                {t('audit.end', { count: log.entries.length })}
              </p>
            )}
          </div>
        </>
      )}
    </div>
  )
}
