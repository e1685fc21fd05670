import { useTranslation } from 'react-i18next'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useSite } from '../../site/SiteContext.ts'
import { Clock } from './Clock.tsx'
import { ConnectionIndicator } from './ConnectionIndicator.tsx'

/**
 * The header of the large-screen console (`/alarms?kiosk=1`): no navigation, only what a wall screen must always
 * show, the site, the time and whether the values are live.
 */
export function KioskBar() {
  const { t } = useTranslation()
  const language = useLanguage()
  const { site } = useSite()
  return (
    <header className="kiosk-bar" data-testid="kiosk-bar">
      <span className="kiosk-bar__site">{site ? localName(site, language) : t('app.name')}</span>
      <ConnectionIndicator />
      <Clock />
    </header>
  )
}
