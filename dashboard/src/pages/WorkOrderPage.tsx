import type { WorkOrderView } from '@fm/protocol'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { isForbidden } from '../api.ts'
import { PriorityBadge } from '../components/alarms/PriorityBadge.tsx'
import { FormError, requestError } from '../components/forms/FormError.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { ActionButtons } from '../components/workorders/ActionButtons.tsx'
import { HouseholdHistory } from '../components/workorders/HouseholdHistory.tsx'
import { LinkedAlarm } from '../components/workorders/LinkedAlarm.tsx'
import { SlaClocks } from '../components/workorders/SlaClocks.tsx'
import { useWorkOrderActions } from '../components/workorders/useWorkOrderActions.tsx'
import { useWorkOrderPlace } from '../components/workorders/useWorkOrderPlace.ts'
import { holdText, StateBadge } from '../components/workorders/WorkOrderBadges.tsx'
import { WorkOrderTimeline } from '../components/workorders/WorkOrderTimeline.tsx'
import { WorkPanel } from '../components/workorders/WorkPanel.tsx'
import { formatTime } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useSession } from '../session/SessionContext.ts'
import { mayRecordWork } from '../workorders/actions.ts'
import { useWorkOrder } from '../workorders/useWorkOrder.ts'
import '../components/alarms/Alarms.css'
import '../components/forms/forms.css'
import '../components/workorders/WorkOrders.css'
import './DevicePage.css'

function Fact({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="wo-facts__item" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  )
}

/** Where, for whom, reported by whom, worked by whom; the hold and the resolution while there are any. */
function Facts({ order }: { order: WorkOrderView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { device, deviceName, place } = useWorkOrderPlace(order)
  const when = (ts: number) => formatTime(ts, language, 'dateTime')
  return (
    <dl className="wo-facts">
      <Fact label={t('workOrders.fields.place')} testId="wo-place">
        {place || t('workOrders.detail.noPlace')}
        {order.deviceId && (
          <>
            {' · '}
            <Link to={`/devices/${encodeURIComponent(order.deviceId)}`} data-testid="wo-device-link">
              {device ? deviceName : order.deviceId}
            </Link>
          </>
        )}
      </Fact>
      {order.resident && (
        <Fact label={t('workOrders.fields.resident')} testId="wo-resident">
          {order.resident.name}
          {order.resident.phone && (
            <>
              {' · '}
              <a href={`tel:${order.resident.phone}`}>{order.resident.phone}</a>
            </>
          )}
        </Fact>
      )}
      <Fact label={t('workOrders.fields.origin')} testId="wo-origin">
        {t(`workOrders.origins.${order.origin}`)} · {order.createdBy.displayName} · {when(order.createdAt)}
      </Fact>
      <Fact label={t('workOrders.fields.assignee')} testId="wo-assignee">
        {order.assignee ? order.assignee.displayName : t('workOrders.unassigned')}
      </Fact>
      {order.description && (
        <Fact label={t('workOrders.fields.description')} testId="wo-description">
          <span className="wo-facts__text">{order.description}</span>
        </Fact>
      )}
      {order.hold && (
        <Fact label={t('workOrders.fields.hold')} testId="wo-hold">
          {holdText(order.hold, t, language)}
          {order.hold.note && <span className="wo-facts__text"> · {order.hold.note}</span>}
        </Fact>
      )}
      {order.resolution && (
        <Fact label={t('workOrders.fields.resolution')} testId="wo-resolution">
          <span className="wo-facts__text">{order.resolution.note}</span>
          {order.resolution.cause && ` · ${t('workOrders.resolve.causeIs', { cause: order.resolution.cause })}`}
          {order.resolution.laborMin !== undefined &&
            ` · ${t('workOrders.resolve.laborIs', { count: order.resolution.laborMin })}`}
        </Fact>
      )}
    </dl>
  )
}

function Detail({ id }: { id: number }) {
  const { t } = useTranslation()
  const { can } = useSession()
  const detail = useWorkOrder(id)
  const actions = useWorkOrderActions(detail.put)
  const { order, failure } = detail
  if (!order) {
    if (failure && isForbidden(failure)) return <NotAllowed failure={failure} />
    if (failure?.status === 404) return <NotFound />
    return (
      <div className="page">
        {failure ? (
          <FormError error={requestError(failure)} testId="wo-detail-error" />
        ) : (
          <Loading text={t('workOrders.loading')} />
        )}
      </div>
    )
  }
  const back = can('workorders.manage') ? '/work-orders' : '/my-work'
  return (
    <div className="page wo-page wo-detail" data-testid="wo-detail" data-wo-id={order.id} data-state={order.state}>
      <title>{`${order.number} · ${t('app.name')}`}</title>
      <nav className="breadcrumb" aria-label="breadcrumb">
        <Link to={back} data-testid="wo-back">
          <span aria-hidden="true">←</span>
          {t(can('workorders.manage') ? 'workOrders.board.title' : 'workOrders.myWork.title')}
        </Link>
      </nav>
      <header className="wo-detail__head">
        <p className="wo-detail__badges">
          <span className="wo-detail__number tabular" data-testid="wo-number">
            {order.number}
          </span>
          <StateBadge state={order.state} />
          <PriorityBadge priority={order.priority} />
          <span className="wo-tag" data-testid="wo-category">
            {t(`workOrders.categories.${order.category}`)}
          </span>
          {order.rework && <span className="wo-tag wo-tag--warn">{t('workOrders.rework')}</span>}
          {!order.firstTimePass && !order.rework && (
            <span className="wo-tag wo-tag--warn">{t('workOrders.returned')}</span>
          )}
          {order.escalatedAt !== undefined && <span className="wo-tag wo-tag--warn">{t('workOrders.escalated')}</span>}
        </p>
        <h1 className="alarm-console__title" data-testid="wo-title">
          {order.title}
        </h1>
      </header>
      {detail.status === 'error' && failure && <FormError error={requestError(failure)} testId="wo-detail-error" />}
      {actions.error}
      <ActionButtons order={order} actions={actions} large />
      <div className="wo-detail__grid">
        <div className="wo-detail__main">
          <section className="panel wo-section" aria-label={t('workOrders.detail.facts')}>
            <Facts order={order} />
          </section>
          <SlaClocks order={order} receivedAt={detail.receivedAt} />
          <LinkedAlarm order={order} />
          <HouseholdHistory order={order} />
          <WorkPanel
            order={order}
            events={detail.events}
            editable={mayRecordWork(order, actions.actor)}
            onChange={detail.put}
          />
        </div>
        <WorkOrderTimeline events={detail.events} />
      </div>
      {actions.dialogs}
    </div>
  )
}

function NotFound() {
  const { t } = useTranslation()
  return (
    <div className="page">
      <div className="empty-state" role="status" data-testid="wo-not-found">
        <h1>{t('workOrders.detail.notFound')}</h1>
        <Link to="/" className="button">
          {t('notFound.home')}
        </Link>
      </div>
    </div>
  )
}

/**
 * `/work-orders/:id`: one work order: its state, priority, category and place (to the device), the three clocks, the
 * alarm that opened it as it is now with its trend, the checklist and photos, the timeline, and the actions the user
 * may take now. Kept current by the live link, and every 30 s.
 */
export function WorkOrderPage() {
  const { id = '' } = useParams()
  const numeric = Number(id)
  if (!Number.isInteger(numeric) || numeric <= 0) return <NotFound />
  return <Detail key={numeric} id={numeric} />
}
