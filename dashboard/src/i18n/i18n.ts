/**
 * i18next setup. Chinese first: zh-CN is the default and the fallback, English is a toggle. The choice is kept in
 * localStorage (a guard's screen must come back in the same language after a power cut) and mirrored on `<html lang>`,
 * which picks the right CJK glyphs and lets screen readers switch voice.
 */
import { createInstance, type i18n } from 'i18next'
import { initReactI18next, useTranslation } from 'react-i18next'
import { en } from './en.ts'
import { zhCN } from './zh-CN.ts'

export const LANGUAGES = ['zh-CN', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'zh-CN'
export const LANGUAGE_STORAGE_KEY = 'fm.language'

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

/** The saved language, or zh-CN. Private browsing modes may refuse storage access; that is not an error here. */
export function storedLanguage(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY)
    return isLanguage(saved) ? saved : DEFAULT_LANGUAGE
  } catch {
    return DEFAULT_LANGUAGE
  }
}

function rememberLanguage(language: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language)
  } catch {
    // Storage can be full or blocked; the language still applies to this session.
  }
}

/** A fresh i18next instance (tests make their own). Resources are bundled, so it is ready when this returns. */
export function createI18n(language: Language = storedLanguage()): i18n {
  const instance = createInstance()
  void instance.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: LANGUAGES,
    interpolation: { escapeValue: false }, // React escapes already
    initAsync: false,
  })
  if (typeof document !== 'undefined') document.documentElement.lang = language
  instance.on('languageChanged', rememberLanguage)
  return instance
}

/** The active language, typed. */
export function useLanguage(): Language {
  const { i18n } = useTranslation()
  return isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE
}

export function otherLanguage(language: Language): Language {
  return language === 'zh-CN' ? 'en' : 'zh-CN'
}
