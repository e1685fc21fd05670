import { describe, expect, it } from 'vitest'
import { TokenBucket } from '../src/rate-limit.ts'

describe('token bucket', () => {
  it('passes a burst at once, then holds each publish until its token is due', () => {
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 3 }, 0)
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([{ wait: 0 }, { wait: 0 }, { wait: 0 }])
    // the 4th is one token short: 100 ms at 10/s; the 5th waits behind it
    expect(bucket.take(0)).toEqual({ wait: 100 })
    expect(bucket.take(0)).toEqual({ wait: 200 })
  })

  it('refills at its rate up to the burst, not beyond', () => {
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 2 }, 0)
    bucket.take(0)
    bucket.take(0)
    expect(bucket.take(100)).toEqual({ wait: 0 })
    // an hour of silence still allows only the burst
    expect([bucket.take(3_600_000), bucket.take(3_600_000)]).toEqual([{ wait: 0 }, { wait: 0 }])
    expect(bucket.take(3_600_000)).toEqual({ wait: 100 })
  })

  it('reports a debt beyond the longest delay as exceeded, without adding to it', () => {
    const bucket = new TokenBucket({ ratePerSec: 1, burst: 1 }, 0, 3_000)
    expect(bucket.take(0)).toEqual({ wait: 0 })
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([{ wait: 1000 }, { wait: 2000 }, { wait: 3000 }])
    expect(bucket.take(0)).toEqual({ exceeded: true })
    expect(bucket.take(0)).toEqual({ exceeded: true })
    // once the debt is paid, the device is served again
    expect(bucket.take(4_000)).toEqual({ wait: 0 })
  })
})
