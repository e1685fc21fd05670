import type { Reading } from '@fm/protocol'
import { describe, expect, it, vi } from 'vitest'
import { createDrainer } from '../src/spool-drainer.ts'
import { openTestSpool, SITE, tempDir } from './harness.ts'

function batch(ts: number): Reading[] {
  return [{ siteId: SITE, kind: 'water-tank', deviceId: 'tank-1', ts, values: { level_pct: 1 } }]
}

describe('spool drainer', () => {
  it('writes batches oldest first and deletes each only after the write resolved', async () => {
    const spool = openTestSpool(tempDir())
    for (const ts of [1, 2, 3]) spool.append(batch(ts))
    const written: number[] = []
    const depthAtWrite: number[] = []
    const drainer = createDrainer({
      spool,
      write: async (readings) => {
        depthAtWrite.push(spool.stats().batches)
        written.push(...readings.map((reading) => reading.ts))
      },
      onWritten: () => undefined,
      onFailed: () => undefined,
      now: Date.now,
    })

    drainer.kick()
    await vi.waitFor(() => expect(spool.stats().batches).toBe(0))
    expect(written).toEqual([1, 2, 3])
    expect(depthAtWrite).toEqual([3, 2, 1])
    await drainer.stop()
  })

  it('retries the oldest batch with a pause that doubles up to its maximum, then goes on', async () => {
    const spool = openTestSpool(tempDir())
    spool.append(batch(1))
    spool.append(batch(2))
    const attempts: { at: number; ts: number }[] = []
    const failures: unknown[] = []
    const drainer = createDrainer({
      spool,
      write: async (readings) => {
        attempts.push({ at: Date.now(), ts: readings[0]?.ts ?? -1 })
        if (attempts.length <= 4) throw new Error('connect ECONNREFUSED')
      },
      onWritten: () => undefined,
      onFailed: (error) => failures.push(error),
      now: Date.now,
      retryMinMs: 40,
      retryMaxMs: 100,
    })

    drainer.kick()
    await vi.waitFor(() => expect(spool.stats().batches).toBe(0), { timeout: 3000 })
    expect(attempts.map((attempt) => attempt.ts)).toEqual([1, 1, 1, 1, 1, 2])
    const gaps = attempts.slice(1, 5).map((attempt, i) => attempt.at - (attempts[i]?.at ?? 0))
    // 40, 80, 100 (capped), 100; timers fire late, never early
    const expected = [40, 80, 100, 100]
    expect(gaps.map((gap, i) => gap >= (expected[i] ?? 0) - 2)).toEqual([true, true, true, true])
    expect(failures).toHaveLength(4)
    await drainer.stop()
  })

  it('stops during a pause without waiting for it', async () => {
    const spool = openTestSpool(tempDir())
    spool.append(batch(1))
    const drainer = createDrainer({
      spool,
      write: () => Promise.reject(new Error('down')),
      onWritten: () => undefined,
      onFailed: () => undefined,
      now: Date.now,
      retryMinMs: 60_000,
    })
    drainer.kick()
    await vi.waitFor(() => expect(spool.stats().batches).toBe(1))
    const started = Date.now()
    await drainer.stop()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(spool.stats().batches).toBe(1)
  })
})
