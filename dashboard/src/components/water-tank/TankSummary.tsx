import type { DeviceView } from '@fm/protocol'
import { numberOf } from '../../devices/fields.ts'
import { Reading } from '../value/Reading.tsx'
import { LevelBar } from './LevelBar.tsx'

export function TankSummary({ device }: { device: DeviceView }) {
  const { kind, values } = device
  const level = numberOf(values, 'level_pct')
  return (
    <div className="card-summary card-summary--with-visual">
      <LevelBar pct={level} />
      <div className="card-readings card-readings--lead">
        <Reading kind={kind} values={values} field="level_pct" size="lg" />
        <Reading kind={kind} values={values} field={values.volume_m3 === undefined ? 'level_m' : 'volume_m3'} />
        <Reading
          kind={kind}
          values={values}
          field={values.overflow === true ? 'overflow' : 'inlet_valve'}
          tone={values.overflow === true ? 'fault' : undefined}
        />
      </div>
    </div>
  )
}
