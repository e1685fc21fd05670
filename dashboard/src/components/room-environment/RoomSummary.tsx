import type { DeviceView } from '@fm/protocol'
import { Reading } from '../value/Reading.tsx'

export function RoomSummary({ device }: { device: DeviceView }) {
  const { kind, values } = device
  const alarm = values.smoke === true ? 'smoke' : 'flood'
  return (
    <div className="card-summary">
      <div className="card-readings card-readings--lead">
        <Reading kind={kind} values={values} field="temperature_c" size="lg" />
        <Reading kind={kind} values={values} field="humidity_pct" />
        <Reading kind={kind} values={values} field={alarm} tone={values[alarm] === true ? 'fault' : 'ok'} />
      </div>
    </div>
  )
}
