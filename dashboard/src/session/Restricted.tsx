import type { Permission } from '@fm/protocol'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, Navigate, useLocation } from 'react-router'
import { LOGIN_PATH, withNext } from './paths.ts'
import { useSession } from './SessionContext.ts'

/**
 * A page for signed-in users, with `permission` when given. An anonymous visitor is sent to sign in and brought back;
 * a user whose role lacks the permission is told so. The api refuses such requests anyway: this only spares the
 * user a page of errors.
 */
export function Restricted({ permission, children }: { permission?: Permission; children: ReactNode }) {
  const { t } = useTranslation()
  const { status, user, ended, can, reload } = useSession()
  const location = useLocation()
  if (!user && status === 'loading') {
    return (
      <div className="page">
        <div className="empty-state" role="status">
          <span className="spinner" aria-hidden="true" />
          <p>{t('auth.checking')}</p>
        </div>
      </div>
    )
  }
  if (!user && status === 'error') {
    return (
      <div className="page">
        <div className="empty-state" role="alert" data-testid="session-unreachable">
          <h1>{t('auth.unreachable')}</h1>
          <button type="button" className="button" onClick={reload}>
            {t('auth.retry')}
          </button>
        </div>
      </div>
    )
  }
  // Someone who signed out goes to the overview, not to a login that would bring the next person back here.
  if (!user && ended === 'by-user') return <Navigate to="/" replace />
  if (!user) return <Navigate to={withNext(LOGIN_PATH, `${location.pathname}${location.search}`)} replace />
  if (permission && !can(permission)) {
    return (
      <div className="page">
        <title>{`${t('auth.forbiddenTitle')} · ${t('app.name')}`}</title>
        <div className="empty-state" data-testid="forbidden">
          <span className="empty-state__code" aria-hidden="true">
            403
          </span>
          <h1>{t('auth.forbiddenTitle')}</h1>
          <p>{t('auth.forbiddenBody', { role: t(`roles.${user.role}`) })}</p>
          <Link to="/" className="button">
            {t('notFound.home')}
          </Link>
        </div>
      </div>
    )
  }
  return children
}
