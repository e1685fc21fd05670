import type { DeviceView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { RelativeTime } from '../device-events/RelativeTime.tsx'
import { useDeviceEvents } from '../device-events/useDeviceEvents.ts'
import { Reading } from '../value/Reading.tsx'
import { DirectionTag, PlateBadge } from './PlateBadge.tsx'

export function GateSummary({ device }: { device: DeviceView }) {
  const { t } = useTranslation()
  const { kind, values } = device
  const { events } = useDeviceEvents(device.id, kind, 1)
  const last = events[0]?.payload.type === 'plate' ? events[0] : undefined
  return (
    <div className="card-summary">
      <div className="card-readings card-readings--2">
        <Reading kind={kind} values={values} field="barrier" tone={values.barrier === 'fault' ? 'fault' : undefined} />
        <Reading kind={kind} values={values} field="loop_occupied" />
      </div>
      <div className="card-event">
        <span className="card-event__label">{t('events.lastPlate')}</span>
        {last?.payload.type === 'plate' ? (
          <span className="card-event__body">
            <PlateBadge plate={last.payload.plate} color={last.payload.plate_color} />
            <DirectionTag direction={last.payload.direction} />
            <span className="card-event__time">
              <RelativeTime ts={last.ts} />
            </span>
          </span>
        ) : (
          <span className="card-event__none">{t('events.none')}</span>
        )}
      </div>
    </div>
  )
}
