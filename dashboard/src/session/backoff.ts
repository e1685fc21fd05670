/**
 * How long to wait before asking the api again after it could not be reached: doubling from `RETRY_FIRST_MS` up to
 * `RETRY_MAX_MS`. The cap keeps a control-room screen within seconds of an api that came back, without every screen
 * of the compound asking once a second while it is down.
 */
export const RETRY_FIRST_MS = 1_000
export const RETRY_MAX_MS = 10_000

/** The wait after `failures` failed attempts in a row (0 for the wait after the first failure). */
export function retryDelayMs(failures: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** Math.max(0, failures), RETRY_MAX_MS)
}
