import { memo, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { deviceStatus, isUrgent } from '../../devices/status.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useDevice } from '../../live/store.ts'
import { RelativeTime } from '../device-events/RelativeTime.tsx'
import { ErrorBoundary } from '../layout/ErrorBoundary.tsx'
import { KindIcon } from '../value/KindIcon.tsx'
import { StatusBadge } from '../value/StatusBadge.tsx'
import './DeviceCard.css'
import { KindSummary } from './KindSummary.tsx'

/**
 * One device on the overview. It selects only its own device from the live store, so a delta for another device
 * does not re-render it; `memo` keeps the group's re-renders from reaching it either.
 */
export const DeviceCard = memo(function DeviceCard({ id }: { id: string }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const device = useDevice(id)
  const status = useMemo(() => (device ? deviceStatus(device) : undefined), [device])
  if (!device || !status) return null
  const name = localName(device, language)
  return (
    <Link
      to={`/devices/${encodeURIComponent(id)}`}
      className="device-card"
      data-testid="device-card"
      data-device-id={id}
      data-kind={device.kind}
      data-status={status.level}
      data-urgent={isUrgent(status) || undefined}
    >
      <div className="device-card__head">
        <span className="device-card__icon">
          <KindIcon kind={device.kind} />
        </span>
        <span className="device-card__title">
          <span className="device-card__name">{name}</span>
          <span className="device-card__kind">{t(`kinds.${device.kind}`)}</span>
        </span>
        <span
          className="online-dot"
          data-online={device.online}
          role="img"
          aria-label={t(device.online ? 'device.online' : 'device.offline')}
          title={t(device.online ? 'device.online' : 'device.offline')}
        />
      </div>
      <div className="device-card__status">
        <StatusBadge status={status} />
        {!device.online && device.lastSeen !== null && (
          <span className="device-card__seen">
            <RelativeTime ts={device.lastSeen} />
          </span>
        )}
      </div>
      <div className="device-card__body">
        <ErrorBoundary fallback={<span className="device-card__error">{t('app.error')}</span>}>
          <KindSummary device={device} />
        </ErrorBoundary>
      </div>
    </Link>
  )
})
