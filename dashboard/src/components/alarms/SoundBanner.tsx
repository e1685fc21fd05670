import { useTranslation } from 'react-i18next'
import { useAnnunciator } from '../../alarms/AnnunciatorContext.ts'

/**
 * Browsers keep a page silent until someone clicks or types in it: until then an alarm could not sound, and the guard
 * must know. Any click or key starts the sound; the button is there to say so.
 */
export function SoundBanner() {
  const { t } = useTranslation()
  const { enabled, state, unlock } = useAnnunciator()
  if (!enabled || state !== 'blocked') return null
  return (
    <div className="sound-banner" role="alert" data-testid="sound-enable">
      <span className="sound-banner__text">{t('alarms.sound.blocked')}</span>
      <button type="button" className="button button--primary" data-testid="sound-enable-button" onClick={unlock}>
        {t('alarms.sound.enable')}
      </button>
    </div>
  )
}
