import type { Permission } from '@fm/protocol'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Navigate, useLocation } from 'react-router'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { LOGIN_PATH, withNext } from './paths.ts'
import { useSession } from './SessionContext.ts'

/**
 * What only signed-in users see, with `permission` when given: the whole app shell, and within it each page that
 * needs more than looking at equipment. An anonymous visitor is sent to sign in and brought back; a user whose role
 * lacks the permission is told so. Until the api said who is signed in, a spinner: never a login page that flashes
 * past a user who is signed in. The api refuses such requests anyway: this only spares the user a page of errors.
 */
export function Restricted({ permission, children }: { permission?: Permission; children: ReactNode }) {
  const { t } = useTranslation()
  const { status, user, ended, can, reload } = useSession()
  const location = useLocation()
  if (!user && status === 'loading') {
    return (
      <div className="page">
        <Loading text={t('auth.checking')} testId="session-checking" />
      </div>
    )
  }
  if (!user && status === 'error') {
    return (
      <div className="page">
        <div className="empty-state" role="alert" data-testid="session-unreachable">
          <h1>{t('auth.unreachable')}</h1>
          <p>{t('auth.retrying')}</p>
          <button type="button" className="button" onClick={reload}>
            {t('auth.retry')}
          </button>
        </div>
      </div>
    )
  }
  // Someone who signed out is not brought back here: the next person at a shared screen starts at the overview.
  if (!user && ended === 'by-user') return <Navigate to={LOGIN_PATH} replace />
  if (!user) return <Navigate to={withNext(LOGIN_PATH, `${location.pathname}${location.search}`)} replace />
  if (permission && !can(permission)) return <NotAllowed />
  return children
}
