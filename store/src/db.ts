/**
 * The operational database: one SQLite file (`fm.db`) shared by the services of one machine.
 * Ingest writes device state and events while the api reads them from another process, so every write is one
 * short transaction and slow work (password hashing) happens outside it.
 */
import { join } from 'node:path'
import { createAlarms } from './alarms.ts'
import { createAudit } from './audit.ts'
import { createCredentials } from './credentials.ts'
import { createDeviceStates } from './device-state.ts'
import { createDeviceQueries } from './devices.ts'
import { createEvents } from './events.ts'
import { OPERATIONAL_MIGRATIONS } from './migrations.ts'
import type { PasswordCost } from './passwords.ts'
import { createSessions } from './sessions.ts'
import { createSites } from './sites.ts'
import { migrate, openDatabase } from './sqlite.ts'
import type { CredentialCacheOptions, Store } from './types.ts'
import { createUsers } from './users.ts'
import { createWorkOrders } from './work-orders.ts'

/** `credentialCache` bounds the cache of recently verified device credentials (defaults: 50 000 entries, 24 h). */
export function openStore(options: {
  file: string
  credentialCache?: CredentialCacheOptions
  /**
   * scrypt cost of the passwords this store hashes when provisioning and for users. The default (PASSWORD_COST) is
   * for production; tests and benchmarks that provision thousands of devices pass a cheaper one. Each hash carries
   * its own cost.
   */
  passwordCost?: PasswordCost
  /**
   * The clock (epoch ms) of users, sessions and the audit log: lockouts, session expiry, entry times. Tests pass a
   * settable one instead of sleeping. Default `Date.now`.
   */
  now?: () => number
}): Store {
  const now = options.now ?? Date.now
  const db = openDatabase(options.file)
  try {
    migrate(db, OPERATIONAL_MIGRATIONS, options.file)
    const sessions = createSessions(db, now)
    const sites = createSites(db, options.passwordCost)
    const alarms = createAlarms(db)
    const workOrders = createWorkOrders(db, { now, getAlarm: alarms.getAlarm })
    return {
      ...sites,
      // a site without plans (new, or provisioned before there were plans) gets the ones the law requires
      // (PM_LIBRARY); a site that has plans keeps them as its people changed them
      async provisionSite(manifest) {
        const result = await sites.provisionSite(manifest)
        if (workOrders.pmPlans(result.siteId).length === 0) workOrders.seedPmPlans(result.siteId)
        return result
      },
      ...createDeviceQueries(db),
      ...createCredentials(db, options.credentialCache),
      ...createDeviceStates(db),
      ...createEvents(db),
      ...createUsers(db, { now, passwordCost: options.passwordCost, revokeUserSessions: sessions.revokeUserSessions }),
      ...sessions,
      ...createAudit(db, now),
      ...alarms,
      ...workOrders,
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
