import type { TFunction } from 'i18next'
import { isForbiddenError } from '../api.ts'
import type { ApiState } from '../useApi.ts'

/** What a chart says instead of drawing: loading, refused, failed or empty; undefined when it has points to draw. */
export function chartMessage(history: ApiState<unknown>, hasPoints: boolean, t: TFunction): string | undefined {
  if (hasPoints) return undefined
  if (history.status === 'loading') return t('history.loading')
  if (history.status === 'error') return t(isForbiddenError(history.error) ? 'history.forbidden' : 'history.error')
  return t('history.empty')
}
