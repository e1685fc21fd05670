import type { WorkOrderView } from '@fm/protocol'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { useLanguage } from '../../i18n/i18n.ts'
import { useNow } from '../../time/useNow.ts'
import { clocksAsOf, urgentClock } from '../../workorders/sla-display.ts'
import { PriorityBadge } from '../alarms/PriorityBadge.tsx'
import { SlaCountdown } from './SlaCountdown.tsx'
import { useWorkOrderPlace } from './useWorkOrderPlace.ts'
import { Age, holdText, StateBadge } from './WorkOrderBadges.tsx'

interface WorkOrderCardProps {
  order: WorkOrderView
  /** When the list holding it came from the api: paused clocks count from there. */
  receivedAt: number
  /** The phone's queue: larger type, the place before the title. */
  large?: boolean
  /** The actions, and anything else under the card. */
  children?: ReactNode
}

/**
 * One work order on the board or in a technician's queue: number (to its page), priority, category, title, place,
 * state, age, assignee and the clock that runs out first, ticking.
 */
export function WorkOrderCard({ order, receivedAt, large = false, children }: WorkOrderCardProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { place } = useWorkOrderPlace(order)
  const now = useNow()
  const asOf = clocksAsOf(order, receivedAt)
  const clock = urgentClock(order, now, asOf)
  return (
    <li
      className={large ? 'wo-card wo-card--large' : 'wo-card'}
      data-testid="wo-card"
      data-wo-id={order.id}
      data-state={order.state}
      data-priority={order.priority}
      data-category={order.category}
    >
      <div className="wo-card__head">
        <PriorityBadge priority={order.priority} />
        <Link to={`/work-orders/${order.id}`} className="wo-card__number tabular" data-testid="wo-card-link">
          {order.number}
        </Link>
        <span className="wo-card__category">{t(`workOrders.categories.${order.category}`)}</span>
      </div>
      <p className="wo-card__title" data-testid="wo-card-title">
        {order.title}
      </p>
      {place && (
        <p className="wo-card__place" data-testid="wo-card-place">
          {place}
        </p>
      )}
      <p className="wo-card__meta">
        <StateBadge state={order.state} />
        <Age since={order.createdAt} />
        <span data-testid="wo-card-assignee">
          {order.assignee ? order.assignee.displayName : t('workOrders.unassigned')}
        </span>
        {order.rework && <span className="wo-tag wo-tag--warn">{t('workOrders.rework')}</span>}
      </p>
      {order.hold && (
        <p className="wo-card__hold" data-testid="wo-card-hold">
          {holdText(order.hold, t, language)}
        </p>
      )}
      {clock && <SlaCountdown clock={clock} asOf={asOf} />}
      {children}
    </li>
  )
}
