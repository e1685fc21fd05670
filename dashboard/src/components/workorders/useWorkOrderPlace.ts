import type { WorkOrderView } from '@fm/protocol'
import { locationLabel } from '../../devices/grouping.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useDevice } from '../../live/store.ts'
import { useSite } from '../../site/SiteContext.ts'

/**
 * Where a work order is, in words: building and room ("3栋 · 生活水泵房"), the device's place when only the device is
 * known, and the unit of a household repair ("3-1-502"); and the device by its name.
 */
export function useWorkOrderPlace(order: Pick<WorkOrderView, 'buildingId' | 'roomId' | 'deviceId' | 'unit'>) {
  const language = useLanguage()
  const { site } = useSite()
  const device = useDevice(order.deviceId)
  const where = order.buildingId || order.roomId ? order : (device ?? order)
  const place = [locationLabel(where, site, language), order.unit ?? ''].filter(Boolean).join(' · ')
  return { device, deviceName: device ? localName(device, language) : order.deviceId, place }
}
