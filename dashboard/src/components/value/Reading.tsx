import type { DeviceKind } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { fieldSpec, type Values } from '../../devices/fields.ts'
import './Reading.css'
import { ValueText } from './ValueText.tsx'

export type Tone = 'ok' | 'attention' | 'fault' | 'muted' | undefined

interface ReadingProps {
  kind: DeviceKind
  values: Values
  field: string
  /** Colours the value when it is itself the problem (a tripped breaker, a fire count above zero). */
  tone?: Tone
  size?: 'lg' | 'md'
}

/** A labelled value on a card: the label small above, the number large, the unit smaller beside it. */
export function Reading({ kind, values, field, tone, size = 'md' }: ReadingProps) {
  const { t } = useTranslation()
  const spec = fieldSpec(kind, field)
  if (!spec) return null
  return (
    <div className={`reading reading--${size}`} data-tone={tone}>
      <span className="reading__label">{t(`fields.${kind}.${field}`)}</span>
      <ValueText field={spec} value={values[field]} />
    </div>
  )
}
