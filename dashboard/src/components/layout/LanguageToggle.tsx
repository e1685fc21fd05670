import { useTranslation } from 'react-i18next'
import { otherLanguage, useLanguage } from '../../i18n/i18n.ts'

/** Switches zh-CN ↔ en. The label is written in the language it switches to, so either reader can find it. */
export function LanguageToggle() {
  const { t, i18n } = useTranslation()
  const language = useLanguage()
  const next = otherLanguage(language)
  return (
    <button
      type="button"
      className="language-toggle"
      data-testid="language-toggle"
      lang={next}
      aria-label={t('language.toggleLabel')}
      onClick={() => void i18n.changeLanguage(next)}
    >
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path
          d="M3 12h18M12 3c2.8 3 2.8 15 0 18M12 3c-2.8 3-2.8 15 0 18"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
        />
      </svg>
      <span>{t('language.toggle')}</span>
    </button>
  )
}
