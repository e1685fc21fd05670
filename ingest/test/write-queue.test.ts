import { describe, expect, it } from 'vitest'
import { createWriteQueue } from '../src/write-queue.ts'
import { captureLogs } from './harness.ts'

function queue(options: { maxBatch?: number; warnAt?: number; write: (batch: number[]) => void | Promise<void> }) {
  const { logger, lines } = captureLogs()
  const q = createWriteQueue<number>({
    name: 'test',
    maxBatch: options.maxBatch ?? 3,
    warnAt: options.warnAt ?? 100,
    write: options.write,
    logger,
    now: Date.now,
  })
  return { q, messages: () => lines.map((line) => line.msg) }
}

/** A write that fails while `down` is set. */
function store() {
  const state = { down: false, batches: [] as number[][] }
  const write = (batch: number[]) => {
    if (state.down) throw new Error('SQLITE_BUSY: database is locked')
    state.batches.push([...batch])
  }
  return { state, write }
}

describe('write queue', () => {
  it('writes in arrival order, in batches of at most maxBatch, starting as soon as a batch is full', async () => {
    const { state, write } = store()
    const { q } = queue({ write })
    q.push(0)
    q.push(1)
    expect(state.batches).toEqual([])
    q.push(2)
    expect(state.batches).toEqual([[0, 1, 2]])
    for (const item of [3, 4, 5, 6]) q.push(item)
    await q.flush()
    expect(state.batches).toEqual([[0, 1, 2], [3, 4, 5], [6]])
    expect(q.size).toBe(0)
  })

  it('keeps a failed batch at the head of the queue and writes it on the next flush', async () => {
    const { state, write } = store()
    const { q, messages } = queue({ write })
    state.down = true
    for (const item of [0, 1, 2, 3]) q.push(item)
    await q.flush()
    await q.flush()
    expect(q.size).toBe(4)
    expect(messages().filter((msg) => msg === 'write failed; will retry on next flush')).toHaveLength(1)

    state.down = false
    q.push(4)
    await q.flush()
    expect(state.batches).toEqual([
      [0, 1, 2],
      [3, 4],
    ])
    expect(messages()).toContain('writes recovered')
  })

  it('runs one write at a time, so a batch is never written twice', async () => {
    const batches: number[][] = []
    let release: () => void = () => {}
    let inFlight = 0
    let most = 0
    const write = async (batch: number[]) => {
      inFlight += 1
      most = Math.max(most, inFlight)
      await new Promise<void>((resolve) => {
        release = resolve
      })
      batches.push([...batch])
      inFlight -= 1
    }
    const { q } = queue({ maxBatch: 2, write })
    q.push(0)
    q.push(1)
    const first = q.flush()
    const second = q.flush()
    expect(second).toBe(first)
    q.push(2)
    release()
    // the second batch is in flight once the first is written
    await expect.poll(() => [batches.length, inFlight]).toEqual([1, 1])
    release()
    await first
    expect(batches).toEqual([[0, 1], [2]])
    expect(most).toBe(1)
  })

  it('logs once when the queue outgrows its limit and once when it is back under half of it', async () => {
    const { state, write } = store()
    const { q, messages } = queue({ maxBatch: 2, warnAt: 4, write })
    state.down = true
    for (let item = 0; item < 8; item++) q.push(item)
    await q.flush()
    const over = 'queue is over its limit: the store is not keeping up; queued items are held in memory only'
    expect(messages().filter((msg) => msg === over)).toHaveLength(1)

    state.down = false
    await q.flush()
    expect(q.size).toBe(0)
    expect(messages()).toContain('queue back under its limit')
  })
})
