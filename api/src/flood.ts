/**
 * Alarm floods (EEMUA 191): a site is flooded once more than FLOOD_START alarms were raised within the last
 * FLOOD_WINDOW_MS, and stays flooded until fewer than FLOOD_END remain in that sliding window. The gap between the two
 * (hysteresis) keeps a rate that hovers at the threshold from flipping the console between its views.
 *
 * `FloodWindow` is the arithmetic over explicit times: the live view feeds it as raises arrive, the KPIs replay the
 * journal through it. `FloodMonitor` keeps one window per site against a clock, for the live view. No I/O.
 */
import { FLOOD_END, FLOOD_START, FLOOD_WINDOW_MS, type FloodStatus } from '@fm/protocol'

/** A flood started or ended, and when: a start at the raise that made it, an end when the window let one go. */
export interface FloodChange {
  active: boolean
  at: number
}

/**
 * Raise times in a sliding window of FLOOD_WINDOW_MS: a raise at `r` counts at every time `t` with
 * `t − FLOOD_WINDOW_MS < r ≤ t`, so it leaves the window at `r + FLOOD_WINDOW_MS`.
 */
export class FloodWindow {
  /** Raise times, oldest first; those before `#head` have left the window. */
  #raises: number[] = []
  #head = 0
  #since: number | undefined
  #peak = 0

  /** Raises in the window, as of the last `raise` or `expire`. */
  get count(): number {
    return this.#raises.length - this.#head
  }

  get active(): boolean {
    return this.#since !== undefined
  }

  /** When the current flood started; undefined when there is none. */
  get since(): number | undefined {
    return this.#since
  }

  /** The most raises the window held during the current or the last flood. */
  get peak(): number {
    return this.#peak
  }

  /** Raises in the window at `now`, without letting any go. */
  countAt(now: number): number {
    let count = 0
    for (let i = this.#raises.length - 1; i >= this.#head; i -= 1) {
      const raise = this.#raises[i] ?? 0
      if (raise <= now - FLOOD_WINDOW_MS) break
      if (raise <= now) count += 1
    }
    return count
  }

  /**
   * Lets go of the raises that left the window by `now`; answers the end of the flood when the count fell below
   * FLOOD_END, at the moment it did (when the raise that tipped it left), not at `now`.
   */
  expire(now: number): FloodChange | undefined {
    let ended: FloodChange | undefined
    while (this.count > 0 && (this.#raises[this.#head] ?? now) <= now - FLOOD_WINDOW_MS) {
      const leftAt = (this.#raises[this.#head] ?? now) + FLOOD_WINDOW_MS
      this.#head += 1
      if (this.#since !== undefined && this.count < FLOOD_END) {
        this.#since = undefined
        ended = { active: false, at: leftAt }
      }
    }
    if (this.#head > 1024 && this.#head * 2 > this.#raises.length) {
      this.#raises = this.#raises.slice(this.#head)
      this.#head = 0
    }
    return ended
  }

  /**
   * Counts a raise at `ts`, which must not be before the previous one. Answers what changed: the start of a flood,
   * or the end of one that the raises leaving the window ended first (both cannot happen at once: after an end fewer
   * than FLOOD_END remain, one more is not above FLOOD_START).
   */
  raise(ts: number): FloodChange | undefined {
    const ended = this.expire(ts)
    this.#raises.push(ts)
    if (this.#since === undefined && this.count > FLOOD_START) {
      this.#since = ts
      this.#peak = this.count
      return { active: true, at: ts }
    }
    if (this.#since !== undefined) this.#peak = Math.max(this.#peak, this.count)
    return ended
  }
}

/** One `FloodWindow` per site, against a clock: what the live view shows and announces. */
export class FloodMonitor {
  readonly #now: () => number
  readonly #sites = new Map<string, FloodWindow>()

  constructor(now: () => number) {
    this.#now = now
  }

  /**
   * Counts an alarm raised at the site now; answers the site's status when its flood started or ended, and at every
   * raise during a flood, so that the banner's count keeps up with the alarms.
   */
  raised(siteId: string): FloodStatus | undefined {
    let window = this.#sites.get(siteId)
    if (!window) {
      window = new FloodWindow()
      this.#sites.set(siteId, window)
    }
    const now = this.#now()
    const changed = window.raise(now)
    return changed || window.active ? this.#status(siteId, window, now) : undefined
  }

  /**
   * Lets old raises go at every site; answers the status of each site whose flood ended since, or whose count fell
   * during its flood.
   */
  tick(): FloodStatus[] {
    const now = this.#now()
    const changed: FloodStatus[] = []
    for (const [siteId, window] of this.#sites) {
      const before = window.count
      const ended = window.expire(now)
      if (ended || (window.active && window.count !== before)) changed.push(this.#status(siteId, window, now))
      if (window.count === 0) this.#sites.delete(siteId)
    }
    return changed
  }

  /** The status of each of `siteIds` (quiet ones included) and of every other site with raises in the window. */
  statuses(siteIds: Iterable<string>): FloodStatus[] {
    const now = this.#now()
    const sites = new Set([...siteIds, ...this.#sites.keys()])
    return [...sites].sort().map((siteId) => this.#status(siteId, this.#sites.get(siteId), now))
  }

  #status(siteId: string, window: FloodWindow | undefined, now: number): FloodStatus {
    const status: FloodStatus = { siteId, active: window?.active ?? false, last10Min: window?.countAt(now) ?? 0 }
    if (window?.since !== undefined) status.since = window.since
    return status
  }
}
