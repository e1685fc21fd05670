import { useTranslation } from 'react-i18next'
import { Link, NavLink, useLocation } from 'react-router'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { LOGIN_PATH, withNext } from '../../session/paths.ts'
import { useSession } from '../../session/SessionContext.ts'
import { useSite } from '../../site/SiteContext.ts'
import './AppHeader.css'
import { Clock } from './Clock.tsx'
import { ConnectionIndicator } from './ConnectionIndicator.tsx'
import { LanguageToggle } from './LanguageToggle.tsx'
import { UserMenu } from './UserMenu.tsx'

/** The signed-in user's menu, or the way to sign in; nothing while the api has not said who it is. */
function Account() {
  const { t } = useTranslation()
  const { status, user } = useSession()
  const location = useLocation()
  if (user) return <UserMenu user={user} />
  if (status === 'loading') return null
  return (
    <Link to={withNext(LOGIN_PATH, `${location.pathname}${location.search}`)} className="sign-in" data-testid="sign-in">
      {t('auth.signIn')}
    </Link>
  )
}

export function AppHeader() {
  const { t } = useTranslation()
  const language = useLanguage()
  const { site, status } = useSite()
  const { user, can } = useSession()
  // Every page leads back to the password form until the user chose their own: links would only look broken.
  const forced = user?.mustChangePassword === true
  const siteName = site ? localName(site, language) : status === 'loading' ? '' : t('app.siteUnknown')
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width="32" height="32" className="brand__logo" />
          <span className="brand__text">
            <span className="brand__name">{t('app.name')}</span>
            {siteName && <span className="brand__site">{siteName}</span>}
          </span>
        </Link>
        <nav className="app-nav" aria-label={t('nav.label')} hidden={forced}>
          <NavLink to="/" end>
            {t('nav.overview')}
          </NavLink>
          {/* Shown to everyone for now; the identity issue will show it to admins and supervisors only. */}
          <NavLink to="/system" data-testid="nav-system">
            {t('nav.system')}
          </NavLink>
          {can('users.manage') && (
            <NavLink to="/admin/users" data-testid="nav-users">
              {t('nav.users')}
            </NavLink>
          )}
        </nav>
        <div className="app-header__tools">
          <ConnectionIndicator />
          <Clock />
          <LanguageToggle />
          <Account />
        </div>
      </div>
    </header>
  )
}
