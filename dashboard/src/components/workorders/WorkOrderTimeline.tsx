import type { WorkOrderEvent } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'

/** What an event's detail adds that a reader needs: the technician it went to, the hold reason. */
function EventDetail({ event }: { event: WorkOrderEvent }) {
  const { t } = useTranslation()
  const assignee = event.detail?.assigneeName ?? event.detail?.assignee
  const holdReason = event.detail?.holdReason
  const parts: string[] = []
  if (typeof assignee === 'string') parts.push(t('workOrders.timeline.to', { name: assignee }))
  if (typeof holdReason === 'string')
    parts.push(t(`workOrders.holdReasons.${holdReason}`, { defaultValue: holdReason }))
  if (event.detail?.override === true) parts.push(t('workOrders.timeline.override'))
  return parts.length > 0 ? <span className="wo-timeline__detail">{parts.join(' · ')}</span> : null
}

/** Every step of the work order, oldest first: what happened, the state it led to, who and when, and the note. */
export function WorkOrderTimeline({ events }: { events: readonly WorkOrderEvent[] }) {
  const { t } = useTranslation()
  const language = useLanguage()
  return (
    <section className="panel wo-section" aria-labelledby="wo-timeline-title" data-testid="wo-timeline">
      <h2 className="panel__title" id="wo-timeline-title">
        {t('workOrders.detail.timeline')}
      </h2>
      {events.length === 0 ? (
        <p className="wo-section__empty">{t('workOrders.timeline.empty')}</p>
      ) : (
        <ol className="wo-timeline">
          {events.map((event) => (
            <li key={event.id} data-testid="wo-event" data-type={event.type} data-to={event.to ?? ''}>
              <time className="tabular" dateTime={new Date(event.at).toISOString()}>
                {formatTime(event.at, language, 'stamp')}
              </time>
              <span className="wo-timeline__what">
                <strong>{t(`workOrders.events.${event.type}`, { defaultValue: event.type })}</strong>
                {event.to && event.from !== event.to && (
                  <span className="wo-timeline__state"> → {t(`workOrders.states.${event.to}`)}</span>
                )}
                <EventDetail event={event} />
              </span>
              <span className="wo-timeline__who">
                {event.by === 'system' ? t('workOrders.timeline.system') : event.by}
              </span>
              {event.note && <p className="wo-timeline__note">{event.note}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
