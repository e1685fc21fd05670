import type { AlarmView } from '@fm/protocol'
import { locationLabel } from '../../devices/grouping.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useDevice } from '../../live/store.ts'
import { useSite } from '../../site/SiteContext.ts'

/** The device of an alarm by its name, and where it is ("3栋 · 生活水泵房"), from the live store and the site. */
export function useAlarmPlace(alarm: Pick<AlarmView, 'deviceId' | 'buildingId' | 'roomId'>) {
  const language = useLanguage()
  const { site } = useSite()
  const device = useDevice(alarm.deviceId)
  return {
    device,
    deviceName: device ? localName(device, language) : alarm.deviceId,
    place: locationLabel(alarm, site, language),
  }
}
