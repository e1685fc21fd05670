import type { DeviceView } from '@fm/protocol'
import { Reading, type Tone } from '../value/Reading.tsx'

const BREAKER_TONE: Record<string, Tone> = { tripped: 'fault', open: 'attention', closed: 'ok' }

export function PanelSummary({ device }: { device: DeviceView }) {
  const { kind, values } = device
  const breaker = typeof values.breaker === 'string' ? values.breaker : ''
  // The hottest point is what an electrical fire starts from; show it instead of power when it is high.
  const hot = typeof values.cable_temp_c === 'number' && values.cable_temp_c > 60
  return (
    <div className="card-summary">
      <div className="card-readings card-readings--2x2">
        <Reading kind={kind} values={values} field="uab_v" />
        <Reading kind={kind} values={values} field="ia_a" />
        <Reading
          kind={kind}
          values={values}
          field={hot ? 'cable_temp_c' : 'power_kw'}
          tone={hot ? (Number(values.cable_temp_c) > 70 ? 'fault' : 'attention') : undefined}
        />
        <Reading kind={kind} values={values} field="breaker" tone={BREAKER_TONE[breaker]} />
      </div>
    </div>
  )
}
