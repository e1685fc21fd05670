import { describe, expect, test } from 'vitest'
import type { Store } from '../src/index.ts'
import { hashPassword, verifyPassword } from '../src/passwords.ts'
import { openTestStore, PUMP_PASSWORD, provisionedDataDir, provisionedStore } from './fixtures.ts'

describe('verifyDeviceCredentials', () => {
  const cases = [
    { name: 'accepts the right password', deviceId: 'pump-1', password: PUMP_PASSWORD, revoke: false, accepted: true },
    {
      name: 'refuses a wrong password',
      deviceId: 'pump-1',
      password: 'not-the-password',
      revoke: false,
      accepted: false,
    },
    { name: 'refuses an empty password', deviceId: 'pump-1', password: '', revoke: false, accepted: false },
    { name: 'refuses an unknown device', deviceId: 'pump-9', password: PUMP_PASSWORD, revoke: false, accepted: false },
    { name: 'refuses a revoked device', deviceId: 'pump-1', password: PUMP_PASSWORD, revoke: true, accepted: false },
    // HMAC pads a short key with zero bytes: without the check this would verify as the right password
    {
      name: 'refuses the right password followed by a NUL byte',
      deviceId: 'pump-1',
      password: `${PUMP_PASSWORD}\u0000`,
      revoke: false,
      accepted: false,
    },
  ]

  test.for(cases)('$name', async ({ deviceId, password, revoke, accepted }) => {
    const store = await provisionedStore()
    if (revoke) expect(store.revokeDevice(deviceId)).toBe(true)

    const device = await store.verifyDeviceCredentials(deviceId, password)

    if (accepted) expect(device).toMatchObject({ id: 'pump-1', siteId: 'xingfuli', kind: 'pump' })
    else expect(device).toBeUndefined()
  })
})

describe('rotateDeviceCredentials', () => {
  test('issues a new password; the old one stops working', async () => {
    const store = await provisionedStore()

    const password = await store.rotateDeviceCredentials('pump-1')

    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeUndefined()
    expect(await store.verifyDeviceCredentials('pump-1', password ?? '')).toMatchObject({ id: 'pump-1' })
  })

  test('re-admits a revoked device with its new password only', async () => {
    const store = await provisionedStore()
    store.revokeDevice('pump-1')
    expect(store.getDevice('pump-1')?.revokedAt).toBeTypeOf('number')

    const password = await store.rotateDeviceCredentials('pump-1')

    expect(store.getDevice('pump-1')?.revokedAt).toBeUndefined()
    expect(await store.verifyDeviceCredentials('pump-1', password ?? '')).toBeDefined()
    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeUndefined()
  })

  test('answers undefined for an unknown device', async () => {
    const store = await provisionedStore()
    expect(await store.rotateDeviceCredentials('pump-9')).toBeUndefined()
  })
})

describe('revokeDevice', () => {
  test('keeps the first revocation time and answers false for an unknown device', async () => {
    const store = await provisionedStore()
    expect(store.revokeDevice('gate-east')).toBe(true)
    const revokedAt = store.getDevice('gate-east')?.revokedAt

    expect(store.revokeDevice('gate-east')).toBe(true)
    expect(store.getDevice('gate-east')?.revokedAt).toBe(revokedAt)
    expect(store.revokeDevice('gate-9')).toBe(false)
  })
})

/** Sets new passwords, so that tests know the passwords of devices other than the pump. */
async function rotatePasswords(store: Store, deviceIds: string[]): Promise<string[]> {
  const passwords = await Promise.all(deviceIds.map((id) => store.rotateDeviceCredentials(id)))
  return passwords.map((password, i) => {
    if (password === undefined) throw new Error(`${deviceIds[i]} is not provisioned`)
    return password
  })
}

