/**
 * Opening a SQLite file the way every store of the platform needs it, and versioned migrations.
 * Ingest and api open the same files from separate processes, hence WAL and a busy timeout.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type SqliteDatabase = Database.Database

/** How long a writer waits for another process's transaction before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000

export function openDatabase(file: string): SqliteDatabase {
  mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  try {
    // busy_timeout first: switching a fresh file to WAL needs a lock that another process may hold
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.pragma('journal_mode = WAL')
    // NORMAL is durable across process crashes in WAL mode; only a power cut may lose the last commits
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

/**
 * Brings the schema up to date. `steps[i]` takes the file from version i to i + 1 (`PRAGMA user_version`).
 * Steps are only ever appended: a released step never changes.
 * The check and the steps run in one IMMEDIATE transaction, so that two processes starting on a fresh file
 * do not both create the schema. Returns the version the file is at.
 */
export function migrate(db: SqliteDatabase, steps: readonly string[], label: string): number {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true })
    if (typeof current !== 'number') throw new Error(`${label}: cannot read the schema version`)
    if (current > steps.length) {
      throw new Error(
        `${label} is at schema version ${current}, newer than this version of the platform knows (${steps.length}); ` +
          'upgrade the platform or use another data directory',
      )
    }
    for (const step of steps.slice(current)) db.exec(step)
    if (current < steps.length) db.pragma(`user_version = ${steps.length}`)
    return steps.length
  })
  return run.immediate()
}
