import type { DeviceView, ErrorResponse } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, compound, connectClient, deviceTopic, SITE_ID, startApi } from './fixtures.ts'

afterEach(closeAll)

describe('devices', () => {
  it('lists devices with the values a device published through the broker', async () => {
    const api = await startApi()
    const pump = await connectClient(api.brokerUrl)
    const ts = Date.now()
    await pump.publishAsync(deviceTopic('pump', 'pump-1', 'status'), JSON.stringify({ online: true }), {
      qos: 1,
      retain: true,
    })
    await pump.publishAsync(
      deviceTopic('pump', 'pump-1', 'telemetry'),
      JSON.stringify({ ts, running: true, outlet_pressure_mpa: 0.62, frequency_hz: 43.5 }),
    )

    const listPumps = async () => (await api.inject('/api/devices?kind=pump')).json<DeviceView[]>()
    await expect.poll(async () => (await listPumps())[0]?.valuesTs).toBe(ts)

    const [view] = await listPumps()
    expect(view).toMatchObject({
      id: 'pump-1',
      siteId: SITE_ID,
      kind: 'pump',
      name: '1#加压泵',
      roomId: 'pump-room',
      online: true,
      values: { running: true, outlet_pressure_mpa: 0.62, frequency_hz: 43.5 },
      valuesTs: ts,
    })
    expect(view?.lastSeen).toBeGreaterThanOrEqual(ts)
  })

  it('filters by site and kind', async () => {
    const api = await startApi()

    const all = (await api.inject(`/api/devices?siteId=${SITE_ID}`)).json<DeviceView[]>()
    const gates = (await api.inject('/api/devices?kind=gate')).json<DeviceView[]>()
    const elsewhere = (await api.inject('/api/devices?siteId=elsewhere')).json<DeviceView[]>()

    expect(all.map((device) => device.id).sort()).toEqual(['gate-east', 'pump-1', 'tank-1'])
    expect(gates.map((device) => device.id)).toEqual(['gate-east'])
    expect(elsewhere).toEqual([])
  })

  it('answers one device by id', async () => {
    const api = await startApi()

    const response = await api.inject('/api/devices/tank-1')

    expect(response.statusCode).toBe(200)
    expect(response.json<DeviceView>()).toMatchObject({ id: 'tank-1', kind: 'water-tank', online: false })
  })

  it('answers 404 FM_ERR_DEVICE_NOT_FOUND for an unknown device', async () => {
    const api = await startApi()

    const response = await api.inject('/api/devices/pump-99')

    expect(response.statusCode).toBe(404)
    expect(response.json<ErrorResponse>()).toMatchObject({ code: 'FM_ERR_DEVICE_NOT_FOUND', statusCode: 404 })
  })

  it('answers unknown ids without reloading the registry, and finds a device provisioned since start', async () => {
    const api = await startApi()
    const manifest = compound()
    manifest.devices.push({ id: 'tank-2', kind: 'water-tank', name: '消防水箱', password: 'tank-2-password-x' })
    await api.store.provisionSite(manifest)

    // anyone may ask for any id: a miss is one indexed read, and must not read the whole registry
    for (let i = 0; i < 20; i++) {
      expect((await api.inject(`/api/devices/nope-${i}`)).statusCode).toBe(404)
    }
    expect(api.live.devices().map((device) => device.id)).not.toContain('tank-2')

    const response = await api.inject('/api/devices/tank-2')
    expect(response.statusCode).toBe(200)
    expect(response.json<DeviceView>()).toMatchObject({ id: 'tank-2', kind: 'water-tank' })
  })

  it('refuses an unknown kind and an unknown query parameter with FM_ERR_VALIDATION', async () => {
    const api = await startApi()

    const badKind = await api.inject('/api/devices?kind=boiler')
    const unknownParameter = await api.inject('/api/devices?site=xingfuli')

    expect(badKind.statusCode).toBe(400)
    expect(badKind.json<ErrorResponse>().code).toBe('FM_ERR_VALIDATION')
    expect(unknownParameter.statusCode).toBe(400)
    expect(unknownParameter.json<ErrorResponse>()).toMatchObject({
      code: 'FM_ERR_VALIDATION',
      message: 'querystring: unknown parameter "site"',
    })
  })
})
