import type { DeviceView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { numberOf } from '../../devices/fields.ts'
import { RelativeTime } from '../device-events/RelativeTime.tsx'
import { useDeviceEvents } from '../device-events/useDeviceEvents.ts'
import { Reading } from '../value/Reading.tsx'

export function CheckpointSummary({ device }: { device: DeviceView }) {
  const { t } = useTranslation()
  const { kind, values } = device
  const { events } = useDeviceEvents(device.id, kind, 1)
  const last = events[0]
  const battery = numberOf(values, 'battery_pct')
  return (
    <div className="card-summary">
      <div className="card-event card-event--main">
        <span className="card-event__label">{t('events.lastScan')}</span>
        {last?.payload.type === 'scan' ? (
          <span className="card-event__body">
            <span className="card-event__strong">
              <RelativeTime ts={last.ts} />
            </span>
            <span className="card-event__meta">{t('events.guard', { guard: last.payload.guard_id })}</span>
          </span>
        ) : (
          <span className="card-event__none">{t('events.none')}</span>
        )}
      </div>
      <div className="card-readings">
        <Reading
          kind={kind}
          values={values}
          field="battery_pct"
          tone={battery !== undefined && battery < 20 ? 'attention' : undefined}
        />
      </div>
    </div>
  )
}
