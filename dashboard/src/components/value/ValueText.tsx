import type { FieldSpec, FieldValue } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { formatFieldValue } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'

/**
 * One formatted value with its unit. The test hooks carry the field key and the raw value, so a browser test can
 * check both what the guard reads and what the device sent.
 */
export function ValueText({ field, value }: { field: FieldSpec; value: FieldValue | undefined }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { text, unit } = formatFieldValue(field, value, language, t)
  return (
    <span
      className="value tabular"
      data-testid="device-value"
      data-field={field.key}
      data-value={value === undefined ? undefined : String(value)}
    >
      <span className="value__text">{text}</span>
      {unit && <span className="value__unit">{unit === '%' ? unit : `\u2009${unit}`}</span>}
    </span>
  )
}
