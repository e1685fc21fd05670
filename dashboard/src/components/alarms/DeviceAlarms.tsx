import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { compareAlarms } from '../../alarms/console-order.ts'
import { useAlarms } from '../../live/store.ts'
import { AlarmRow } from './AlarmRow.tsx'
import { useAlarmResponder } from './useAlarmResponder.tsx'
import './Alarms.css'

/**
 * The device's alarms at the top of its page, in the console's order and with the console's rows: a technician who
 * opened the device from a message sees at once what is wrong, what to do, and can respond.
 */
export function DeviceAlarms({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation()
  const alarms = useAlarms(deviceId)
  const sorted = useMemo(() => [...alarms].sort(compareAlarms), [alarms])
  const { responder, error, dialogs } = useAlarmResponder()
  const [openId, setOpenId] = useState<number>()
  if (sorted.length === 0) return null
  return (
    <section className="panel device-alarms" data-testid="device-alarms" aria-labelledby="device-alarms-title">
      <h2 id="device-alarms-title" className="panel__title">
        {t('alarms.deviceTitle', { count: sorted.length })}
      </h2>
      {error}
      <ul className="alarm-list">
        {sorted.map((alarm) => (
          <AlarmRow
            key={alarm.id}
            alarm={alarm}
            selected={openId === alarm.id}
            expanded={openId === alarm.id}
            onOpen={() => setOpenId(openId === alarm.id ? undefined : alarm.id)}
            responder={responder}
          />
        ))}
      </ul>
      {dialogs}
    </section>
  )
}
