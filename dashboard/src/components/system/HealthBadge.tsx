import { useTranslation } from 'react-i18next'
import type { HealthStatus } from '../../health/parts.ts'
import '../value/StatusBadge.css'

/** The device badge's look, so one colour and one shape mean the same on every page: ring, triangle, square. */
const LEVEL: Record<HealthStatus, string> = { ok: 'normal', degraded: 'attention', down: 'fault' }

export function HealthBadge({ status }: { status: HealthStatus }) {
  const { t } = useTranslation()
  return (
    <span className="status-badge" data-level={LEVEL[status] ?? 'offline'}>
      <span className="status-badge__mark" aria-hidden="true" />
      <span>{t(`system.states.${status}`, { defaultValue: status })}</span>
    </span>
  )
}
