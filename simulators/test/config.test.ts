import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import type { SiteManifest } from '@fm/protocol'
import { describe, expect, it, onTestFinished } from 'vitest'
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

describe("loadConfig, the broker's CA (FM_MQTT_CA_FILE)", () => {
  it('reads the CA for an mqtts:// broker, and refuses it for one in the clear', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-sim-ca-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const file = join(dir, 'ca.crt')
    // a real CA certificate: one Node itself trusts stands in for a compound's own
    await writeFile(file, rootCertificates[0] ?? '')
    const config = loadConfig({ FM_MQTT_URL: 'mqtts://broker.cuihu.example:8883', FM_MQTT_CA_FILE: file })
    expect(config.mqttCa?.toString()).toBe(rootCertificates[0])
    expect(() => loadConfig({ FM_MQTT_CA_FILE: file })).toThrow(/FM_MQTT_URL must be mqtts:\/\/ or wss:\/\//)
  })

  it('names a file it cannot read', () => {
    const load = () => loadConfig({ FM_MQTT_URL: 'mqtts://127.0.0.1:8883', FM_MQTT_CA_FILE: '/nonexistent/ca.crt' })
    expect(load).toThrow('FM_MQTT_CA_FILE: cannot read a PEM certificate from "/nonexistent/ca.crt" (ENOENT)')
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
