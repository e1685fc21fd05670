import { useTranslation } from 'react-i18next'
import { listParts, troubledParts } from '../../health/parts.ts'
import {
  HEALTH_POLL_INTERVAL_MS,
  HEALTH_TIMEOUT_MS,
  type HealthFailure,
  type HealthPoll,
} from '../../health/useHealth.ts'
import { formatAgo, formatDuration, formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { usePartLabel } from './usePartLabel.ts'

export type HeadlineState = 'loading' | 'ok' | 'degraded' | 'down' | 'unreachable'

export function headlineState(poll: HealthPoll): HeadlineState {
  if (poll.failure) return 'unreachable'
  return poll.health?.status ?? 'loading'
}

function useFailureText(failure: HealthFailure): string {
  const { t } = useTranslation()
  if (failure.kind === 'status') return t('system.failures.status', { status: failure.status })
  if (failure.kind === 'timeout') {
    return t('system.failures.timeout', { interval: formatDuration(HEALTH_TIMEOUT_MS, t) })
  }
  return t(`system.failures.${failure.kind}`)
}

function FailureLine({ failure, receivedAt, now }: { failure: HealthFailure; receivedAt?: number; now: number }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const reason = useFailureText(failure)
  return (
    <p className="system-headline__meta">
      <span>{reason}</span>
      {receivedAt !== undefined && <span>{t('system.lastAnswer', { ago: formatAgo(receivedAt, now, language) })}</span>}
    </p>
  )
}

/**
 * The one line a guard reads: is the monitoring working? The word, colour and shape of the overall status, the parts
 * in trouble by name, and what to do. When the api does not answer, that is the headline: never the last report.
 */
export function SystemHeadline({ poll, now }: { poll: HealthPoll; now: number }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const partLabel = usePartLabel()
  const state = headlineState(poll)
  const troubled = poll.health && !poll.failure ? troubledParts(listParts(poll.health.parts)) : []

  return (
    <section className="system-headline" data-testid="system-status" data-state={state} aria-labelledby="headline">
      <span className="system-headline__mark" aria-hidden="true" />
      <div className="system-headline__text">
        {state === 'loading' ? (
          <p id="headline" className="system-headline__title" role="status">
            {t('system.loading')}
          </p>
        ) : (
          <>
            <p id="headline" className="system-headline__title" role="status">
              {t(`system.headline.${state}`)}
            </p>
            {troubled.length > 0 && (
              <p className="system-headline__parts">
                {t('system.troubled', {
                  parts: troubled.map((part) => partLabel(part.key)).join(t('system.listSeparator')),
                })}
              </p>
            )}
            <p className="system-headline__advice">
              {t(`system.advice.${state}`, { interval: formatDuration(HEALTH_POLL_INTERVAL_MS, t) })}
            </p>
          </>
        )}
        {poll.failure ? (
          <FailureLine failure={poll.failure} receivedAt={poll.receivedAt} now={now} />
        ) : (
          poll.receivedAt !== undefined && (
            <p className="system-headline__meta">
              <span>{t('system.checked', { time: formatTime(poll.receivedAt, language, 'seconds') })}</span>
            </p>
          )
        )}
      </div>
    </section>
  )
}
