/**
 * The readings received lately, to recognise the same reading delivered twice. QoS 1 allows duplicates and Aedes
 * makes some: a message published while ingest reconnects reaches it live once its subscriptions are restored, and
 * again from its offline queue (`lib/handlers/connect.js`: `restoreSubs` runs before `emptyQueue`), under another
 * message id. The embedded store ignores a sample it has and InfluxDB overwrites an identical point, but servers that
 * speak InfluxDB's write protocol without its semantics (VictoriaMetrics without `-dedup.minScrapeInterval`) keep
 * both. So a reading identical to a recent one (same device, time and values) is not written again.
 *
 * A duplicate is acknowledged when the first copy is durable, never before: until then it waits with it, and if the
 * first copy is refused, so is the duplicate, and the reading is forgotten so that the next delivery is written.
 * Bounded (oldest forgotten first): a duplicate further back than `capacity` readings is written again, which is
 * harmless where replays are (see above).
 */
import type { Reading } from '@fm/protocol'
import type { Completion } from './held-acks.ts'

export const RECENT_READINGS = 100_000

export interface RecentReading {
  readonly key: string
  readonly values: string
  durable: boolean
  /** Acknowledgements of duplicates waiting for this copy. */
  waiters: Completion[]
}

export interface RecentReadings {
  /** A reading seen lately with the same values, or undefined (and this one is remembered). */
  admit(reading: Reading): { duplicate: RecentReading } | { first: RecentReading }
  /** The first copy was written or spooled: its duplicates are acknowledged from now on. */
  durable(entry: RecentReading): void
  /** The first copy was refused: its duplicates are refused, and the reading is forgotten. */
  refused(entry: RecentReading, error: unknown): void
}

export function createRecentReadings(capacity = RECENT_READINGS): RecentReadings {
  const recent = new Map<string, RecentReading>()

  return {
    admit(reading) {
      const key = `${reading.deviceId}\u0000${reading.ts}`
      const values = JSON.stringify(reading.values)
      const seen = recent.get(key)
      if (seen && seen.values === values) return { duplicate: seen }
      const entry: RecentReading = { key, values, durable: false, waiters: [] }
      // re-inserted at the end: a newer version of a sample is the one to compare with
      recent.delete(key)
      recent.set(key, entry)
      if (recent.size > capacity) {
        const oldest = recent.keys().next()
        if (!oldest.done) recent.delete(oldest.value)
      }
      return { first: entry }
    },
    durable(entry) {
      entry.durable = true
      for (const done of entry.waiters.splice(0)) done()
    },
    refused(entry, error) {
      if (recent.get(entry.key) === entry) recent.delete(entry.key)
      for (const done of entry.waiters.splice(0)) done(error)
    },
  }
}
