import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { compareStatus, deviceStatus } from '../../devices/status.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useDevices } from '../../live/store.ts'
import { StatusBadge } from '../value/StatusBadge.tsx'
import './AttentionList.css'

/** More than this and the list would push the compound off a phone screen; the tiles still count them all. */
const MAX_SHOWN = 12

/**
 * Every device that is not normal, most pressing first, each a link to its page: at 3 a.m. the guard should not
 * have to scroll through forty cards to find the one that is red.
 */
export function AttentionList() {
  const { t } = useTranslation()
  const language = useLanguage()
  const devices = useDevices()
  const items = devices
    .map((device) => ({ device, status: deviceStatus(device) }))
    .filter(({ status }) => status.level !== 'normal')
    .sort((a, b) => compareStatus(a.status, b.status))
  if (items.length === 0) return null
  const hidden = items.length - MAX_SHOWN
  return (
    <section className="attention-list" aria-label={t('summary.attentionList')} data-testid="attention-list">
      <ul>
        {items.slice(0, MAX_SHOWN).map(({ device, status }) => (
          <li key={device.id}>
            <Link to={`/devices/${encodeURIComponent(device.id)}`} className="attention-item" data-level={status.level}>
              <StatusBadge status={status} />
              <span className="attention-item__name">{localName(device, language)}</span>
            </Link>
          </li>
        ))}
        {hidden > 0 && <li className="attention-list__more">{t('summary.more', { count: hidden })}</li>}
      </ul>
    </section>
  )
}
