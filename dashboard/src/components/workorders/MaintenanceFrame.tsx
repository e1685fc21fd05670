import type { Site } from '@fm/protocol'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { NavLink } from 'react-router'
import { useSite } from '../../site/SiteContext.ts'
import { Loading } from '../layout/Loading.tsx'
import { MonthNav, useMonthParam } from './MonthNav.tsx'
import './Maintenance.css'
import './WorkOrders.css'

/** The two pages under "维保" in the header: the PM calendar and the KPIs. */
function MaintenanceTabs() {
  const { t } = useTranslation()
  return (
    <nav className="segmented wo-tabs" aria-label={t('nav.maintenance')}>
      <NavLink to="/maintenance/pm" data-testid="maintenance-tab-pm">
        {t('nav.pmCalendar')}
      </NavLink>
      <NavLink to="/maintenance/kpis" data-testid="maintenance-tab-kpis">
        {t('nav.maintenanceKpis')}
      </NavLink>
    </nav>
  )
}

interface MaintenanceFrameProps {
  testId: string
  /** i18n keys of the heading and the line under it. */
  title: string
  lead: string
  loading: string
  /** More tools next to the tabs, for the site and month shown (the CSV export). */
  tools?: (site: Site, month: string) => ReactNode
  /** The page, once the site is known. */
  children: (site: Site, month: string) => ReactNode
}

/**
 * The frame of the maintenance pages: heading, the tabs between them, the month (`?month=YYYY-MM`) and the page for
 * the site, once the site is known.
 */
export function MaintenanceFrame({ testId, title, lead, loading, tools, children }: MaintenanceFrameProps) {
  const { t } = useTranslation()
  const { site, status } = useSite()
  const [month, go] = useMonthParam()
  return (
    <div className="page wo-page" data-testid={testId}>
      <title>{`${t(title)} · ${t('app.name')}`}</title>
      <div className="alarm-report__head">
        <div>
          <h1 className="alarm-console__title">{t(title)}</h1>
          <p className="alarm-report__lead">{t(lead)}</p>
        </div>
        <div className="alarm-console__tools">
          <MaintenanceTabs />
          {site && tools?.(site, month)}
        </div>
      </div>
      <MonthNav month={month} onChange={go} />
      {site ? (
        children(site, month)
      ) : status === 'error' ? (
        <p className="notice">{t('workOrders.noSite')}</p>
      ) : (
        <Loading text={t(loading)} />
      )}
    </div>
  )
}
