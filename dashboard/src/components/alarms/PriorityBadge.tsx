import type { AlarmPriority } from '@fm/protocol'
import { useTranslation } from 'react-i18next'

/**
 * "P0 特急": the priority's code and word, on its colour, with a mark whose shape differs per priority (a diamond, a
 * triangle, a square, a ring), so that colour is never the only signal.
 */
export function PriorityBadge({ priority }: { priority: AlarmPriority }) {
  const { t } = useTranslation()
  return (
    <span className="priority-badge" data-priority={priority} data-testid="alarm-priority">
      <span className="priority-badge__mark" aria-hidden="true" />
      <span className="priority-badge__code">{priority}</span>
      <span className="priority-badge__word">{t(`alarms.priorities.${priority}`)}</span>
    </span>
  )
}
