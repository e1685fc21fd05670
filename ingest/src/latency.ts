/**
 * Publish-to-stored latency: for each reading, the time from its `ts` (the device's clock, the publish time for the
 * simulators and the benchmark) to the moment it was durably written or spooled. Kept for a sliding window so that
 * every status shows the recent figure, whoever asked before.
 */
import type { IngestLatency } from '@fm/protocol'

/** Samples kept at most; at high rates the window is thinned to the newest ones. */
const MAX_SAMPLES = 50_000

export interface LatencyWindow {
  record(latencyMs: number, at: number): void
  snapshot(now: number): IngestLatency
}

function percentile(sorted: readonly number[], ratio: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(ratio * sorted.length))] ?? 0
}

export function createLatencyWindow(windowMs: number): LatencyWindow {
  let samples: { at: number; ms: number }[] = []
  const prune = (now: number) => {
    samples = samples.filter((sample) => sample.at >= now - windowMs).slice(-MAX_SAMPLES)
  }
  return {
    record(latencyMs, at) {
      // A device clock ahead of ours gives a negative figure: it says nothing about our latency.
      if (latencyMs < 0) return
      samples.push({ at, ms: latencyMs })
      if (samples.length > 2 * MAX_SAMPLES) prune(at)
    },
    snapshot(now) {
      prune(now)
      const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b)
      return {
        samples: sorted.length,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        maxMs: sorted.at(-1) ?? 0,
      }
    },
  }
}
