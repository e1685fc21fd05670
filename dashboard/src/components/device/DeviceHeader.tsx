import type { DeviceView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { locationLabel } from '../../devices/grouping.ts'
import { deviceStatus } from '../../devices/status.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useSite } from '../../site/SiteContext.ts'
import { RelativeTime } from '../device-events/RelativeTime.tsx'
import { KindIcon } from '../value/KindIcon.tsx'
import { StatusBadge } from '../value/StatusBadge.tsx'
import './DeviceHeader.css'

export function DeviceHeader({ device }: { device: DeviceView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { site } = useSite()
  const status = deviceStatus(device)
  const location = locationLabel(device, site, language)
  return (
    <header className="device-header panel" data-status={status.level}>
      <span className="device-header__icon">
        <KindIcon kind={device.kind} size={30} />
      </span>
      <div className="device-header__main">
        <h1 data-testid="device-title">{localName(device, language)}</h1>
        <p className="device-header__meta">
          <span>{t(`kinds.${device.kind}`)}</span>
          {location && <span>{location}</span>}
          {/* The id is what a technician reads out on the phone: "pump-low-1", not the display name. */}
          <span className="device-header__id">
            {t('device.id')} <code>{device.id}</code>
          </span>
        </p>
        {status.reasons.length > 0 && (
          <ul className="device-header__reasons">
            {status.reasons.map((reason) => (
              <li key={reason} data-level={status.level}>
                {t(`reasons.${reason}`)}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="device-header__state">
        <StatusBadge status={status} showReason={false} />
        <span className="device-header__seen">
          <span className="online-dot" data-online={device.online} aria-hidden="true" />
          {t(device.online ? 'device.online' : 'device.offline')}
          <span className="device-header__sep">·</span>
          {t('device.lastSeen')} {device.lastSeen === null ? t('device.never') : <RelativeTime ts={device.lastSeen} />}
        </span>
      </div>
    </header>
  )
}
