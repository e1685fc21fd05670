/**
 * Device credentials: the MQTT username is the device id, the password is checked against its scrypt hash.
 * Only hashes are kept; a password is shown once, when it is created or rotated.
 */
import { DEVICE_COLUMNS, type DeviceRow, toDeviceRecord } from './devices.ts'
import { dummyPasswordHash, generatePassword, hashPassword, verifyPassword } from './passwords.ts'
import type { SqliteDatabase } from './sqlite.ts'
import type { Store } from './types.ts'

type CredentialRow = DeviceRow & { password_hash: string }

export function createCredentials(
  db: SqliteDatabase,
): Pick<Store, 'verifyDeviceCredentials' | 'rotateDeviceCredentials' | 'revokeDevice'> {
  const byId = db.prepare<[string], CredentialRow>(
    `SELECT ${DEVICE_COLUMNS}, d.password_hash FROM devices d WHERE d.id = ?`,
  )
  const setHash = db.prepare<{ id: string; hash: string; now: number }>(
    'UPDATE devices SET password_hash = @hash, credentials_updated_at = @now, revoked_at = NULL WHERE id = @id',
  )
  const revoke = db.prepare<{ id: string; now: number }>(
    'UPDATE devices SET revoked_at = coalesce(revoked_at, @now) WHERE id = @id',
  )
  return {
    async verifyDeviceCredentials(deviceId, password) {
      const row = byId.get(deviceId)
      // unknown and revoked devices cost one hash too: the answer time must not reveal which ids exist
      const matches = await verifyPassword(password, row?.password_hash ?? (await dummyPasswordHash()))
      if (!row || !matches || row.revoked_at !== null) return undefined
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
  }
}
