/**
 * How fresh the retained status of a platform service is (decoding it is `@fm/protocol`'s `decodeIngestStatus` and
 * `decodeBrokerStatus`): health and `/metrics` judge a service by it.
 */

/** Assumed refresh interval of an ingest that does not announce its own `intervalMs`. */
export const INGEST_STATUS_INTERVAL_MS = 10_000

/** A status older than this many of its refresh intervals is stale: its service is likely gone without a last word. */
const STALE_AFTER_INTERVALS = 3

/** How old a status is, from its `ts` (the publisher's clock) to `now` (ours). */
export function statusAgeMs(status: { ts: number }, now: number): number {
  return now - status.ts
}

export function isStale(status: { ts: number }, intervalMs: number, now: number): boolean {
  return statusAgeMs(status, now) > STALE_AFTER_INTERVALS * intervalMs
}
