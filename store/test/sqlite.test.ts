import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, onTestFinished, test } from 'vitest'
import { dataFiles, openStore, openTimeSeries } from '../src/index.ts'
import { OPERATIONAL_MIGRATIONS } from '../src/migrations.ts'
import { compound, tempDataDir } from './fixtures.ts'

function inspect(file: string): Database.Database {
  const db = new Database(file, { readonly: true })
  onTestFinished(() => {
    db.close()
  })
  return db
}

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name)
}

describe('opening the operational database', () => {
  test('creates the directory and the schema on a fresh file, in WAL mode', () => {
    const file = join(tempDataDir(), 'nested', 'data', 'fm.db')
    const store = openStore({ file })
    onTestFinished(() => store.close())

    expect(existsSync(file)).toBe(true)
    const db = inspect(file)
    expect(db.pragma('user_version', { simple: true })).toBe(OPERATIONAL_MIGRATIONS.length)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(tables(db)).toEqual([
      'alarm_journal',
      'alarm_rule_overrides',
      'alarms',
      'audit_log',
      'buildings',
      'device_events',
      'device_state',
      'devices',
      'pm_plans',
      'pm_schedules',
      'rooms',
      'sessions',
      'sites',
      'sla_policies',
      'sqlite_sequence',
      'user_trades',
      'users',
      'work_order_events',
      'work_order_photos',
      'work_orders',
    ])
  })

  test('reopening runs no migration again and keeps the data', async () => {
    const file = dataFiles(tempDataDir()).operational
    const first = openStore({ file })
    await first.provisionSite(compound())
    first.close()

    const again = openStore({ file })
    onTestFinished(() => again.close())
    expect(again.listDevices().map((device) => device.id)).toEqual(['tank-1', 'pump-1', 'gate-east', 'fap-1'])
    expect(inspect(file).pragma('user_version', { simple: true })).toBe(OPERATIONAL_MIGRATIONS.length)
  })

  test('refuses a file written by a newer version of the platform', () => {
    const file = dataFiles(tempDataDir()).operational
    openStore({ file }).close()
    const db = new Database(file)
    db.pragma(`user_version = ${OPERATIONAL_MIGRATIONS.length + 1}`)
    db.close()

    expect(() => openStore({ file })).toThrow(/newer than this version of the platform knows/)
  })

  test('a second connection sees what the first one wrote', async () => {
    const file = dataFiles(tempDataDir()).operational
    const writer = openStore({ file })
    const reader = openStore({ file })
    onTestFinished(() => {
      reader.close()
      writer.close()
    })
    await writer.provisionSite(compound())
    writer.updateDeviceStates([{ deviceId: 'tank-1', type: 'reading', ts: 1000, values: { level_pct: 72 } }])

    expect(reader.getDeviceStates().find((state) => state.deviceId === 'tank-1')?.values).toEqual({ level_pct: 72 })
  })
})

describe('opening the time-series database', () => {
  test('creates the series, samples and roll-up tables and reopens without migrating again', async () => {
    const file = dataFiles(tempDataDir()).timeseries
    await openTimeSeries({ file }).close()
    const again = openTimeSeries({ file })
    onTestFinished(() => again.close())

    const db = inspect(file)
    expect(tables(db)).toEqual([
      'compaction',
      'rollup_1h',
      'rollup_1h_recent',
      'rollup_1m',
      'rollup_1m_recent',
      'samples',
      'samples_recent',
      'series',
    ])
    expect(db.pragma('user_version', { simple: true })).toBe(2)
  })
})

test('dataFiles names the two files of a data directory', () => {
  expect(dataFiles('/var/lib/fm')).toEqual({
    operational: '/var/lib/fm/fm.db',
    timeseries: '/var/lib/fm/timeseries.db',
  })
})
