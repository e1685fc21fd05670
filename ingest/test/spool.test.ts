import { statSync } from 'node:fs'
import type { Reading } from '@fm/protocol'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openSpool, SpoolFullError, spoolFile } from '../src/spool.ts'
import { SITE, tempDir } from './harness.ts'

function readings(from: number, count: number): Reading[] {
  return Array.from({ length: count }, (_, i) => ({
    siteId: SITE,
    kind: 'water-tank' as const,
    deviceId: 'tank-1',
    ts: 1_700_000_000_000 + (from + i) * 1000,
    values: { level_pct: (from + i) % 100 },
  }))
}

function open(dir: string, limitBytes = 1024 * 1024, now?: () => number) {
  const spool = openSpool({ file: spoolFile(dir), limitBytes, ...(now ? { now } : {}) })
  onTestFinished(() => spool.close())
  return spool
}

describe('spool', () => {
  it('gives batches back oldest first and counts readings, bytes and the oldest spool time', () => {
    let clock = 5000
    const spool = open(tempDir(), 1024 * 1024, () => clock)
    spool.append(readings(0, 3))
    clock = 6000
    spool.append(readings(3, 2))

    expect(spool.stats()).toMatchObject({ batches: 2, points: 5, oldestAt: 5000 })
    expect(spool.stats().bytes).toBe(
      Buffer.byteLength(JSON.stringify(readings(0, 3))) + Buffer.byteLength(JSON.stringify(readings(3, 2))),
    )
    const first = spool.oldest()
    expect(first?.readings).toEqual(readings(0, 3))
    spool.remove(first?.id ?? -1)
    expect(spool.stats()).toMatchObject({ batches: 1, points: 2, oldestAt: 6000 })
    const second = spool.oldest()
    expect(second?.readings).toEqual(readings(3, 2))
    spool.remove(second?.id ?? -1)
    expect(spool.stats()).toMatchObject({ batches: 0, points: 0, bytes: 0, oldestAt: undefined })
    expect(spool.oldest()).toBeUndefined()
  })

  it('keeps its batches, their order and its counts across a reopen, as after a crash', () => {
    const dir = tempDir()
    const first = openSpool({ file: spoolFile(dir), limitBytes: 1024 * 1024 })
    for (let batch = 0; batch < 4; batch++) first.append(readings(batch * 10, 10))
    const oldest = first.oldest()
    first.remove(oldest?.id ?? -1)
    const stats = first.stats()
    first.close()

    const again = open(dir)
    expect(again.stats()).toEqual(stats)
    const order: number[] = []
    for (let batch = again.oldest(); batch; batch = again.oldest()) {
      order.push(...batch.readings.map((reading) => reading.ts))
      again.remove(batch.id)
    }
    expect(order).toEqual(readings(10, 30).map((reading) => reading.ts))
  })

  it('refuses a batch that would pass its limit and writes nothing of it', () => {
    const bytes = [0, 10].map((from) => Buffer.byteLength(JSON.stringify(readings(from, 10))))
    const spool = open(tempDir(), (bytes[0] ?? 0) + (bytes[1] ?? 0) + 10)
    spool.append(readings(0, 10))
    spool.append(readings(10, 10))

    expect(() => spool.append(readings(20, 10))).toThrow(SpoolFullError)
    expect(spool.stats()).toMatchObject({ batches: 2, points: 20, bytes: (bytes[0] ?? 0) + (bytes[1] ?? 0) })
  })

  it('runs in WAL mode with incremental vacuum, and shrinks its file once drained', () => {
    const dir = tempDir()
    const spool = open(dir, 64 * 1024 * 1024)
    for (let batch = 0; batch < 50; batch++) spool.append(readings(batch * 200, 200))
    const check = new Database(spoolFile(dir))
    onTestFinished(() => {
      check.close()
    })
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(check.pragma('auto_vacuum', { simple: true })).toBe(2)
    const full = statSync(spoolFile(dir)).size + statSync(`${spoolFile(dir)}-wal`).size

    for (let batch = spool.oldest(); batch; batch = spool.oldest()) spool.remove(batch.id)
    check.pragma('wal_checkpoint(TRUNCATE)')
    expect(statSync(spoolFile(dir)).size).toBeLessThan(full / 4)
  })
})
