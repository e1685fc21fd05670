import type { DeviceView } from '@fm/protocol'
import { booleanOf } from '../../devices/fields.ts'
import { Reading } from '../value/Reading.tsx'
import { RunningIndicator } from './RunningIndicator.tsx'

export function PumpSummary({ device }: { device: DeviceView }) {
  const { kind, values } = device
  // Fire pumps often have no VFD: show their current instead of a frequency that is never reported.
  const drive = values.frequency_hz === undefined && values.current_a !== undefined ? 'current_a' : 'frequency_hz'
  return (
    <div className="card-summary card-summary--with-visual">
      <RunningIndicator running={booleanOf(values, 'running')} />
      <div className="card-readings card-readings--lead">
        <Reading kind={kind} values={values} field="outlet_pressure_mpa" size="lg" />
        <Reading kind={kind} values={values} field={drive} />
        <Reading
          kind={kind}
          values={values}
          field={values.fault === true ? 'fault' : 'mode'}
          tone={values.fault === true ? 'fault' : values.mode === 'manual' ? 'attention' : undefined}
        />
      </div>
    </div>
  )
}
