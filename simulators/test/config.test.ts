import type { SiteManifest } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { faultAssignmentErrors, loadConfig, parseFaults } from '../src/config.ts'
import { DEMO_MANIFEST_PATH } from '../src/manifest.ts'

describe('loadConfig', () => {
  it('starts with zero configuration on a laptop', () => {
    const config = loadConfig({})
    expect(config).toEqual({
      mqttUrl: 'mqtt://127.0.0.1:1883',
      manifestPath: DEMO_MANIFEST_PATH,
      seed: 1,
      intervalMs: undefined,
      faults: [],
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads every variable', () => {
    const config = loadConfig({
      FM_MQTT_URL: 'mqtts://broker.example:8883',
      FM_SIM_MANIFEST: '/srv/site.json',
      FM_SIM_SEED: '42',
      FM_SIM_INTERVAL_MS: '1000',
      FM_SIM_FAULTS: 'pump-fire-1:trip, tank-1:low-low',
    })
    expect(config).toEqual({
      mqttUrl: 'mqtts://broker.example:8883',
      manifestPath: '/srv/site.json',
      seed: 42,
      intervalMs: 1000,
      faults: [
        { deviceId: 'pump-fire-1', fault: 'trip' },
        { deviceId: 'tank-1', fault: 'low-low' },
      ],
    })
  })

  it('reports every error at once', () => {
    const load = () =>
      loadConfig({
        FM_MQTT_URL: 'http://localhost',
        FM_SIM_SEED: '-1',
        FM_SIM_INTERVAL_MS: '5s',
        FM_SIM_FAULTS: 'tank-1:explode,oops',
      })
    expect(load).toThrow(/FM_MQTT_URL: protocol must be one of/)
    expect(load).toThrow(/FM_SIM_SEED: expected an integer/)
    expect(load).toThrow(/FM_SIM_INTERVAL_MS: expected an integer/)
    expect(load).toThrow(/unknown fault "explode"/)
    expect(load).toThrow(/"oops" is not <device id>:<fault>/)
  })
})

describe('fault list', () => {
  it('parses device:fault pairs and skips empty entries', () => {
    expect(parseFaults('gate-north-in:offline,, fap-1:fire ')).toEqual({
      faults: [
        { deviceId: 'gate-north-in', fault: 'offline' },
        { deviceId: 'fap-1', fault: 'fire' },
      ],
      errors: [],
    })
  })

  it('checks the faults against the manifest', () => {
    const manifest: SiteManifest = {
      site: { id: 'demo', name: 'Demo', timezone: 'Asia/Shanghai' },
      buildings: [],
      rooms: [],
      devices: [{ id: 'tank-1', kind: 'water-tank', name: '水箱' }],
    }
    expect(
      faultAssignmentErrors(manifest, [
        { deviceId: 'tank-1', fault: 'low-low' },
        { deviceId: 'tank-1', fault: 'silent' },
        { deviceId: 'tank-1', fault: 'trip' },
        { deviceId: 'pump-9', fault: 'trip' },
      ]),
    ).toEqual([
      'FM_SIM_FAULTS: a water-tank has no fault "trip" (tank-1)',
      'FM_SIM_FAULTS: no device "pump-9" in site demo',
    ])
  })
})
