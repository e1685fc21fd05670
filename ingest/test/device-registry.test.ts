import { describe, expect, it } from 'vitest'
import { createDeviceRegistry, DEVICE_RELOAD_INTERVAL_MS } from '../src/device-registry.ts'
import { captureLogs, compound, openStores, PUMP, SITE, TANK } from './harness.ts'

async function registry() {
  const stores = await openStores()
  const { logger, lines } = captureLogs()
  const clock = { now: 1_000_000 }
  const devices = createDeviceRegistry({ store: stores.store, logger, now: () => clock.now })
  devices.load()
  return { devices, clock, lines, store: stores.store }
}

describe('device registry', () => {
  it('accepts a registered device only under its own site and kind', async () => {
    const { devices } = await registry()
    expect(devices.check(TANK)).toMatchObject({ ok: true, device: { id: 'tank-1', kind: 'water-tank' } })
    expect(devices.check({ ...TANK, deviceId: 'tank-9' })).toEqual({
      ok: false,
      reason: 'device "tank-9" is not registered',
    })
    expect(devices.check({ ...TANK, kind: 'pump' })).toEqual({
      ok: false,
      reason: `device "tank-1" is registered as water-tank of site "${SITE}"`,
    })
    expect(devices.check({ ...TANK, siteId: 'other' })).toMatchObject({ ok: false })
  })

  it('refuses a revoked device once it reloads', async () => {
    const { devices, store, clock } = await registry()
    store.revokeDevice('pump-1')
    clock.now += DEVICE_RELOAD_INTERVAL_MS
    devices.load()
    expect(devices.check(PUMP)).toEqual({ ok: false, reason: 'device "pump-1" is revoked' })
  })

  it('picks up a newly provisioned device on a miss, at most once per reload interval', async () => {
    const { devices, store, clock } = await registry()
    const manifest = compound()
    manifest.devices.push({ id: 'tank-2', kind: 'water-tank', name: '消防水箱' })
    await store.provisionSite(manifest)
    const tank2 = { ...TANK, deviceId: 'tank-2' }

    clock.now += DEVICE_RELOAD_INTERVAL_MS - 1
    expect(devices.check(tank2).ok).toBe(false)
    clock.now += 1
    expect(devices.check(tank2).ok).toBe(true)
  })

  it('keeps the cached devices when a reload fails', async () => {
    const { devices, store, clock, lines } = await registry()
    store.close()
    clock.now += DEVICE_RELOAD_INTERVAL_MS
    expect(devices.check({ ...TANK, deviceId: 'tank-9' }).ok).toBe(false)
    expect(devices.check({ ...TANK, deviceId: 'tank-9' }).ok).toBe(false)
    expect(devices.check(TANK).ok).toBe(true)
    const failed = lines.filter((line) => line.msg === 'device registry reload failed; keeping the cached devices')
    expect(failed).toHaveLength(1)
  })
})
