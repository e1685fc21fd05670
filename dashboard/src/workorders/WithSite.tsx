import type { Site } from '@fm/protocol'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Loading } from '../components/layout/Loading.tsx'
import { useSite } from '../site/SiteContext.ts'

/** A page about the site on screen: waits for it, says so when it could not be loaded, then shows `children`. */
export function WithSite({ loading, children }: { loading: string; children: (site: Site) => ReactNode }) {
  const { t } = useTranslation()
  const { site, status } = useSite()
  if (site) return children(site)
  return (
    <div className="page">
      {status === 'error' ? <p className="notice">{t('workOrders.noSite')}</p> : <Loading text={loading} />}
    </div>
  )
}
