import { describe, expect, test } from 'vitest'
import { hashPassword, verifyPassword } from '../src/passwords.ts'
import { PUMP_PASSWORD, provisionedStore } from './fixtures.ts'

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
