import type { FloodStatus } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { formatTime, localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useSite } from '../../site/SiteContext.ts'

/**
 * A site in an alarm flood (EEMUA 191: more than 10 alarms in 10 minutes): since when and how many, and that the list
 * now shows the highest priorities first.
 */
export function FloodBanner({ flood }: { flood: FloodStatus }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { site } = useSite()
  const siteName = site?.id === flood.siteId ? localName(site, language) : flood.siteId
  return (
    <div className="flood-banner" role="alert" data-testid="flood-banner" data-site-id={flood.siteId}>
      <strong className="flood-banner__title">{t('alarms.flood.title', { site: siteName })}</strong>
      <span>
        {flood.since !== undefined &&
          `${t('alarms.flood.since', { time: formatTime(flood.since, language, 'time') })} · `}
        {t('alarms.flood.rate', { count: flood.last10Min })}
      </span>
      <span className="flood-banner__mode">{t('alarms.flood.mode')}</span>
    </div>
  )
}
