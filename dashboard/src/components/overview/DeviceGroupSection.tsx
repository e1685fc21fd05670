import { useTranslation } from 'react-i18next'
import type { DeviceGroup } from '../../devices/grouping.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { DeviceCard } from '../device-card/DeviceCard.tsx'
import './DeviceGroupSection.css'

function useGroupTitle(group: DeviceGroup): { title: string; subtitle: string | undefined } {
  const { t } = useTranslation()
  const language = useLanguage()
  switch (group.type) {
    case 'room': {
      const type = t(`rooms.${group.room.type}`)
      const title = localName(group.room, language)
      // "其他" under "6栋屋顶水箱间" says nothing; the type is worth a word only when the name does not already say it.
      const typeWorthSaying = group.room.type !== 'other' && title !== type
      const parts = [typeWorthSaying ? type : undefined, group.building && localName(group.building, language)]
      return { title, subtitle: parts.filter(Boolean).join(' · ') || undefined }
    }
    case 'building':
      return { title: localName(group.building, language), subtitle: t('groups.buildings') }
    case 'unplaced':
      return { title: t('groups.unassigned'), subtitle: undefined }
  }
}

/**
 * Widest a group gets before it takes a whole row: the most card columns `DeviceGroupSection.css` gives a span rule.
 * A room with more devices than this is an equipment room worth a full-width grid of its own.
 */
export const MAX_GROUP_SPAN = 6

export function DeviceGroupSection({ group }: { group: DeviceGroup }) {
  const { t } = useTranslation()
  const { title, subtitle } = useGroupTitle(group)
  const headingId = `group-${group.key.replace(/[^a-zA-Z0-9_-]/g, '_')}`
  return (
    <section
      className="device-group"
      aria-labelledby={headingId}
      data-testid="device-group"
      data-group={group.key}
      data-span={group.deviceIds.length > MAX_GROUP_SPAN ? 'full' : group.deviceIds.length}
    >
      <header className="device-group__head">
        <h2 id={headingId}>{title}</h2>
        {subtitle && <span className="device-group__sub">{subtitle}</span>}
        <span className="device-group__count">{t('groups.deviceCount', { count: group.deviceIds.length })}</span>
      </header>
      <div className="device-grid">
        {group.deviceIds.map((id) => (
          <DeviceCard key={id} id={id} />
        ))}
      </div>
    </section>
  )
}
