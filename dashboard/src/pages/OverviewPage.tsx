import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Loading } from '../components/layout/Loading.tsx'
import { AttentionList } from '../components/overview/AttentionList.tsx'
import { DeviceGroupSection } from '../components/overview/DeviceGroupSection.tsx'
import { SummaryTiles } from '../components/overview/SummaryTiles.tsx'
import { groupDevices } from '../devices/grouping.ts'
import { localName } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useRoster, useSnapshotReady } from '../live/store.ts'
import { useSite } from '../site/SiteContext.ts'

/** `/`: the whole compound on as few screens as possible, equipment rooms first, then buildings. */
export function OverviewPage() {
  const { t } = useTranslation()
  const ready = useSnapshotReady()
  const roster = useRoster()
  const language = useLanguage()
  const { site } = useSite()
  const title = site ? `${localName(site, language)} · ${t('app.name')}` : t('app.name')
  const groups = useMemo(() => groupDevices(roster, site), [roster, site])

  if (!ready) {
    return (
      <div className="page">
        <title>{title}</title>
        <Loading text={t('app.waitingForData')} />
      </div>
    )
  }

  return (
    <div className="page">
      <title>{title}</title>
      <h1 className="visually-hidden">{t('app.name')}</h1>
      <SummaryTiles />
      <AttentionList />
      <div className="device-groups">
        {groups.map((group) => (
          <DeviceGroupSection key={group.key} group={group} />
        ))}
      </div>
    </div>
  )
}
