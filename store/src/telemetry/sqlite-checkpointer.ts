/**
 * WAL checkpoints off the event loop. By default SQLite copies the WAL back into the database file inside the commit
 * that takes the WAL past 1 000 pages, fsync included: at 2 000 series and 5 M rows that commit took 60 ms, 40 of them
 * the checkpoint, and ingest, which commits on the event loop, would stall for it. So the store's own connection never
 * checkpoints (`wal_autocheckpoint = 0`), and a worker thread with a connection of its own does, every
 * CHECKPOINT_INTERVAL_MS. PASSIVE mode neither waits for nor blocks readers and writers
 * (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html).
 *
 * Should the worker fail, the connection checkpoints itself again, as SQLite does by default.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { SqliteDatabase } from '../sqlite.ts'

const CHECKPOINT_INTERVAL_MS = 1_000
/** SQLite's default, restored if the worker is gone. */
const AUTOCHECKPOINT_PAGES = 1_000

/**
 * Plain CommonJS, evaluated by the worker: a worker cannot load a TypeScript file under every runner we use (tsx,
 * vitest), and this is all it does. The driver is passed as an absolute path, so that it resolves from any cwd.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true })
let failing = null
const timer = setInterval(() => {
  let error = null
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (caught) {
    error = String(caught && caught.message ? caught.message : caught)
  }
  // report changes only: a failure, and the recovery from it
  if (error !== failing) parentPort.postMessage({ error })
  failing = error
}, workerData.intervalMs)
parentPort.once('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

export interface Checkpointer {
  /** Why checkpoints are not running off the event loop, when they are not. */
  lastError(): string | undefined
  stop(): Promise<void>
}

export function startCheckpointer(db: SqliteDatabase, file: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  let failure: string | undefined
  let stopping = false
  db.pragma('wal_autocheckpoint = 0')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file, intervalMs: CHECKPOINT_INTERVAL_MS },
  })
  // a checkpointer alone never keeps a process alive
  worker.unref()
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (!stopping) fallBack(`the checkpoint worker exited with code ${code}`)
      resolve()
    })
  })
  worker.on('error', (error) => fallBack(`the checkpoint worker failed: ${error.message}`))
  worker.on('message', (message: { error: string | null }) => {
    failure = message.error === null ? undefined : `checkpoint failed: ${message.error}`
  })

  function fallBack(reason: string): void {
    failure = reason
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`)
  }

  return {
    lastError: () => failure,
    async stop() {
      if (!stopping) {
        stopping = true
        // waited for from now on: an unreferenced worker would let the process exit in the middle of close()
        worker.ref()
        worker.postMessage('stop')
      }
      await exited
    },
  }
}
