import type { Health } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { isKnownPart, listParts } from '../../health/parts.ts'
import { HealthBadge } from './HealthBadge.tsx'
import { usePartLabel } from './usePartLabel.ts'

/**
 * One card per part the api reports, with its status and the api's `detail` (written for the engineer, in English,
 * as the api logs it; the label and the status word are the guard's).
 */
export function PartCards({ parts }: { parts: Health['parts'] }) {
  const { t } = useTranslation()
  const partLabel = usePartLabel()
  return (
    <section className="system-section" aria-labelledby="parts-title">
      <h2 id="parts-title" className="visually-hidden">
        {t('system.partsTitle')}
      </h2>
      <ul className="part-grid">
        {listParts(parts).map((part) => (
          <li key={part.key} className="part" data-testid="system-part" data-part={part.key} data-state={part.status}>
            <div className="part__head">
              <span className="part__name">{partLabel(part.key)}</span>
              <HealthBadge status={part.status} />
            </div>
            {isKnownPart(part.key) && <span className="part__hint">{t(`system.partHints.${part.key}`)}</span>}
            {part.detail && (
              <p className="part__detail" lang="en">
                {part.detail}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
