/**
 * A real external MQTT client, Debian's mosquitto_pub, publishing as a demo device with its documented credentials.
 */
import { execFile } from 'node:child_process'
import type { DeviceView, Health } from '@fm/protocol'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type Platform, startPlatform } from './platform.ts'

let platform: Platform

beforeAll(async () => {
  // No simulators: the only client speaking for tank-1 is mosquitto_pub.
  platform = await startPlatform({ simulators: false })
})

afterAll(async () => {
  await platform?.stop()
})

interface PublishResult {
  code: number
  stderr: string
}

function mosquittoPub(options: {
  user: string
  password: string
  topic: string
  message: string
}): Promise<PublishResult> {
  const args = ['-h', '127.0.0.1', '-p', String(platform.mqttPort), '-V', 'mqttv311', '-q', '1']
  args.push('-i', options.user, '-u', options.user, '-P', options.password, '-t', options.topic, '-m', options.message)
  return new Promise((resolve) => {
    execFile('mosquitto_pub', args, { timeout: 10_000 }, (error, _stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stderr })
    })
  })
}

async function device(id: string): Promise<DeviceView> {
  const response = await fetch(`${platform.apiUrl}/api/devices/${id}`, { headers: { cookie: platform.operatorCookie } })
  return (await response.json()) as DeviceView
}

async function health(): Promise<Health> {
  const response = await fetch(`${platform.apiUrl}/api/health`, { headers: { cookie: platform.operatorCookie } })
  return (await response.json()) as Health
}

const TANK_1 = { user: 'tank-1', password: 'demo-tank-1-secret', topic: 'fm/v1/cuihu/water-tank/tank-1/telemetry' }

describe('mosquitto_pub as a demo device', () => {
  it('gets a reading published with the documented credentials into the API', async () => {
    const result = await mosquittoPub({ ...TANK_1, message: '{"level_pct":42.5,"inlet_valve":"closed"}' })
    expect(result).toEqual({ code: 0, stderr: '' })
    await vi.waitFor(async () => expect((await device('tank-1')).values.level_pct).toBe(42.5), { timeout: 10_000 })
  })

  it('is refused with a wrong password, and nothing it sent arrives', async () => {
    const result = await mosquittoPub({ ...TANK_1, password: 'not-the-password', message: '{"level_pct":11.5}' })
    expect(result.code).not.toBe(0)
    expect(result.stderr.toLowerCase()).toMatch(/not authori[sz]ed|bad user name or password/)
    expect(platform.broker.stats().authFailures).toBeGreaterThan(0)
  })

  it("cannot publish to another device's topic", async () => {
    const result = await mosquittoPub({
      ...TANK_1,
      topic: 'fm/v1/cuihu/water-tank/tank-2/telemetry',
      message: '{"level_pct":3}',
    })
    expect(result.code).not.toBe(0)
    expect(platform.broker.stats().publishDenials).toBeGreaterThan(0)
  })

  it('counts a malformed payload as rejected while good readings keep flowing', async () => {
    const before = (await health()).ingest?.rejected ?? 0
    const bad = await mosquittoPub({ ...TANK_1, message: '{"level_pct": forty-two' })
    expect(bad.code).toBe(0)
    await vi.waitFor(async () => expect((await health()).ingest?.rejected).toBe(before + 1), { timeout: 10_000 })
    const good = await mosquittoPub({ ...TANK_1, message: '{"level_pct":43.5}' })
    expect(good.code).toBe(0)
    await vi.waitFor(async () => expect((await device('tank-1')).values.level_pct).toBe(43.5), { timeout: 10_000 })
  })

  it('never stored what the refused clients sent', async () => {
    const tank1 = await device('tank-1')
    expect(tank1.values.level_pct).toBe(43.5)
    const tank2 = await device('tank-2')
    expect(tank2.values).toEqual({})
    const history = (await (
      await fetch(`${platform.apiUrl}/api/devices/tank-1/history?from=${Date.now() - 600_000}&fields=level_pct`, {
        headers: { cookie: platform.operatorCookie },
      })
    ).json()) as { series: { points: { min: number; max: number }[] }[] }
    const points = history.series[0]?.points ?? []
    expect(points.length).toBeGreaterThan(0)
    expect(Math.min(...points.map((point) => point.min))).toBe(42.5)
  })
})
