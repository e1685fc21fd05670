/**
 * What only the embedded store has: its file, compaction into the series-clustered tables, retention per tier,
 * migrating a file of issue 1. The behaviour both stores share is in contract.ts.
 */
import type { Reading } from '@fm/protocol'
import Database from 'better-sqlite3'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import { dataFiles } from '../../src/index.ts'
import { openTimeSeries, type SqliteTimeSeriesOptions } from '../../src/telemetry/sqlite.ts'
import { MAX_RECENT_MS, SETTLE_MS } from '../../src/telemetry/sqlite-maintenance.ts'
import { tempDataDir } from '../fixtures.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** A recent whole hour, so that no retention gets in the way unless a test sets a clock. */
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR

function pump(ts: number, values: Extract<Reading, { kind: 'pump' }>['values']): Reading {
  return { siteId: 'xingfuli', kind: 'pump', deviceId: 'pump-1', ts, values }
}

function open(options: Partial<SqliteTimeSeriesOptions> = {}) {
  const file = options.file ?? dataFiles(tempDataDir()).timeseries
  const store = openTimeSeries({ ...options, file })
  onTestFinished(() => store.close())
  return { store, file }
}

/** A second, read-only connection to look at the tables themselves. */
function inspect(file: string) {
  const db = new Database(file, { readonly: true })
  onTestFinished(() => {
    db.close()
  })
  const scalar = (sql: string) => db.prepare<[], number | null>(sql).pluck().get()
  return { db, scalar }
}

const PUMP_1 = { deviceId: 'pump-1', kind: 'pump' } as const

describe('the embedded time series', () => {
  test('keeps the first value written for an instant, in raw samples and roll-ups alike', async () => {
    const { store } = open()
    await store.write([pump(T0, { current_a: 10 })])
    await store.write([pump(T0, { current_a: 12 })])
    await store.maintain()
    await store.write([pump(T0, { current_a: 14 }), pump(T0 + 1000, { current_a: 20 })])

    for (const maxPoints of [1000, 1]) {
      const history = await store.history({ ...PUMP_1, from: T0, to: T0 + HOUR, maxPoints })
      expect(history.series[0]?.points[0]).toMatchObject({ ts: T0, min: 10, max: 20, count: 2 })
    }
  })

  test('answers with at most maxPoints points per series, not one more', async () => {
    const { store } = open()
    await store.write(Array.from({ length: 3600 }, (_, i) => pump(T0 + i * 1000, { current_a: i })))

    for (const maxPoints of [1, 7, 59, 100, 1000]) {
      const history = await store.history({ ...PUMP_1, from: T0 + 777, to: T0 + HOUR - 5, maxPoints })
      expect(history.series[0]?.points.length).toBeLessThanOrEqual(maxPoints)
    }
  })

  test('data survives closing and reopening the file', async () => {
    const file = dataFiles(tempDataDir()).timeseries
    const first = openTimeSeries({ file })
    await first.write([pump(T0, { current_a: 7 })])
    await first.close()

    const { store: again } = open({ file })
    await again.write([pump(T0 + 1000, { current_a: 9 })])
    const history = await again.history({ ...PUMP_1, from: T0, to: T0 + MINUTE, maxPoints: 1 })

    expect(history.series[0]?.points).toEqual([{ ts: T0, mean: 8, min: 7, max: 9, count: 2 }])
  })

  test('a second connection to the same file sees the writes', async () => {
    const { store: writer, file } = open()
    const { store: reader } = open({ file })
    await writer.write([pump(T0, { running: true }), pump(T0 + 1000, { running: false })])

    const history = await reader.history({ ...PUMP_1, from: T0, to: T0 + MINUTE, maxPoints: 1 })

    expect(history.series).toEqual([{ field: 'running', points: [{ ts: T0, mean: 0.5, min: 0, max: 1, count: 2 }] }])
  })
})

