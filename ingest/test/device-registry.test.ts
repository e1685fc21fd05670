import { describe, expect, it, vi } from 'vitest'
import { createDeviceRegistry, DEVICE_RELOAD_INTERVAL_MS } from '../src/device-registry.ts'
import {
  captureLogs,
  compound,
  connectDevice,
  openStores,
  PUMP,
  publish,
  SITE,
  startBroker,
  startIngest,
  TANK,
} from './harness.ts'

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

  it('accepts a device provisioned while ingest runs from its very first message', async () => {
    const { devices, store } = await registry()
    const manifest = compound()
    manifest.devices.push({ id: 'tank-2', kind: 'water-tank', name: '消防水箱' })
    await store.provisionSite(manifest)
    expect(devices.check({ ...TANK, deviceId: 'tank-2' })).toMatchObject({ ok: true, device: { id: 'tank-2' } })
  })

  it('looks an unknown id up again only after the reload interval', async () => {
    const { devices, store, clock } = await registry()
    const tank2 = { ...TANK, deviceId: 'tank-2' }
    expect(devices.check(tank2).ok).toBe(false)
    const manifest = compound()
    manifest.devices.push({ id: 'tank-2', kind: 'water-tank', name: '消防水箱' })
    await store.provisionSite(manifest)

    clock.now += DEVICE_RELOAD_INTERVAL_MS - 1
    expect(devices.check(tank2).ok).toBe(false)
    clock.now += 1
    expect(devices.check(tank2).ok).toBe(true)
  })

  it('keeps the cached devices when the store fails', async () => {
    const { devices, store, lines } = await registry()
    store.close()
    expect(devices.check({ ...TANK, deviceId: 'tank-9' }).ok).toBe(false)
    expect(devices.check({ ...TANK, deviceId: 'tank-9' }).ok).toBe(false)
    expect(devices.check(TANK).ok).toBe(true)
    const failed = lines.filter((line) => line.msg === 'device lookup failed; treating the device as unknown for now')
    expect(failed).toHaveLength(1)
  })
})

describe('device registry in a running ingest', () => {
  it('stops accepting a device revoked while ingest runs at the next periodic reload', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const { ingest, lines } = await startIngest(broker.url, stores, { FM_INGEST_REGISTRY_RELOAD_MS: '100' })
    const device = await connectDevice(broker.url)
    await publish(device, PUMP, 'telemetry', { running: true })
    await vi.waitFor(() => expect(ingest.stats().accepted).toBe(1), { timeout: 5000, interval: 20 })

    stores.store.revokeDevice('pump-1')
    await vi.waitFor(
      () => expect(lines).toContainEqual(expect.objectContaining({ msg: 'device registry changed', revoked: 1 })),
      { timeout: 5000, interval: 20 },
    )
    await publish(device, PUMP, 'telemetry', { running: false })

    await vi.waitFor(() => expect(ingest.stats().rejectedByCode.FM_ERR_MQTT_DEVICE_UNKNOWN).toBe(1), {
      timeout: 5000,
      interval: 20,
    })
    expect(ingest.stats().accepted).toBe(1)
  })
})
