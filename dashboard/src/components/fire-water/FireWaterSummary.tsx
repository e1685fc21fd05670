import type { DeviceView } from '@fm/protocol'
import { Reading } from '../value/Reading.tsx'

export function FireWaterSummary({ device }: { device: DeviceView }) {
  const { kind, values } = device
  return (
    <div className="card-summary">
      <div className="card-readings card-readings--lead">
        <Reading
          kind={kind}
          values={values}
          field={
            values.tank_level_pct === undefined && values.tank_level_m !== undefined ? 'tank_level_m' : 'tank_level_pct'
          }
          size="lg"
        />
        <Reading kind={kind} values={values} field="hydrant_pressure_mpa" />
        <Reading kind={kind} values={values} field="sprinkler_pressure_mpa" />
      </div>
    </div>
  )
}
