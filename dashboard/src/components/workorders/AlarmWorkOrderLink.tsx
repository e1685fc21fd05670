import { type AlarmView, CREATE_WORK_ORDER_PERMISSIONS } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { useSession } from '../../session/SessionContext.ts'
import { useApi } from '../../useApi.ts'
import { workOrderOfAlarm } from '../../workorders/alarm-link.ts'
import { fetchWorkOrders } from '../../workorders/work-order-api.ts'

/**
 * From an alarm to its open work order, when there is one and the user works with work orders: whoever looks at the
 * alarm sees at once whether someone is on it. Nothing otherwise, a refusal included.
 */
export function AlarmWorkOrderLink({ alarm }: { alarm: AlarmView }) {
  const { t } = useTranslation()
  const { can } = useSession()
  const allowed = CREATE_WORK_ORDER_PERMISSIONS.some(can)
  const found = useApi(allowed ? `alarm-work-order|${alarm.deviceId}|${alarm.id}` : null, (signal) =>
    fetchWorkOrders({ deviceId: alarm.deviceId, open: true }, signal),
  )
  const order = found.data ? workOrderOfAlarm(found.data, alarm) : undefined
  if (!order) return null
  return (
    <Link to={`/work-orders/${order.id}`} className="button" data-testid="alarm-work-order-link" data-wo-id={order.id}>
      {t('workOrders.fromAlarm', { number: order.number, state: t(`workOrders.states.${order.state}`) })}
    </Link>
  )
}