describe('compaction', () => {
  test('moves settled samples and closed buckets to the series-clustered tables, and leaves the rest', async () => {
    const now = Date.now()
    const { store, file } = open({ maintenanceIntervalMs: 0 })
    const readings = Array.from({ length: 2 * 360 }, (_, i) => pump(now - 2 * HOUR + i * 10_000, { current_a: i }))
    await store.write(readings)
    const before = await store.history({ ...PUMP_1, from: now - 2 * HOUR, to: now, maxPoints: 24 })

    await store.maintain()

    const { scalar } = inspect(file)
    expect(scalar('SELECT count(*) FROM samples') ?? 0).toBeGreaterThan(700)
    expect(scalar('SELECT min(ts) FROM samples_recent') ?? now).toBeGreaterThanOrEqual(now - SETTLE_MS - 1000)
    expect(scalar('SELECT count(*) FROM rollup_1m_recent')).toBeLessThanOrEqual(1)
    expect(scalar('SELECT count(*) FROM rollup_1h_recent')).toBeLessThanOrEqual(1)
    expect(await store.history({ ...PUMP_1, from: now - 2 * HOUR, to: now, maxPoints: 24 })).toEqual(before)
  })

  test('on its timer, waits until a tier has a full step of rows or rows five minutes old', async () => {
    let clock = Date.now()
    const { store, file } = open({ now: () => clock, maintenanceIntervalMs: 5 })
    await store.write([pump(clock - MINUTE, { current_a: 1 })])

    const { scalar } = inspect(file)
    await new Promise((resolve) => setTimeout(resolve, 100)) // many passes
    expect(scalar('SELECT count(*) FROM samples_recent')).toBe(1)

    clock += MAX_RECENT_MS
    await vi.waitFor(() => expect(scalar('SELECT count(*) FROM samples')).toBe(1))
  })

  test('runs on its timer', async () => {
    const { store, file } = open({ maintenanceIntervalMs: 20 })
    await store.write([pump(T0, { current_a: 1 })])

    const { scalar } = inspect(file)
    await vi.waitFor(() => expect(scalar('SELECT count(*) FROM samples')).toBe(1))
    expect(scalar('SELECT count(*) FROM samples_recent')).toBe(0)
  })
})

describe('retention', () => {
  const CLOCK = Date.UTC(2026, 5, 1)

  test('deletes each tier past its age, and history reads old ranges from the tier that still has them', async () => {
    const retention = { raw: DAY, '1m': 2 * DAY }
    const { store, file } = open({ retention, now: () => CLOCK, maintenanceIntervalMs: 0 })
    // three days, one reading a minute, two fields: 5 760 raw samples to delete, more than one pruning step
    const readings = Array.from({ length: 3 * 1440 }, (_, i) =>
      pump(CLOCK - 3 * DAY + i * MINUTE, { current_a: i % 60, running: true }),
    )
    await store.write(readings)

    await store.maintain()

    const { scalar } = inspect(file)
    expect(scalar('SELECT min(ts) FROM samples')).toBe(CLOCK - DAY)
    expect(scalar('SELECT min(bucket) FROM rollup_1m')).toBe(CLOCK - 2 * DAY)
    expect(scalar('SELECT min(bucket) FROM rollup_1h')).toBe(CLOCK - 3 * DAY)
    const hourAgo = (days: number) => ({
      ...PUMP_1,
      fields: ['current_a'],
      from: CLOCK - days * DAY,
      to: CLOCK - days * DAY + HOUR,
    })
    expect(await store.history(hourAgo(0.5))).toMatchObject({ tier: 'raw', stepMs: 5000 })
    expect(await store.history(hourAgo(1.5))).toMatchObject({ tier: '1m', stepMs: MINUTE })
    const oldest = await store.history(hourAgo(2.5))
    expect(oldest).toMatchObject({ tier: '1h', stepMs: HOUR })
    expect(oldest.series[0]?.points).toEqual([{ ts: CLOCK - 2.5 * DAY, mean: 29.5, min: 0, max: 59, count: 60 }])
  })

  test('refuses at open a retention that shrinks from a finer to a coarser tier', () => {
    const file = dataFiles(tempDataDir()).timeseries
    expect(() => openTimeSeries({ file, retention: { raw: 400 * DAY } })).toThrow(RangeError)
  })
})

