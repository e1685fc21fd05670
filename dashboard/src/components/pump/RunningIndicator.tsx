import { useTranslation } from 'react-i18next'
import './RunningIndicator.css'

/** An impeller that turns while the pump runs (still when stopped, or when the user prefers reduced motion). */
export function RunningIndicator({ running }: { running: boolean | undefined }) {
  const { t } = useTranslation()
  const state = running === undefined ? 'unknown' : running ? 'running' : 'stopped'
  return (
    <div className="running" data-state={state}>
      <svg viewBox="0 0 40 40" width="40" height="40" aria-hidden="true">
        <circle cx="20" cy="20" r="18" className="running__ring" />
        <g className="running__rotor">
          <path d="M20 20c0-6 3-10 7-11-1 5-3 8-7 11zM20 20c-6 0-10 3-11 7 5-1 8-3 11-7zM20 20c5 3 7 7 6 11-3-3-5-6-6-11z" />
          <circle cx="20" cy="20" r="2.6" />
        </g>
      </svg>
      <span className="running__label">
        {running === undefined ? t('device.noValue') : t(`booleans.running.${running}`)}
      </span>
    </div>
  )
}
