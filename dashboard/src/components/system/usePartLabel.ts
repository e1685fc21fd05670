import { useTranslation } from 'react-i18next'
import { isKnownPart } from '../../health/parts.ts'

/** A known part by its label; one the dashboard does not know yet by the key the api sent. */
export function usePartLabel(): (key: string) => string {
  const { t } = useTranslation()
  return (key) => (isKnownPart(key) ? t(`system.parts.${key}`) : key)
}