describe('the cache of verified credentials', () => {
  test('admits a device the second time without scrypt', async () => {
    const store = await provisionedStore()

    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toMatchObject({ id: 'pump-1' })
    expect(store.credentialCacheStats()).toEqual({ hits: 0, misses: 1, size: 1 })
    const again = await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)

    expect(again).toMatchObject({ id: 'pump-1', siteId: 'xingfuli', kind: 'pump' })
    expect(store.credentialCacheStats()).toEqual({ hits: 1, misses: 1, size: 1 })
  })

  test('refuses a wrong password after a hit, through the full check, and keeps the right one cached', async () => {
    const store = await provisionedStore()
    await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)
    await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)

    expect(await store.verifyDeviceCredentials('pump-1', 'not-the-password')).toBeUndefined()
    expect(await store.verifyDeviceCredentials('pump-1', '')).toBeUndefined()
    expect(store.credentialCacheStats()).toEqual({ hits: 1, misses: 3, size: 1 })

    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeDefined()
    expect(store.credentialCacheStats()).toEqual({ hits: 2, misses: 3, size: 1 })
  })

  test('after a rotation refuses the old password and admits the new one, first in full, then from the cache', async () => {
    const store = await provisionedStore()
    await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)
    const [password = ''] = await rotatePasswords(store, ['pump-1'])

    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeUndefined()
    expect(await store.verifyDeviceCredentials('pump-1', password)).toBeDefined()
    expect(store.credentialCacheStats()).toMatchObject({ hits: 0, misses: 3 })
    expect(await store.verifyDeviceCredentials('pump-1', password)).toBeDefined()
    expect(store.credentialCacheStats()).toMatchObject({ hits: 1, misses: 3 })
  })

  test('refuses a cached device as soon as it is revoked', async () => {
    const store = await provisionedStore()
    await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)

    store.revokeDevice('pump-1')

    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeUndefined()
    expect(store.credentialCacheStats()).toMatchObject({ hits: 0, misses: 2 })
  })

  test('applies a revocation and a rotation made by another process on the same file at once', async () => {
    const dir = await provisionedDataDir()
    const broker = openTestStore(dir)
    const api = openTestStore(dir)
    await broker.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)
    expect(await broker.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeDefined()

    api.revokeDevice('pump-1')
    expect(await broker.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeUndefined()

    const [password = ''] = await rotatePasswords(api, ['pump-1'])
    expect(await broker.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeUndefined()
    expect(await broker.verifyDeviceCredentials('pump-1', password)).toBeDefined()
    expect(await broker.verifyDeviceCredentials('pump-1', password)).toBeDefined()
    expect(broker.credentialCacheStats()).toEqual({ hits: 2, misses: 4, size: 2 })
  })

  test('refuses an unknown device through the full check, even with a cached password', async () => {
    const store = await provisionedStore()
    await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)

    expect(await store.verifyDeviceCredentials('pump-9', PUMP_PASSWORD)).toBeUndefined()
    expect(await store.verifyDeviceCredentials('', PUMP_PASSWORD)).toBeUndefined()
    expect(store.credentialCacheStats()).toEqual({ hits: 0, misses: 3, size: 1 })
  })

  test('keeps the entries of two devices apart', async () => {
    const store = await provisionedStore()
    const [tankPassword = ''] = await rotatePasswords(store, ['tank-1'])
    await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)
    await store.verifyDeviceCredentials('tank-1', tankPassword)

    expect(await store.verifyDeviceCredentials('pump-1', tankPassword)).toBeUndefined()
    expect(await store.verifyDeviceCredentials('tank-1', PUMP_PASSWORD)).toBeUndefined()
    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toMatchObject({ id: 'pump-1' })
    expect(await store.verifyDeviceCredentials('tank-1', tankPassword)).toMatchObject({ id: 'tank-1' })
    expect(store.credentialCacheStats()).toEqual({ hits: 2, misses: 4, size: 2 })
  })

  test('holds at most `capacity` devices and evicts the least recently admitted one', async () => {
    const store = await provisionedStore({ credentialCache: { capacity: 2 } })
    const [tankPassword = '', gatePassword = ''] = await rotatePasswords(store, ['tank-1', 'gate-east'])
    await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)
    await store.verifyDeviceCredentials('tank-1', tankPassword)
    await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD) // hit: the tank is now the least recent

    expect(await store.verifyDeviceCredentials('gate-east', gatePassword)).toBeDefined()
    expect(store.credentialCacheStats()).toEqual({ hits: 1, misses: 3, size: 2 })

    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeDefined()
    expect(await store.verifyDeviceCredentials('gate-east', gatePassword)).toBeDefined()
    expect(store.credentialCacheStats()).toEqual({ hits: 3, misses: 3, size: 2 })
    // the evicted tank is still admitted, through the full check
    expect(await store.verifyDeviceCredentials('tank-1', tankPassword)).toMatchObject({ id: 'tank-1' })
    expect(store.credentialCacheStats()).toEqual({ hits: 3, misses: 4, size: 2 })
  })

  test('admits every time through the full check with capacity 0', async () => {
    const store = await provisionedStore({ credentialCache: { capacity: 0 } })

    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeDefined()
    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeDefined()
    expect(store.credentialCacheStats()).toEqual({ hits: 0, misses: 2, size: 0 })
  })
})

describe('password hashes', () => {
  test('are salted scrypt in the scrypt$N$r$p$salt$hash format', async () => {
    const [first, second] = await Promise.all([hashPassword('same password'), hashPassword('same password')])

    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    expect(second).not.toBe(first)
    expect(await verifyPassword('same password', first)).toBe(true)
    expect(await verifyPassword('same passworD', first)).toBe(false)
  })

  test.for([
    'bcrypt$2b$10$abc',
    'scrypt$16384$8$1$c2FsdA',
    'scrypt$1000$8$1$c2FsdA$a2V5',
    `scrypt$${2 ** 24}$8$1$c2FsdA$a2V5`,
  ])('refuse to verify against malformed or unbounded hash %s', async (encoded) => {
    await expect(verifyPassword('password', encoded)).rejects.toThrow('scrypt$N$r$p$salt$hash')
  })
})
