/**
 * Device credentials: the MQTT username is the device id, the password is checked against its scrypt hash.
 * Only hashes are kept; a password is shown once, when it is created or rotated. A device that verified once is
 * admitted again from a cache of recent verifications while its row is unchanged (see `credential-cache.ts`).
 */
import { createCredentialCache } from './credential-cache.ts'
import { DEVICE_COLUMNS, type DeviceRow, toDeviceRecord } from './devices.ts'
import { dummyPasswordHash, generatePassword, hashPassword, verifyPassword } from './passwords.ts'
import type { SqliteDatabase } from './sqlite.ts'
import type { CredentialCacheOptions, Store } from './types.ts'

type CredentialRow = DeviceRow & { password_hash: string }

export function createCredentials(
  db: SqliteDatabase,
  cacheOptions?: CredentialCacheOptions,
): Pick<Store, 'verifyDeviceCredentials' | 'rotateDeviceCredentials' | 'revokeDevice' | 'credentialCacheStats'> {
  const byId = db.prepare<[string], CredentialRow>(
    `SELECT ${DEVICE_COLUMNS}, d.password_hash FROM devices d WHERE d.id = ?`,
  )
  const setHash = db.prepare<{ id: string; hash: string; now: number }>(
    'UPDATE devices SET password_hash = @hash, credentials_updated_at = @now, revoked_at = NULL WHERE id = @id',
  )
  const revoke = db.prepare<{ id: string; now: number }>(
    'UPDATE devices SET revoked_at = coalesce(revoked_at, @now) WHERE id = @id',
  )
  const cache = createCredentialCache(cacheOptions)
  let hits = 0
  let misses = 0
  return {
    async verifyDeviceCredentials(deviceId, password) {
      // the row is read every time, so a revocation or rotation (from any process) applies at the next login
      const row = byId.get(deviceId)
      if (row && row.revoked_at === null && cache.admits(row.password_hash, password)) {
        hits++
        return toDeviceRecord(row)
      }
      misses++
      // unknown and revoked devices cost one hash too: the answer time must not reveal which ids exist
      const matches = await verifyPassword(password, row?.password_hash ?? (await dummyPasswordHash()))
      if (!row || !matches || row.revoked_at !== null) return undefined
      cache.remember(row.password_hash, password)
      return toDeviceRecord(row)
    },
    async rotateDeviceCredentials(deviceId) {
      if (!byId.get(deviceId)) return undefined
      const password = generatePassword()
      const hash = await hashPassword(password)
      // new credentials re-admit a revoked device: the old password no longer works anyway
      const { changes } = setHash.run({ id: deviceId, hash, now: Date.now() })
      return changes === 1 ? password : undefined
    },
    revokeDevice(deviceId) {
      return revoke.run({ id: deviceId, now: Date.now() }).changes === 1
    },
    credentialCacheStats() {
      return { hits, misses, size: cache.size }
    },
  }
}
