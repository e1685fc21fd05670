import { useTranslation } from 'react-i18next'
import { useConnection } from '../../live/store.ts'

/** The live link at a glance: a guard must never mistake a frozen screen for a quiet night. */
export function ConnectionIndicator() {
  const { t } = useTranslation()
  const state = useConnection()
  return (
    <div
      className="connection"
      data-testid="connection-status"
      data-state={state}
      role="status"
      aria-live="polite"
      title={t('connection.label')}
    >
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__text">{t(`connection.${state}`)}</span>
    </div>
  )
}
