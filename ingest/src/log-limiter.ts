/**
 * Rate limit for log lines driven by outside input. A device that spams garbage, or a bug that fails on every
 * message, must not flood the log: the first `limit` occurrences of a key per window are logged in full, the rest
 * are only counted and reported once per window as a summary. Pure: the caller passes the clock.
 */

export interface Suppressed {
  key: string
  /** Occurrences that were not logged in full. */
  count: number
  /** Start of the window they fell in, epoch ms. */
  since: number
}

export interface LogLimiter {
  /** Counts one occurrence; true when it may be logged in full. A window that has ended is reported first. */
  admit(key: string, now: number): boolean
  /** Reports and closes every window that has ended; call it periodically so a summary is not held back. */
  sweep(now: number): void
  /** Reports every open window with suppressed occurrences (on shutdown). */
  drain(): void
}

export interface LogLimiterOptions {
  limit: number
  windowMs: number
  onSuppressed: (summary: Suppressed) => void
}

interface Window {
  start: number
  admitted: number
  suppressed: number
}

export function createLogLimiter(options: LogLimiterOptions): LogLimiter {
  const { limit, windowMs, onSuppressed } = options
  const windows = new Map<string, Window>()

  function close(key: string, window: Window): void {
    windows.delete(key)
    if (window.suppressed > 0) onSuppressed({ key, count: window.suppressed, since: window.start })
  }

  return {
    admit(key, now) {
      let window = windows.get(key)
      if (window && now - window.start >= windowMs) {
        close(key, window)
        window = undefined
      }
      if (!window) {
        window = { start: now, admitted: 0, suppressed: 0 }
        windows.set(key, window)
      }
      if (window.admitted < limit) {
        window.admitted += 1
        return true
      }
      window.suppressed += 1
      return false
    },
    sweep(now) {
      for (const [key, window] of windows) if (now - window.start >= windowMs) close(key, window)
    },
    drain() {
      for (const [key, window] of windows) close(key, window)
    },
  }
}
