import type { WorkOrderView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useApi } from '../../useApi.ts'
import { fetchWorkOrders } from '../../workorders/work-order-api.ts'
import { StateBadge } from './WorkOrderBadges.tsx'

/**
 * The other repairs of the same household (房号), newest first: the household's repair history the customer archive
 * keeps, and what a technician wants to know before knocking ("the third leak this year").
 */
export function HouseholdHistory({ order }: { order: WorkOrderView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { unit, siteId } = order
  const history = useApi(unit ? `${siteId}/${unit}` : null, (signal) =>
    fetchWorkOrders({ siteId, ...(unit ? { unit } : {}) }, signal),
  )
  if (!unit) return null
  const others = (history.data ?? []).filter((other) => other.id !== order.id)
  return (
    <section className="panel wo-section" aria-labelledby={`wo-household-${order.id}`} data-testid="wo-household">
      <h2 id={`wo-household-${order.id}`} className="panel__title">
        {t('workOrders.household.title', { unit })}
      </h2>
      {history.status === 'error' && (
        <p className="wo-section__status" role="alert">
          {t('workOrders.household.failed')}
        </p>
      )}
      {history.status === 'ok' && others.length === 0 && (
        <p className="wo-section__empty">{t('workOrders.household.none')}</p>
      )}
      {others.length > 0 && (
        <ul className="wo-household">
          {others.map((other) => (
            <li key={other.id} data-testid="wo-household-item" data-wo-id={other.id}>
              <Link to={`/work-orders/${other.id}`}>{other.number}</Link> {other.title}{' '}
              <StateBadge state={other.state} /> {formatTime(other.createdAt, language, 'dateTime')}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
