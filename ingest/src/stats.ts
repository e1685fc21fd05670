/**
 * Counters behind the retained ingest status. Monotonic since start, so that a monitor can compute rates of its own;
 * `ratePerSec` is the accepted rate over the last status interval.
 */
import { type IngestStatus, MQTT_REJECTIONS, type MqttRejection } from '@fm/protocol'
import type { AlarmCounts } from './alarm-writer.ts'

/** What `Ingest.stats()` returns: the published status plus what only an operator or a test needs. */
export interface IngestStats extends IngestStatus {
  /** Accepted messages whose processing step threw (the message still counted as accepted). */
  stepFailures: number
  /** Items waiting in memory for their store. */
  queued: { readings: number; states: number; events: number }
  /** QoS 1 messages received and not yet acknowledged: waiting for their write or spool append. */
  heldAcks: number
  /** QoS 1 messages refused since start and left with the broker, which delivers them again on reconnect. */
  deferred: number
  /** QoS 0 readings lost since start because neither the time series nor the spool took them. */
  dropped: number
  /** Readings received again identical to a recent one (a QoS 1 duplicate) and not written twice. */
  duplicates: number
  /** Alarm changes made since start, and how many of their announcements the broker did not take. */
  alarms: AlarmCounts & { publishFailures: number }
}

export interface IngestCounters {
  accept(): void
  reject(code: MqttRejection): void
  stepFailed(): void
  /** Closes the current rate interval; call it once per status interval. */
  sampleRate(now: number): void
  status(online: boolean, now: number): IngestStatus
  stepFailures(): number
}

export function createIngestCounters(startedAt: number, intervalMs: number): IngestCounters {
  let accepted = 0
  let rejected = 0
  let stepFailures = 0
  // Every code is present from the start, so that a monitor sees a stable set of series rather than gaps.
  const rejectedByCode: Record<string, number> = Object.fromEntries(MQTT_REJECTIONS.map((code) => [code, 0]))
  let intervalStart = startedAt
  let acceptedAtIntervalStart = 0
  let ratePerSec = 0

  return {
    accept() {
      accepted += 1
    },
    reject(code) {
      rejected += 1
      rejectedByCode[code] = (rejectedByCode[code] ?? 0) + 1
    },
    stepFailed() {
      stepFailures += 1
    },
    sampleRate(now) {
      const elapsedMs = now - intervalStart
      if (elapsedMs <= 0) return
      ratePerSec = Math.round(((accepted - acceptedAtIntervalStart) * 1000 * 10) / elapsedMs) / 10
      intervalStart = now
      acceptedAtIntervalStart = accepted
    },
    status(online, now) {
      return { online, ts: now, intervalMs, accepted, rejected, rejectedByCode: { ...rejectedByCode }, ratePerSec }
    },
    stepFailures: () => stepFailures,
  }
}
