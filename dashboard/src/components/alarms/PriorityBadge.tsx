import type { AlarmPriority } from '@fm/protocol'
import type { ReactNode } from 'react'
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

/**
 * What a dialog is about, on top of it: the priority, what it is ("泵故障", "WO-20260514-003 · 水泵房漏水") and
 * where, so that nobody acts on the wrong alarm or work order.
 */
export function PrioritySubject({
  priority,
  title,
  detail,
}: {
  priority: AlarmPriority
  title: ReactNode
  detail: ReactNode
}) {
  return (
    <p className="alarm-dialog__alarm">
      <PriorityBadge priority={priority} />
      <span>
        <strong>{title}</strong>
        <span className="alarm-dialog__device">{detail}</span>
      </span>
    </p>
  )
}