describe('health', () => {
  test('is degraded while maintenance fails, and ok again once it succeeds', async () => {
    let clockBroken = false
    const now = () => {
      if (clockBroken) throw new Error('clock unavailable')
      return Date.now()
    }
    const { store } = open({ now, maintenanceIntervalMs: 0 })

    clockBroken = true
    await expect(store.maintain()).rejects.toThrow('clock unavailable')
    expect(store.health()).toEqual({
      status: 'degraded',
      detail: 'maintenance failed: clock unavailable',
      writeLagMs: 0,
      pendingPoints: 0,
    })

    clockBroken = false
    await store.maintain()
    expect(store.health()).toEqual({ status: 'ok', writeLagMs: 0, pendingPoints: 0 })
  })
})

describe('a file written before roll-ups existed (schema version 1)', () => {
  test('gets its 1-minute and 1-hour roll-ups from the samples it holds', async () => {
    const file = dataFiles(tempDataDir()).timeseries
    const v1 = new Database(file)
    v1.exec(`
      CREATE TABLE series (id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, kind TEXT NOT NULL, field TEXT NOT NULL,
                           UNIQUE (device_id, field)) STRICT;
      CREATE TABLE samples (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
                            PRIMARY KEY (series_id, ts)) STRICT, WITHOUT ROWID;
      INSERT INTO series (id, device_id, kind, field) VALUES (1, 'pump-1', 'pump', 'current_a');
      PRAGMA user_version = 1;`)
    const insert = v1.prepare('INSERT INTO samples (series_id, ts, value) VALUES (1, ?, ?)')
    for (let i = 0; i < 2 * 360; i++) insert.run(T0 + i * 10_000, i % 6)
    v1.close()

    const { store } = open({ file })
    await store.write([pump(T0 + 10_000, { current_a: 100 })]) // already stored: ignored

    for (const [maxPoints, tier] of [
      [120, '1m'],
      [2, '1h'],
    ] as const) {
      const history = await store.history({ ...PUMP_1, from: T0, to: T0 + 2 * HOUR, maxPoints })
      expect(history.tier).toBe(tier)
      expect(history.series[0]?.points[0]).toMatchObject({ ts: T0, min: 0, max: 5, mean: 2.5 })
      expect(history.series[0]?.points.reduce((sum, point) => sum + point.count, 0)).toBe(720)
    }
    const { scalar } = inspect(file)
    expect(scalar('PRAGMA user_version')).toBe(2)
  })
})

describe('a reader of the file another process writes', () => {
  test('reads what the writer stored, refuses to write, and leaves compaction to the writer', async () => {
    const { store: writer, file } = open()
    await writer.write([pump(T0, { outlet_pressure_mpa: 0.45 }), pump(T0 + MINUTE, { outlet_pressure_mpa: 0.47 })])
    const { store: reader } = open({ file, readOnly: true })

    const history = await reader.history({ ...PUMP_1, from: T0, to: T0 + HOUR, fields: ['outlet_pressure_mpa'] })
    expect(history.series[0]?.points.reduce((sum, point) => sum + point.count, 0)).toBe(2)
    await expect(reader.write([pump(T0 + 2 * MINUTE, { outlet_pressure_mpa: 0.5 })])).rejects.toThrow('read-only')
    const recentBefore = inspect(file).scalar('SELECT count(*) FROM samples_recent')
    expect(recentBefore).toBeGreaterThan(0)
    await reader.maintain()
    expect(inspect(file).scalar('SELECT count(*) FROM samples_recent')).toBe(recentBefore)
    expect(reader.health()).toEqual({ status: 'ok', writeLagMs: 0, pendingPoints: 0 })
  })
})
