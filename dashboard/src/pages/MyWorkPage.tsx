import { isOpenWorkOrder, type WorkOrderView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { isForbidden } from '../api.ts'
import { FormError, requestError } from '../components/forms/FormError.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { ActionButtons } from '../components/workorders/ActionButtons.tsx'
import { useWorkOrderActions, type WorkOrderActions } from '../components/workorders/useWorkOrderActions.tsx'
import { WorkOrderCard } from '../components/workorders/WorkOrderCard.tsx'
import { WorkPanel } from '../components/workorders/WorkPanel.tsx'
import { useSession } from '../session/SessionContext.ts'
import { mayRecordWork } from '../workorders/actions.ts'
import { useWorkOrderList } from '../workorders/useWorkOrderList.ts'
import '../components/alarms/Alarms.css'
import '../components/forms/forms.css'
import '../components/workorders/WorkOrders.css'

interface TaskProps {
  order: WorkOrderView
  receivedAt: number
  actions: WorkOrderActions
  open: boolean
  onToggle: () => void
  onChange: (order: WorkOrderView) => void
}

/** One job of the queue: the card, the next step as a large button, and the checklist and photos when opened. */
function Task({ order, receivedAt, actions, open, onToggle, onChange }: TaskProps) {
  const { t } = useTranslation()
  const recording = mayRecordWork(order, actions.actor)
  const panelId = `wo-work-${order.id}`
  return (
    <WorkOrderCard order={order} receivedAt={receivedAt} large>
      <ActionButtons order={order} actions={actions} large />
      {(recording || (order.checklist?.length ?? 0) > 0) && (
        <button
          type="button"
          className="button button--block wo-card__toggle"
          data-testid="wo-work-toggle"
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          onClick={onToggle}
        >
          {t(open ? 'workOrders.myWork.closeWork' : 'workOrders.myWork.openWork')}
        </button>
      )}
      {open && (
        <div id={panelId} className="wo-card__work">
          <WorkPanel order={order} editable={recording} onChange={onChange} />
        </div>
      )}
    </WorkOrderCard>
  )
}

/**
 * `/my-work`: the technician's queue on their phone, the job due first on top. Accept, go on site (到场), hold with
 * why, resume, and finish with the checklist and photos, each a large button; changes come in live.
 */
export function MyWorkPage() {
  const { t } = useTranslation()
  const { user } = useSession()
  const [params, setParams] = useSearchParams()
  const openId = Number(params.get('open')) || undefined
  const list = useWorkOrderList(
    { assignee: 'me', open: true },
    (order) => order.assignee?.username === user?.username && isOpenWorkOrder(order.state),
  )
  const actions = useWorkOrderActions(list.put)
  if (list.failure && isForbidden(list.failure)) return <NotAllowed failure={list.failure} />
  const toggle = (id: number) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous)
        if (openId === id) next.delete('open')
        else next.set('open', String(id))
        return next
      },
      { replace: true },
    )
  const waiting = list.orders.filter((order) => order.state !== 'resolved').length
  return (
    <div className="page wo-page wo-page--queue" data-testid="my-work-page">
      <title>{`${t('workOrders.myWork.title')} · ${t('app.name')}`}</title>
      <div className="alarm-report__head">
        <div>
          <h1 className="alarm-console__title">{t('workOrders.myWork.title')}</h1>
          <p className="alarm-report__lead" data-testid="my-work-counts" data-count={waiting}>
            {t('workOrders.myWork.counts', { count: waiting })}
          </p>
        </div>
        <Link to="/work-orders/new" className="button" data-testid="wo-report-link">
          {t('workOrders.report.link')}
        </Link>
      </div>
      {list.status === 'error' && list.failure && (
        <FormError error={requestError(list.failure)} testId="my-work-error" />
      )}
      {actions.error}
      {list.status === 'loading' && list.orders.length === 0 ? (
        <Loading text={t('workOrders.loading')} />
      ) : list.orders.length === 0 ? (
        <p className="wo-page__empty" data-testid="my-work-empty">
          {t('workOrders.myWork.empty')}
        </p>
      ) : (
        <ul className="wo-list" data-testid="my-work-list">
          {list.orders.map((order) => (
            <Task
              key={order.id}
              order={order}
              receivedAt={list.receivedAt}
              actions={actions}
              open={openId === order.id}
              onToggle={() => toggle(order.id)}
              onChange={list.put}
            />
          ))}
        </ul>
      )}
      {actions.dialogs}
    </div>
  )
}
