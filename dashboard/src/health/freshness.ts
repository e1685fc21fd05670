/**
 * How old a published status is, measured on the server's clock. A control-room PC whose clock drifted minutes away
 * would otherwise see every status as stale (or a stale one as fresh), so the page estimates the server's time from
 * the HTTP `Date` header of the health answer.
 */

/**
 * A status older than this many of its own refresh intervals is stale: one late refresh is a hiccup, three in a row
 * mean the publisher stopped. The api judges ingest's status by the same rule (`ingestHealth`).
 */
export const STALE_AFTER_INTERVALS = 3

/**
 * `Date` has a resolution of one second: within that, the browser's clock is taken as right, so that an age does
 * not jitter by a second from one poll to the next.
 */
export const CLOCK_SKEW_IGNORED_MS = 2_000

export interface StatusAge {
  ageMs: number
  stale: boolean
}

export function statusAge(ts: number, intervalMs: number, serverNow: number): StatusAge {
  const ageMs = Math.max(0, serverNow - ts)
  return { ageMs, stale: ageMs > STALE_AFTER_INTERVALS * intervalMs }
}

/**
 * Milliseconds to add to the browser's clock to get the server's, from the `Date` header of an answer received at
 * `receivedAt` (browser clock). The header is truncated to the second, so the middle of that second is taken.
 */
export function clockOffsetMs(serverDate: number | undefined, receivedAt: number): number {
  if (serverDate === undefined || !Number.isFinite(serverDate)) return 0
  const offset = serverDate + 500 - receivedAt
  return Math.abs(offset) < CLOCK_SKEW_IGNORED_MS ? 0 : offset
}
