import type { DeviceView } from '@fm/protocol'
import { numberOf } from '../../devices/fields.ts'
import { Reading } from '../value/Reading.tsx'

export function FirePanelSummary({ device }: { device: DeviceView }) {
  const { kind, values } = device
  const count = (key: string) => numberOf(values, key) ?? 0
  return (
    <div className="card-summary">
      <div className="card-readings card-readings--4">
        <Reading kind={kind} values={values} field="fire_points" tone={count('fire_points') > 0 ? 'fault' : 'muted'} />
        <Reading
          kind={kind}
          values={values}
          field="fault_points"
          tone={count('fault_points') > 0 ? 'fault' : 'muted'}
        />
        <Reading
          kind={kind}
          values={values}
          field="isolated_points"
          tone={count('isolated_points') > 0 ? 'attention' : 'muted'}
        />
        <Reading
          kind={kind}
          values={values}
          field="mode"
          tone={values.mode === 'manual' ? 'attention' : values.mode === 'auto' ? 'ok' : undefined}
        />
      </div>
    </div>
  )
}
