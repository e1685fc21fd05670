import { useTranslation } from 'react-i18next'
import { Link, NavLink } from 'react-router'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useSite } from '../../site/SiteContext.ts'
import './AppHeader.css'
import { Clock } from './Clock.tsx'
import { ConnectionIndicator } from './ConnectionIndicator.tsx'
import { LanguageToggle } from './LanguageToggle.tsx'

export function AppHeader() {
  const { t } = useTranslation()
  const language = useLanguage()
  const { site, status } = useSite()
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
        <nav className="app-nav" aria-label={t('nav.label')}>
          <NavLink to="/" end>
            {t('nav.overview')}
          </NavLink>
          {/* Shown to everyone for now; the identity issue will show it to admins and supervisors only. */}
          <NavLink to="/system" data-testid="nav-system">
            {t('nav.system')}
          </NavLink>
        </nav>
        <div className="app-header__tools">
          <ConnectionIndicator />
          <Clock />
          <LanguageToggle />
        </div>
      </div>
    </header>
  )
}
