import { describe, expect, it } from 'vitest'
import { createLatencyWindow } from '../src/latency.ts'

describe('latency window', () => {
  it('reports percentiles of the readings stored within the window only', () => {
    const window = createLatencyWindow(2000)
    for (let index = 1; index <= 100; index += 1) window.record(index, 10_000)
    window.record(5000, 7000)
    expect(window.snapshot(10_500)).toEqual({ samples: 100, p50Ms: 51, p99Ms: 100, maxMs: 100 })
    expect(window.snapshot(12_001)).toEqual({ samples: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 })
  })

  it('ignores a device clock ahead of the server', () => {
    const window = createLatencyWindow(2000)
    window.record(-40, 1000)
    window.record(12, 1000)
    expect(window.snapshot(1000)).toMatchObject({ samples: 1, maxMs: 12 })
  })
})
