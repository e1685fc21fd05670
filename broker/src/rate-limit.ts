/**
 * Per-device publish rate limits: a token bucket per connection, refilled at `ratePerSec` up to `burst`.
 *
 * A device within its limit is never touched. One over it is slowed down, not cut off: its PUBLISH is held (the
 * authorizePublish hook answers later), and because Aedes reads a client's next packets only once the current ones
 * are handled, the device's own TCP window closes and its firmware waits. Nothing is dropped, and QoS 1 messages
 * are acknowledged once they pass. A device that keeps publishing faster than that (a firmware loop) builds up a
 * debt; once clearing it would take longer than `maxDelayMs`, the connection is closed and reported instead, so
 * that one device cannot keep a slot of the broker's time for itself.
 *
 * Limits are per device kind (DOMAIN.md §b: a fire panel in alarm reports hundreds of points at once, a tank
 * reports every few seconds). Services are not limited: ingest and the api are part of the platform.
 */
import type { DeviceKind } from '@fm/protocol'

export interface RateLimit {
  /** Sustained publishes per second. */
  readonly ratePerSec: number
  /** Publishes allowed at once after a quiet period: a reconnect replaying its buffer, a fire panel in alarm. */
  readonly burst: number
}

export type RateLimits = Readonly<Partial<Record<DeviceKind, RateLimit>>> & { readonly default: RateLimit }

/**
 * Defaults: ten times what a healthy device of the kind sends at its busiest, so that only a misbehaving one meets
 * them. Sized from the demo compound's reporting (one reading per 1–10 s, events on change).
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  default: { ratePerSec: 10, burst: 100 },
  // a panel in alarm reports every point that changes, a building's worth in a second
  'fire-alarm-panel': { ratePerSec: 50, burst: 1000 },
  // plates, barrier cycles and counts at rush hour
  gate: { ratePerSec: 20, burst: 200 },
}

/** Longest a publish is held before the device counts as misbehaving and is disconnected. */
export const MAX_THROTTLE_DELAY_MS = 10_000

export type Admission = { wait: number } | { exceeded: true }

/** The bucket of one connection. */
export class TokenBucket {
  readonly #limit: RateLimit
  readonly #maxDelayMs: number
  /** Negative while publishes wait: the debt, in publishes. */
  #tokens: number
  #at: number

  constructor(limit: RateLimit, now: number, maxDelayMs = MAX_THROTTLE_DELAY_MS) {
    this.#limit = limit
    this.#maxDelayMs = maxDelayMs
    this.#tokens = limit.burst
    this.#at = now
  }

  /**
   * Takes one token. `wait` is how long this publish must be held (0: at once); `exceeded` means the debt is
   * beyond `maxDelayMs` and the client should be closed.
   */
  take(now: number): Admission {
    const { ratePerSec, burst } = this.#limit
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#at) * ratePerSec) / 1000)
    this.#at = now
    const inDebt = this.#tokens < 1
    this.#tokens -= 1
    if (!inDebt) return { wait: 0 }
    const wait = Math.ceil((-this.#tokens * 1000) / ratePerSec)
    if (wait > this.#maxDelayMs) {
      // the refused publish does not count against the debt: the connection ends anyway
      this.#tokens += 1
      return { exceeded: true }
    }
    return { wait }
  }
}
