/**
 * The whole pipeline, end to end: simulated devices of every kind → broker (per-device credentials) → ingest →
 * store and time series → api REST and socket.io.
 */
import { DEVICE_KINDS, type DeviceDelta, type DeviceView, type LiveSnapshot } from '@fm/protocol'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type Platform, startPlatform } from './platform.ts'

let platform: Platform

beforeAll(async () => {
  platform = await startPlatform({ intervalMs: 500 })
})

afterAll(async () => {
  await platform?.stop()
})

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${platform.apiUrl}${path}`, { headers: { cookie: platform.operatorCookie } })
  expect(response.status, path).toBe(200)
  return (await response.json()) as T
}

function oneDevicePerKind(): Map<string, string> {
  const byKind = new Map<string, string>()
  for (const device of platform.manifest.devices) if (!byKind.has(device.kind)) byKind.set(device.kind, device.id)
  return byKind
}

describe('the demo compound, end to end', () => {
  it('simulates at least 40 devices covering every device kind', () => {
    expect(platform.manifest.devices.length).toBeGreaterThanOrEqual(40)
    expect(new Set(platform.manifest.devices.map((device) => device.kind))).toEqual(new Set(DEVICE_KINDS))
  })

  it('gets every device online with values into the store', async () => {
    await vi.waitFor(
      () => {
        const views = platform.store.listDeviceViews()
        const missing = views.filter((view) => !view.online || view.valuesTs === null).map((view) => view.id)
        expect(missing).toEqual([])
        expect(views).toHaveLength(platform.manifest.devices.length)
      },
      { timeout: 30_000, interval: 250 },
    )
  })

  it('writes the time series of every kind', async () => {
    const { openTimeSeries, dataFiles } = await import('@fm/store')
    const series = openTimeSeries({ file: dataFiles(platform.dataDir).timeseries, readOnly: true })
    try {
      for (const [kind, deviceId] of oneDevicePerKind()) {
        await vi.waitFor(
          async () => {
            const history = await series.history({
              deviceId,
              kind: kind as DeviceView['kind'],
              from: Date.now() - 60_000,
              to: Date.now() + 1000,
            })
            const points = history.series.reduce((sum, s) => sum + s.points.length, 0)
            expect(points, `${kind} ${deviceId}`).toBeGreaterThan(0)
          },
          { timeout: 15_000, interval: 250 },
        )
      }
    } finally {
      await series.close()
    }
  })

  it('serves every device online with its latest values over REST, and its history', async () => {
    const devices = await getJson<DeviceView[]>('/api/devices')
    expect(devices).toHaveLength(platform.manifest.devices.length)
    for (const device of devices) {
      expect(device.online, device.id).toBe(true)
      expect(Object.keys(device.values).length, device.id).toBeGreaterThan(0)
    }
    const tank = await getJson<DeviceView>('/api/devices/tank-1')
    expect(tank.values.level_pct).toEqual(expect.any(Number))
    const history = await getJson<{ series: { field: string; points: unknown[] }[] }>(
      `/api/devices/tank-1/history?from=${Date.now() - 120_000}&to=${Date.now()}&fields=level_pct`,
    )
    expect(history.series[0]?.field).toBe('level_pct')
    expect(history.series[0]?.points.length).toBeGreaterThan(0)
    const health = await getJson<{ status: string; devices: { total: number; online: number } }>('/api/health')
    expect(health.status).toBe('ok')
    expect(health.devices.online).toBe(health.devices.total)
  })

  it('streams a snapshot, then live deltas of every kind over socket.io', async () => {
    const socket: Socket = io(platform.apiUrl, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: platform.operatorCookie },
    })
    try {
      const snapshot = await new Promise<LiveSnapshot>((resolve, reject) => {
        socket.once('snapshot', resolve)
        socket.once('connect_error', reject)
      })
      expect(snapshot.devices).toHaveLength(platform.manifest.devices.length)
      const kindOf = new Map(snapshot.devices.map((device) => [device.id, device.kind]))
      const kindsSeen = new Set<string>()
      let valuesSeen = 0
      await new Promise<void>((resolve) => {
        socket.on('deltas', (deltas: DeviceDelta[]) => {
          valuesSeen += deltas.filter((delta) => delta.values && Object.keys(delta.values).length > 0).length
          // A delta carries only the values that changed, but every fresh reading moves valuesTs: a quiet fire
          // panel counts too.
          for (const delta of deltas) if (delta.valuesTs !== undefined) kindsSeen.add(kindOf.get(delta.id) ?? '')
          if (DEVICE_KINDS.every((kind) => kindsSeen.has(kind))) resolve()
        })
      })
      expect([...kindsSeen].sort()).toEqual([...DEVICE_KINDS].sort())
      expect(valuesSeen).toBeGreaterThan(0)
    } finally {
      socket.close()
    }
  })

  it('shows an injected fault through the whole pipeline', async () => {
    platform.compound?.injectFault('env-pump-room-dw', 'flood')
    await vi.waitFor(
      async () => {
        const room = await getJson<DeviceView>('/api/devices/env-pump-room-dw')
        expect(room.values.flood).toBe(true)
      },
      { timeout: 10_000, interval: 200 },
    )
    platform.compound?.clearFault('env-pump-room-dw')
  })

  it('marks a device offline through its last will when its connection drops', async () => {
    platform.compound?.injectFault('gate-south-out', 'offline')
    await vi.waitFor(
      async () => {
        const gate = await getJson<DeviceView>('/api/devices/gate-south-out')
        expect(gate.online).toBe(false)
      },
      { timeout: 10_000, interval: 200 },
    )
  })
})
