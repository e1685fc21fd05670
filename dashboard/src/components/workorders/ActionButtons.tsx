import type { WorkOrderActionName, WorkOrderView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { availableActions, isDestructive, NEXT_STEP, orderActions } from '../../workorders/actions.ts'
import type { WorkOrderActions } from './useWorkOrderActions.tsx'

interface ActionButtonsProps {
  order: WorkOrderView
  /** What the page can do with work orders (`useWorkOrderActions`). */
  actions: WorkOrderActions
  /** Only these of the actions the user may take (a board card's); all when not given. */
  only?: readonly WorkOrderActionName[]
  /** Phone-sized: the next step across the whole width, every button at least 48 px tall. */
  large?: boolean
}

/** The buttons of the actions the user may take now: the next step first and highlighted, the destructive ones last. */
export function ActionButtons({ order, actions, only, large = false }: ActionButtonsProps) {
  const { t } = useTranslation()
  const available = availableActions(order, actions.actor).filter((action) => !only || only.includes(action))
  if (available.length === 0) return null
  return (
    <div className={large ? 'wo-actions wo-actions--large' : 'wo-actions'} data-testid="wo-actions">
      {orderActions(available, order.state).map((action) => {
        const style =
          action === NEXT_STEP[order.state] || action === 'verify'
            ? ' button--primary'
            : isDestructive(action)
              ? ' button--danger-quiet'
              : ''
        return (
          <button
            key={action}
            type="button"
            className={`button${large ? '' : ' button--small'}${style}`}
            data-testid={`wo-action-${action}`}
            data-wo-id={order.id}
            disabled={actions.pendingId === order.id}
            onClick={() => actions.start(order, action)}
          >
            {action === 'assign' && order.assignee
              ? t('workOrders.actions.reassign')
              : t(`workOrders.actions.${action}`)}
          </button>
        )
      })}
    </div>
  )
}
