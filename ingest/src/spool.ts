/**
 * The spool: readings that the time series could not take yet, kept on disk in arrival order until it can. A SQLite
 * file (`<dataDir>/spool.db`) of batches, one row per batch, oldest first (`id` AUTOINCREMENT never reuses an id, so
 * order survives deletes). It is the durability promise behind an early PUBACK, hence `synchronous = FULL`: a
 * committed append survives a power cut, not only a crash of ingest (WAL with NORMAL may lose the last commits then).
 *
 * Only ingest reads and writes this file, one process at a time. Its size limit is counted in bytes of readings
 * (the JSON kept), not in file pages: freed pages are reused, and the file is shrunk whenever the spool runs empty.
 */
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Reading } from '@fm/protocol'
import Database from 'better-sqlite3'

export interface SpoolStats {
  /** Batches waiting. */
  batches: number
  /** Readings waiting. */
  points: number
  /** Bytes of readings waiting (their JSON), what the limit counts. */
  bytes: number
  limitBytes: number
  /** When the oldest waiting batch was spooled, epoch ms; undefined when the spool is empty. */
  oldestAt: number | undefined
}

export interface SpooledBatch {
  id: number
  readings: Reading[]
}

export interface Spool {
  readonly file: string
  stats(): SpoolStats
  /**
   * Appends a batch behind the others and returns once it is on disk. Throws a `SpoolFullError` when the batch would
   * take the spool over its limit (nothing is written then), or the database's error.
   */
  append(readings: readonly Reading[]): void
  /** The oldest batch, or undefined when the spool is empty. */
  oldest(): SpooledBatch | undefined
  /** Deletes a batch once the time series stored it. */
  remove(id: number): void
  close(): void
}

export interface SpoolOptions {
  file: string
  limitBytes: number
  now?: () => number
}

export class SpoolFullError extends Error {
  constructor(bytes: number, batchBytes: number, limitBytes: number) {
    super(`the spool is full: ${bytes} + ${batchBytes} bytes would pass its limit of ${limitBytes}`)
    this.name = 'SpoolFullError'
  }
}

const SCHEMA_VERSION = 1
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    spooled_at INTEGER NOT NULL,
    points INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    readings TEXT NOT NULL
  );
`

export function spoolFile(dataDir: string): string {
  return join(dataDir, 'spool.db')
}

function openDatabase(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  try {
    // auto_vacuum takes effect only on a file without tables: set before the schema, it lets an empty spool shrink.
    db.pragma('auto_vacuum = INCREMENTAL')
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    const version = db.pragma('user_version', { simple: true })
    if (typeof version !== 'number' || version > SCHEMA_VERSION) {
      throw new Error(`${file} is a spool of a newer version (${String(version)}) than this ingest knows`)
    }
    db.exec(SCHEMA)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

interface Row {
  id: number
  readings: string
}

interface Totals {
  batches: number
  points: number
  bytes: number
  oldestAt: number | null
}

export function openSpool(options: SpoolOptions): Spool {
  const { file, limitBytes } = options
  const now = options.now ?? Date.now
  const db = openDatabase(file)
  const insert = db.prepare<[number, number, number, string]>(
    'INSERT INTO batches (spooled_at, points, bytes, readings) VALUES (?, ?, ?, ?)',
  )
  const first = db.prepare<[], Row>('SELECT id, readings FROM batches ORDER BY id LIMIT 1')
  const firstAt = db.prepare<[], { spooled_at: number }>('SELECT spooled_at FROM batches ORDER BY id LIMIT 1')
  const remove = db.prepare<[number], { points: number; bytes: number }>(
    'DELETE FROM batches WHERE id = ? RETURNING points, bytes',
  )
  const totals = db
    .prepare<[], Totals>(
      `SELECT count(*) AS batches, coalesce(sum(points), 0) AS points, coalesce(sum(bytes), 0) AS bytes,
              min(spooled_at) AS oldestAt FROM batches`,
    )
    .get() ?? { batches: 0, points: 0, bytes: 0, oldestAt: null }
  let { batches, points, bytes } = totals
  let oldestAt = totals.oldestAt ?? undefined

  return {
    file,
    stats: () => ({ batches, points, bytes, limitBytes, oldestAt }),
    append(readings) {
      const json = JSON.stringify(readings)
      const size = Buffer.byteLength(json)
      if (bytes + size > limitBytes) throw new SpoolFullError(bytes, size, limitBytes)
      const at = now()
      insert.run(at, readings.length, size, json)
      batches += 1
      points += readings.length
      bytes += size
      oldestAt ??= at
    },
    oldest() {
      const row = first.get()
      if (!row) return undefined
      // Our own file, written by `append` of this schema version: the JSON is a Reading[] that was decoded and
      // checked when it arrived over MQTT.
      return { id: row.id, readings: JSON.parse(row.readings) as Reading[] }
    },
    remove(id) {
      const removed = remove.get(id)
      if (!removed) return
      batches -= 1
      points -= removed.points
      bytes -= removed.bytes
      oldestAt = firstAt.get()?.spooled_at
      // An outage may have grown the file to its limit: give the pages back once the spool has drained.
      if (batches === 0) db.pragma('incremental_vacuum')
    },
    close() {
      if (db.open) db.close()
    },
  }
}
