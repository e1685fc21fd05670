/**
 * A failed request in words of the reader's language, from the api's error code (never from its English message):
 * `errors.<code>` when there is a label, else the HTTP status, else a general sentence.
 */
import type { TFunction } from 'i18next'
import type { Failure } from '../api.ts'
import { formatDuration, formatTime } from './format.ts'
import type { Language } from './i18n.ts'

const MINUTE_SEC = 60

export function describeFailure(failure: Failure, t: TFunction, language: Language, now: number): string {
  const wait = failure.retryAfterSec
  if (failure.code === 'FM_ERR_AUTH_LOCKED' && wait !== undefined) {
    // A lock lasts minutes; say how many, and the time on the clock, which a guard can check at a glance.
    const minutes = Math.max(1, Math.ceil(wait / MINUTE_SEC))
    return t('errors.lockedFor', { count: minutes, time: formatTime(now + wait * 1000, language, 'time') })
  }
  if (failure.code === 'FM_ERR_RATE_LIMITED' && wait !== undefined) {
    return t('errors.rateLimitedFor', { wait: formatDuration(Math.max(1, wait) * 1000, t) })
  }
  const text = t(`errors.codes.${failure.code}`, { defaultValue: '' })
  if (text) return text
  if (failure.status !== undefined) return t('errors.status', { status: failure.status })
  return t('errors.codes.unknown')
}
