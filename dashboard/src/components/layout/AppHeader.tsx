import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, NavLink, useLocation } from 'react-router'
import { countUnacknowledged } from '../../alarms/console-order.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useAlarms } from '../../live/store.ts'
import { useSession } from '../../session/SessionContext.ts'
import { useSite } from '../../site/SiteContext.ts'
import { AdminMenu } from './AdminMenu.tsx'
import './AppHeader.css'
import { Clock } from './Clock.tsx'
import { ConnectionIndicator } from './ConnectionIndicator.tsx'
import { LanguageToggle } from './LanguageToggle.tsx'
import { UserMenu } from './UserMenu.tsx'

/** "Alarms" with the number waiting for an acknowledgement, which a guard must see from any page. */
function AlarmsLink() {
  const { t } = useTranslation()
  const alarms = useAlarms()
  const waiting = useMemo(() => countUnacknowledged(alarms), [alarms])
  return (
    <NavLink to="/alarms" data-testid="nav-alarms">
      {t('nav.alarms')}
      {waiting > 0 && (
        <span className="nav-badge" data-testid="nav-alarms-badge" data-count={waiting}>
          <span aria-hidden="true">{waiting}</span>
          <span className="visually-hidden">{t('nav.alarmsWaiting', { count: waiting })}</span>
        </span>
      )}
    </NavLink>
  )
}

/** The PM calendar and the KPIs are one entry, "维保", marked on both. */
const MAINTENANCE_PATH_PREFIX = '/maintenance/'

export function AppHeader() {
  const { t } = useTranslation()
  const location = useLocation()
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
          {can('devices.read') && <AlarmsLink />}
          {can('workorders.manage') && (
            <NavLink to="/work-orders" data-testid="nav-work-orders">
              {t('nav.workOrders')}
            </NavLink>
          )}
          {/* Only technicians are dispatched to: a supervisor's "my work" would always be empty. */}
          {can('workorders.work') && !can('workorders.manage') && (
            <NavLink to="/my-work" data-testid="nav-my-work">
              {t('nav.myWork')}
            </NavLink>
          )}
          {can('workorders.manage') && (
            <Link
              to="/maintenance/pm"
              data-testid="nav-maintenance"
              aria-current={location.pathname.startsWith(MAINTENANCE_PATH_PREFIX) ? 'page' : undefined}
            >
              {t('nav.maintenance')}
            </Link>
          )}
          {can('system.read') && (
            <NavLink to="/system" data-testid="nav-system">
              {t('nav.system')}
            </NavLink>
          )}
          <AdminMenu />
        </nav>
        <div className="app-header__tools">
          <ConnectionIndicator />
          <Clock />
          <LanguageToggle />
          {/* The shell is only ever shown to a signed-in user (`Restricted` in App.tsx). */}
          {user && <UserMenu user={user} />}
        </div>
      </div>
    </header>
  )
}
