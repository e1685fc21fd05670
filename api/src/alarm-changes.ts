/**
 * Announcing the alarm changes the api makes: to its own live view at once (the sockets get them at the next flush),
 * and as an `AlarmChange` on `fm/services/api/alarms/<site>` (QoS 1) for the other api instances and integrations.
 * The store stays the truth: a change that could not be published stands, with a warning.
 *
 * The api also ends the timed shelves and out-of-service periods that are due, every SUPPRESSION_EXPIRY_CHECK_MS
 * (ingest does too; the store makes each end happen once, whoever asks first).
 */
import { type AlarmChange, alarmChangeTopic } from '@fm/protocol'
import type { AlarmUpdate, Store } from '@fm/store'
import type { FastifyBaseLogger } from 'fastify'
import type { Live } from './live.ts'

export const SUPPRESSION_EXPIRY_CHECK_MS = 5_000

/** Applies the change to the live view and publishes it; true once the broker acknowledged it. */
export async function announceAlarmChange(live: Live, update: AlarmUpdate): Promise<boolean> {
  const change: AlarmChange = { alarm: update.alarm, transition: update.transition, ts: update.ts }
  live.alarmChanged(change)
  return live.publishServiceMessage(alarmChangeTopic('api', change.alarm.siteId), JSON.stringify(change))
}

export interface SuppressionExpiryOptions {
  store: Pick<Store, 'expireAlarmSuppressions'>
  live: Live
  now: () => number
  logger: FastifyBaseLogger
  intervalMs?: number
}

/** Ends the due shelves and out-of-service periods now and then; answers a function that stops it. */
export function startSuppressionExpiry(options: SuppressionExpiryOptions): () => void {
  const { store, live, now, logger } = options
  let running = false
  const sweep = async () => {
    if (running) return
    running = true
    try {
      const updates = store.expireAlarmSuppressions(now())
      for (const update of updates) await announceAlarmChange(live, update)
      if (updates.length > 0) logger.info({ ended: updates.length }, 'ended due shelves and out-of-service periods')
    } catch (error) {
      logger.error({ err: error }, 'ending due shelves and out-of-service periods failed')
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void sweep(), options.intervalMs ?? SUPPRESSION_EXPIRY_CHECK_MS)
  timer.unref()
  return () => clearInterval(timer)
}
