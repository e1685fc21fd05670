import { describe, expect, it } from 'vitest'
import { createLogLimiter, type Suppressed } from '../src/log-limiter.ts'

function limiter() {
  const summaries: Suppressed[] = []
  const limit = createLogLimiter({ limit: 2, windowMs: 1000, onSuppressed: (s) => summaries.push(s) })
  return { limit, summaries }
}

describe('log limiter', () => {
  it('admits the first occurrences of a key per window and counts the rest', () => {
    const { limit, summaries } = limiter()
    expect([0, 1, 2, 3].map((t) => limit.admit('a', t))).toEqual([true, true, false, false])
    expect(limit.admit('b', 4)).toBe(true)
    expect(summaries).toEqual([])
  })

  it('reports the suppressed count when the window ends, on the next occurrence or on a sweep', () => {
    const { limit, summaries } = limiter()
    for (const t of [0, 1, 2]) limit.admit('a', t)
    for (const t of [10, 11, 12, 13]) limit.admit('b', t)
    expect(limit.admit('a', 1000)).toBe(true)
    expect(summaries).toEqual([{ key: 'a', count: 1, since: 0 }])
    limit.sweep(1009)
    expect(summaries).toHaveLength(1)
    limit.sweep(1010)
    expect(summaries).toEqual([
      { key: 'a', count: 1, since: 0 },
      { key: 'b', count: 2, since: 10 },
    ])
  })

  it('stays quiet about windows in which nothing was suppressed', () => {
    const { limit, summaries } = limiter()
    limit.admit('a', 0)
    limit.sweep(5000)
    limit.drain()
    expect(summaries).toEqual([])
  })

  it('reports open windows on drain', () => {
    const { limit, summaries } = limiter()
    for (const t of [0, 1, 2, 3, 4]) limit.admit('a', t)
    limit.drain()
    expect(summaries).toEqual([{ key: 'a', count: 3, since: 0 }])
    limit.drain()
    expect(summaries).toHaveLength(1)
  })
})
