import { useTranslation } from 'react-i18next'
import { type DeviceStatus, URGENT_REASONS } from '../../devices/status.ts'
import './StatusBadge.css'

/**
 * Status word plus its main reason; the mark's shape differs per level, so colour is never the only signal. For a
 * life-safety reason the reason itself is the headline: "火警" says more than "故障 · 火警".
 */
export function StatusBadge({ status, showReason = true }: { status: DeviceStatus; showReason?: boolean }) {
  const { t } = useTranslation()
  const urgent = status.reasons.find((r) => URGENT_REASONS.has(r))
  const headline = urgent ? t(`reasons.${urgent}`) : t(`status.${status.level}`)
  const detail = urgent ? undefined : status.reasons[0]
  const others = status.reasons.length - 1
  return (
    <span className="status-badge" data-level={status.level}>
      <span className="status-badge__mark" aria-hidden="true" />
      <span>{headline}</span>
      {showReason && (detail || others > 0) && (
        <span className="status-badge__reason">
          {detail && ` · ${t(`reasons.${detail}`)}`}
          {others > 0 && ` +${others}`}
        </span>
      )}
    </span>
  )
}
