import type { AlarmView, WorkOrderView } from '@fm/protocol'

/**
 * The open work order of an alarm among its device's: the one the alarm opened, else one opened by the same rule,
 * else any open one of the device (a guard's report of the same fault).
 */
export function workOrderOfAlarm(
  orders: readonly WorkOrderView[],
  alarm: Pick<AlarmView, 'id' | 'ruleId' | 'deviceId'>,
): WorkOrderView | undefined {
  const ofDevice = orders.filter((order) => order.deviceId === alarm.deviceId)
  return (
    ofDevice.find((order) => order.alarm?.id === alarm.id) ??
    ofDevice.find((order) => order.alarm?.ruleId === alarm.ruleId) ??
    ofDevice[0]
  )
}
