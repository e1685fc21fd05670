import type { DeviceKind } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import type { ShownEvent } from '../../devices/events.ts'
import { formatNumber, formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { DirectionTag, PlateBadge } from '../gate/PlateBadge.tsx'
import './EventList.css'
import { RelativeTime } from './RelativeTime.tsx'
import { useDeviceEvents } from './useDeviceEvents.ts'

/** How many events the device page shows and asks the api for. */
export const EVENT_LIST_LIMIT = 50

/** States that are trouble get the fault colour; isolation and supervisory are amber; the rest neutral. */
const STATE_LEVEL: Record<string, string> = {
  fire: 'fault',
  fault: 'fault',
  power_fault: 'fault',
  isolated: 'attention',
  supervisory: 'attention',
  normal: 'ok',
}

function EventBody({ event }: { event: ShownEvent }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const p = event.payload
  switch (p.type) {
    case 'plate':
      return (
        <>
          <PlateBadge plate={p.plate} color={p.plate_color} />
          <DirectionTag direction={p.direction} />
          <span className="event__meta">
            {t(`events.plateColors.${p.plate_color}`)}
            {p.confidence_pct > 0 &&
              ` · ${t('events.confidence', { value: `${formatNumber(p.confidence_pct, language, 0)}%` })}`}
            {p.offline_cached && ` · ${t('events.offlineCached')}`}
          </span>
        </>
      )
    case 'scan':
      return (
        <>
          <strong>{t('events.guard', { guard: p.guard_id })}</strong>
          <span className="event__meta">
            {p.route_id && `${t('events.route', { route: p.route_id })} · `}
            {t(`events.scanMethods.${p.method}`)}
          </span>
        </>
      )
    case 'point':
      return (
        <>
          <strong>{t('events.loopPoint', { loop: p.loop, point: p.point })}</strong>
          {p.states.map((state) => (
            <span key={state} className="event__state" data-level={STATE_LEVEL[state] ?? 'neutral'}>
              {t(`events.pointStates.${state}`)}
            </span>
          ))}
          {(p.zone || p.description) && (
            <span className="event__meta">{[p.zone, p.description].filter(Boolean).join(' · ')}</span>
          )}
        </>
      )
    case 'reset':
      return <span className="event__meta">{p.operator ? t('events.operator', { operator: p.operator }) : ''}</span>
  }
}

/** Recent events of one device (plates, scans, fire point states), live ones on top as they arrive. */
export function EventList({ deviceId, kind }: { deviceId: string; kind: DeviceKind }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { events, status, forbidden } = useDeviceEvents(deviceId, kind, EVENT_LIST_LIMIT)
  if (events.length === 0) {
    const failed = forbidden ? t('events.forbidden') : t('events.error')
    const message = status === 'loading' ? t('app.loading') : status === 'error' ? failed : t('events.empty')
    return <p className="events__empty">{message}</p>
  }
  return (
    <ol className="events" data-testid="event-list">
      {events.map((event) => (
        <li key={event.key} className="event" data-type={event.payload.type} data-testid="event">
          <span className="event__time">
            <span className="tabular">{formatTime(event.ts, language, 'dateTime')}</span>
            <span className="event__ago">
              <RelativeTime ts={event.ts} />
            </span>
          </span>
          <span className="event__type">{t(`events.types.${event.payload.type}`)}</span>
          <span className="event__body">
            <EventBody event={event} />
          </span>
        </li>
      ))}
    </ol>
  )
}
