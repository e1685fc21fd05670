/**
 * The operational database: one SQLite file (`fm.db`) shared by the services of one machine.
 * Ingest writes device state and events while the api reads them from another process, so every write is one
 * short transaction and slow work (password hashing) happens outside it.
 */
import { join } from 'node:path'
import { createCredentials } from './credentials.ts'
import { createDeviceStates } from './device-state.ts'
import { createDeviceQueries } from './devices.ts'
import { createEvents } from './events.ts'
import { OPERATIONAL_MIGRATIONS } from './migrations.ts'
import { createSites } from './sites.ts'
import { migrate, openDatabase } from './sqlite.ts'
import type { Store } from './types.ts'

export function openStore(options: { file: string }): Store {
  const db = openDatabase(options.file)
  try {
    migrate(db, OPERATIONAL_MIGRATIONS, options.file)
    return {
      ...createSites(db),
      ...createDeviceQueries(db),
      ...createCredentials(db),
      ...createDeviceStates(db),
      ...createEvents(db),
      close() {
        if (db.open) db.close()
      },
    }
  } catch (error) {
    db.close()
    throw error
  }
}

/** The two database files of a data directory: operational data, and the embedded time series. */
export function dataFiles(dataDir: string): { operational: string; timeseries: string } {
  return { operational: join(dataDir, 'fm.db'), timeseries: join(dataDir, 'timeseries.db') }
}
