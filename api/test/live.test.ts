import { type DeviceDelta, FIRE_POINT_STATES } from '@fm/protocol'
import type { MqttClient } from 'mqtt'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MAX_HELD_EVENTS, MAX_QUEUED_FRAMES } from '../src/live-feed.ts'
import {
  type Api,
  clientState,
  closeAll,
  compound,
  connectClient,
  connectRecorder,
  deviceTopic,
  listen,
  liveFields,
  type Recorder,
  scrape,
  stallingProxy,
  startApi,
} from './fixtures.ts'

afterEach(closeAll)

const OFFLINE = JSON.stringify({ online: false })
const ONLINE = JSON.stringify({ online: true })

function deltasFor(recorder: Recorder, deviceId: string): DeviceDelta[] {
  return recorder.received
    .filter((entry) => entry.event === 'deltas')
    .flatMap((entry) => entry.data as DeviceDelta[])
    .filter((delta) => delta.id === deviceId)
}

const hasDelta = (id: string, matches: (delta: DeviceDelta) => boolean) => (deltas: DeviceDelta[]) =>
  deltas.some((delta) => delta.id === id && matches(delta))

describe('live over socket.io', () => {
  it('sends a snapshot first, then deltas after a device publishes telemetry', async () => {
    const api = await startApi()
    const recorder = await connectRecorder(api)
    const snapshot = await recorder.next('snapshot')
    const tank = await connectClient(api.brokerUrl)

    await tank.publishAsync(deviceTopic('water-tank', 'tank-1', 'telemetry'), JSON.stringify({ level_pct: 72.5 }))
    const deltas = await recorder.next(
      'deltas',
      hasDelta('tank-1', (delta) => delta.values?.level_pct === 72.5),
    )

    expect(recorder.received[0]?.event).toBe('snapshot')
    expect(snapshot.devices.map((device) => device.id).sort()).toEqual(['gate-east', 'pump-1', 'tank-1'])
    expect(deltas.find((delta) => delta.id === 'tank-1')).toMatchObject({
      values: { level_pct: 72.5 },
      valuesTs: expect.any(Number),
      lastSeen: expect.any(Number),
    })
  })

  it('gives a socket that connects later the current state in its snapshot', async () => {
    const api = await startApi()
    const pump = await connectClient(api.brokerUrl)
    await pump.publishAsync(deviceTopic('pump', 'pump-1', 'status'), ONLINE, { qos: 1, retain: true })
    await pump.publishAsync(deviceTopic('pump', 'pump-1', 'telemetry'), JSON.stringify({ current_a: 18.2 }))
    await expect.poll(() => api.live.device('pump-1')?.values.current_a).toBe(18.2)

    const recorder = await connectRecorder(api)
    const snapshot = await recorder.next('snapshot')

    expect(snapshot.devices.find((device) => device.id === 'pump-1')).toMatchObject({
      online: true,
      values: { current_a: 18.2 },
    })
  })

  it('coalesces 50 rapid readings into a few deltas per device, the last value winning', async () => {
    const api = await startApi()
    const recorder = await connectRecorder(api)
    await recorder.next('snapshot')
    const pump = await connectClient(api.brokerUrl)
    const topic = deviceTopic('pump', 'pump-1', 'telemetry')
    // in the past: a ts ahead of the receive time would rank at the receive time
    const start = Date.now() - 1000

    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        pump.publishAsync(topic, JSON.stringify({ ts: start + i, outlet_pressure_mpa: i / 100, running: true })),
      ),
    )
    await recorder.next(
      'deltas',
      hasDelta('pump-1', (delta) => delta.values?.outlet_pressure_mpa === 0.49),
    )

    const pumpDeltas = deltasFor(recorder, 'pump-1')
    expect(pumpDeltas.length).toBeLessThanOrEqual(5)
    expect(pumpDeltas.at(-1)).toMatchObject({ values: { outlet_pressure_mpa: 0.49 }, valuesTs: start + 49 })
    for (const entry of recorder.received.filter((candidate) => candidate.event === 'deltas')) {
      const ids = (entry.data as DeviceDelta[]).map((delta) => delta.id)
      expect(new Set(ids).size, 'one delta per device per flush').toBe(ids.length)
    }
    expect(api.live.device('pump-1')?.values.outlet_pressure_mpa).toBe(0.49)
  })

  it('sends only the fields whose value changed', async () => {
    const api = await startApi()
    const recorder = await connectRecorder(api)
    await recorder.next('snapshot')
    const tank = await connectClient(api.brokerUrl)
    const topic = deviceTopic('water-tank', 'tank-1', 'telemetry')

    await tank.publishAsync(topic, JSON.stringify({ level_pct: 50, overflow: false }))
    await recorder.next(
      'deltas',
      hasDelta('tank-1', (delta) => delta.values?.level_pct === 50),
    )
    await tank.publishAsync(topic, JSON.stringify({ level_pct: 51, overflow: false }))
    const deltas = await recorder.next(
      'deltas',
      hasDelta('tank-1', (delta) => delta.values?.level_pct === 51),
    )

    expect(deltas.find((delta) => delta.id === 'tank-1')?.values).toEqual({ level_pct: 51 })
  })

  it('propagates a device going offline through its last will', async () => {
    const api = await startApi()
    const recorder = await connectRecorder(api)
    await recorder.next('snapshot')
    const statusTopic = deviceTopic('gate', 'gate-east', 'status')
    const gate = await connectClient(api.brokerUrl, {
      will: { topic: statusTopic, payload: Buffer.from(OFFLINE), qos: 1, retain: true },
    })
    await gate.publishAsync(statusTopic, ONLINE, { qos: 1, retain: true })
    await recorder.next(
      'deltas',
      hasDelta('gate-east', (delta) => delta.online === true),
    )

    // The connection dies without a DISCONNECT, as when the gatehouse loses power: the broker sends the will.
    gate.stream.destroy()
    await recorder.next(
      'deltas',
      hasDelta('gate-east', (delta) => delta.online === false),
    )

    expect(api.live.device('gate-east')?.online).toBe(false)
    const view = (await api.inject('/api/devices/gate-east')).json<{ online: boolean }>()
    expect(view.online).toBe(false)
  })

  it('forwards device events in an events batch', async () => {
    const api = await startApi()
    const recorder = await connectRecorder(api)
    await recorder.next('snapshot')
    const gate = await connectClient(api.brokerUrl)
    const plate = { type: 'plate', plate: '鄂A12345', plate_color: 'blue', confidence_pct: 98.5, direction: 'in' }

    await gate.publishAsync(deviceTopic('gate', 'gate-east', 'event'), JSON.stringify(plate), { qos: 1 })
    const events = await recorder.next('events')

    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      deviceId: 'gate-east',
      kind: 'gate',
      event: { ...plate, ts: expect.any(Number) },
    })
  })

  it('skips invalid messages and messages from unregistered devices', async () => {
    const api = await startApi()
    const recorder = await connectRecorder(api)
    await recorder.next('snapshot')
    const client = await connectClient(api.brokerUrl)

    await client.publishAsync(deviceTopic('water-tank', 'tank-1', 'telemetry'), '{"level_pct": 500}')
    await client.publishAsync(deviceTopic('water-tank', 'tank-9', 'telemetry'), '{"level_pct": 40}')
    await client.publishAsync(deviceTopic('water-tank', 'tank-1', 'telemetry'), 'not json')
    await client.publishAsync(deviceTopic('water-tank', 'tank-1', 'telemetry'), '{"level_pct": 41}')
    // Messages from one publisher arrive in order: once the last one shows, the others have been handled.
    await recorder.next(
      'deltas',
      hasDelta('tank-1', (delta) => delta.values?.level_pct === 41),
    )

    expect(deltasFor(recorder, 'tank-1').map((delta) => delta.values?.level_pct)).toEqual([41])
    expect(deltasFor(recorder, 'tank-9')).toEqual([])
    expect(api.live.device('tank-9')).toBeUndefined()
  })

  it('drops open sockets when the app closes, so that shutdown does not hang and browsers reconnect', async () => {
    const api = await startApi()
    const recorder = await connectRecorder(api)
    await recorder.next('snapshot')
    const disconnected = new Promise<string>((resolve) => recorder.socket.once('disconnect', resolve))

    await api.app.close()

    // Not 'io server disconnect', which would tell the browser to stay away: it reconnects to the next instance.
    expect(await disconnected).toBe('transport close')
  })

  it('shows devices provisioned while it runs from their first messages, however many arrive at once', async () => {
    const api = await startApi({ registryReloadMinIntervalMs: 60_000 })
    const manifest = compound()
    manifest.devices.push({ id: 'tank-2', kind: 'water-tank', name: '消防水箱', password: 'tank-2-password-x' })
    manifest.devices.push({ id: 'tank-3', kind: 'water-tank', name: '3#水箱', password: 'tank-3-password-x' })
    await api.store.provisionSite(manifest)
    const client = await connectClient(api.brokerUrl)
    const tankLevel = (id: string) => api.live.devices().find((device) => device.id === id)?.values.level_pct

    await client.publishAsync(deviceTopic('water-tank', 'tank-2', 'telemetry'), '{"level_pct": 88}')
    await client.publishAsync(deviceTopic('water-tank', 'tank-3', 'telemetry'), '{"level_pct": 77}')
    await client.publishAsync(deviceTopic('water-tank', 'tank-9', 'telemetry'), '{"level_pct": 11}')

    await expect.poll(() => tankLevel('tank-3')).toBe(77)
    expect(tankLevel('tank-2')).toBe(88)
    expect(api.live.devices().map((device) => device.id)).not.toContain('tank-9')
  })

  it('keeps a device whose clock is 10 minutes slow online while connected, and seen on the server clock', async () => {
    const api = await startApi()
    const statusTopic = deviceTopic('gate', 'gate-east', 'status')
    const will = { topic: statusTopic, payload: Buffer.from(OFFLINE), qos: 1 as const, retain: true }
    const online = () => JSON.stringify({ online: true, ts: Date.now() - 10 * 60_000 })
    const before = Date.now()

    const first = await connectClient(api.brokerUrl, { will })
    await first.publishAsync(statusTopic, online(), { qos: 1, retain: true })
    await expect.poll(() => api.live.device('gate-east')?.online).toBe(true)
    expect(api.live.device('gate-east')?.lastSeen).toBeGreaterThanOrEqual(before)

    first.stream.destroy()
    await expect.poll(() => api.live.device('gate-east')?.online).toBe(false)
    const second = await connectClient(api.brokerUrl, { will })
    await second.publishAsync(statusTopic, online(), { qos: 1, retain: true })
    await expect.poll(() => api.live.device('gate-east')?.online).toBe(true)
  })

  it('learns a device provisioned after start from its first message and sends everyone a new snapshot', async () => {
    const api = await startApi({ registryReloadMinIntervalMs: 0 })
    const recorder = await connectRecorder(api)
    await recorder.next('snapshot')
    const manifest = compound()
    manifest.devices.push({ id: 'tank-2', kind: 'water-tank', name: '消防水箱', password: 'tank-2-password-x' })
    await api.store.provisionSite(manifest)
    const tank = await connectClient(api.brokerUrl)

    await tank.publishAsync(deviceTopic('water-tank', 'tank-2', 'telemetry'), JSON.stringify({ level_pct: 88 }))
    const snapshot = await recorder.next('snapshot', (data) => data.devices.some((device) => device.id === 'tank-2'))

    expect(snapshot.devices.find((device) => device.id === 'tank-2')).toMatchObject({ values: { level_pct: 88 } })
    expect(api.live.devices()).toHaveLength(4)
  })
})

describe('live over socket.io, to a socket that stops reading', () => {
  const PANEL_EVENTS = deviceTopic('fire-alarm-panel', 'fap-1', 'event')
  /** Events per burst: as many as one flush carries (MAX_PENDING_EVENTS in live.ts). */
  const BURST = 1_000
  /** Frames engine.io may hold for a stalled socket: the last flush's two beyond the limit, and a heartbeat. */
  const QUEUED_FRAMES_BOUND = MAX_QUEUED_FRAMES + 2

  /** The largest event there is, about 650 bytes: a fire point with a 64-character zone and description. */
  function firePoint(loop: number, point: number): string {
    const states = FIRE_POINT_STATES.filter((state) => state !== 'normal')
    return JSON.stringify({ type: 'point', loop, point, zone: '幸'.repeat(64), description: '福'.repeat(64), states })
  }

  /** The compound plus a fire alarm panel, learnt by the api from its first event; both sockets see it. */
  async function withPanel(api: Api, recorders: Recorder[]): Promise<MqttClient> {
    const manifest = compound()
    manifest.devices.push({ id: 'fap-1', kind: 'fire-alarm-panel', name: '消防报警主机', password: 'fap-1-password-x' })
    await api.store.provisionSite(manifest)
    const panel = await connectClient(api.brokerUrl)
    await panel.publishAsync(PANEL_EVENTS, firePoint(0, 0))
    for (const recorder of recorders) {
      await recorder.next('snapshot', (snapshot) => snapshot.devices.some((device) => device.id === 'fap-1'))
    }
    return panel
  }

  /** One flush's worth of events; resolves once the healthy socket has the last one, so the api sent them all. */
  async function burst(panel: MqttClient, healthy: Recorder, loop: number): Promise<void> {
    await Promise.all(
      Array.from({ length: BURST }, (_, point) => panel.publishAsync(PANEL_EVENTS, firePoint(loop, point))),
    )
    await lastOfBurst(healthy, loop)
  }

  function lastOfBurst(recorder: Recorder, loop: number) {
    return recorder.next('events', (events) =>
      events.some(({ event }) => event.type === 'point' && event.loop === loop && event.point === BURST - 1),
    )
  }

  /**
   * Bursts of events until `until` holds: a few megabytes fill the kernel buffers between the api and a client that
   * does not read (about 4 MB on Linux loopback), after which the api can write to it no more.
   */
  async function fillUntil(
    api: Api,
    panel: MqttClient,
    healthy: Recorder,
    until: (samples: Map<string, number>) => boolean,
  ) {
    let loop = 0
    for (let samples = await scrape(api); !until(samples); samples = await scrape(api)) {
      // a server that kept queueing for the stalled socket would grow here, burst after burst
      expect(samples.get('fm_api_live_queued_frames')).toBeLessThanOrEqual(QUEUED_FRAMES_BOUND)
      loop += 1
      expect(loop, 'bursts sent without the api noticing the stalled socket').toBeLessThan(200)
      await burst(panel, healthy, loop)
    }
    return loop
  }

  function expectedState(api: Api) {
    return new Map(api.live.devices().map((device) => [device.id, liveFields(device)]))
  }

  it('holds one delta per device and a bounded number of events for a stalled socket while the other gets its deltas, and brings it to the same state once it reads again', {
    timeout: 90_000,
  }, async () => {
    const api = await startApi({ registryReloadMinIntervalMs: 0 })
    const healthy = await connectRecorder(api)
    const proxy = await stallingProxy(await listen(api))
    const slow = await connectRecorder(api, proxy.url)
    const panel = await withPanel(api, [healthy, slow])
    const tank = await connectClient(api.brokerUrl)
    const pump = await connectClient(api.brokerUrl)

    proxy.pause()
    let loop = await fillUntil(api, panel, healthy, (samples) => samples.get('fm_api_live_lagging_clients') === 1)

    for (let level = 1; level <= 12; level += 1) {
      await tank.publishAsync(deviceTopic('water-tank', 'tank-1', 'telemetry'), JSON.stringify({ level_pct: level }))
      if (level % 4 === 0) {
        await pump.publishAsync(deviceTopic('pump', 'pump-1', 'status'), JSON.stringify({ online: level !== 8 }), {
          qos: 1,
          retain: true,
        })
        loop += 1
        await burst(panel, healthy, loop)
      }
      await healthy.next(
        'deltas',
        hasDelta('tank-1', (delta) => delta.values?.level_pct === level),
      )

      const samples = await scrape(api)
      expect(samples.get('fm_api_live_clients')).toBe(2)
      expect(samples.get('fm_api_live_lagging_clients')).toBe(1)
      expect(samples.get('fm_api_live_queued_frames')).toBeLessThanOrEqual(QUEUED_FRAMES_BOUND)
      expect(samples.get('fm_api_live_held_deltas')).toBeLessThanOrEqual(api.live.devices().length)
      expect(samples.get('fm_api_live_held_events')).toBeLessThanOrEqual(MAX_HELD_EVENTS)
    }
    const stalled = await scrape(api)
    expect(stalled.get('fm_api_live_dropped_events_total{reason="lagging"}')).toBeGreaterThan(0)
    expect(stalled.get('fm_api_live_dropped_events_total{reason="flood"}')).toBe(0)
    expect(stalled.get('fm_api_live_stuck_disconnects_total')).toBe(0)

    proxy.resume()
    await lastOfBurst(slow, loop)
    await vi.waitFor(
      () => {
        const expected = expectedState(api)
        expect(clientState(slow)).toEqual(expected)
        expect(clientState(healthy)).toEqual(expected)
      },
      { timeout: 30_000 },
    )
    expect(clientState(slow).get('tank-1')?.values.level_pct).toBe(12)
    expect(clientState(slow).get('pump-1')?.online).toBe(true)
    const caughtUp = await scrape(api)
    expect(caughtUp.get('fm_api_live_lagging_clients')).toBe(0)
    expect(caughtUp.get('fm_api_live_held_deltas')).toBe(0)
    expect(slow.received.filter((entry) => entry.event === 'snapshot')).toHaveLength(2)
  })

  it('closes a socket that takes nothing for longer than the stuck timeout; it reconnects to a fresh snapshot', {
    timeout: 90_000,
  }, async () => {
    const api = await startApi({ registryReloadMinIntervalMs: 0, stuckTimeoutMs: 1 })
    const healthy = await connectRecorder(api)
    const proxy = await stallingProxy(await listen(api))
    const slow = await connectRecorder(api, proxy.url)
    const panel = await withPanel(api, [healthy, slow])
    const tank = await connectClient(api.brokerUrl)

    proxy.pause()
    await fillUntil(api, panel, healthy, (samples) => samples.get('fm_api_live_stuck_disconnects_total') === 1)
    const closed = await scrape(api)
    expect(closed.get('fm_api_live_clients')).toBe(1)
    expect(closed.get('fm_api_live_lagging_clients')).toBe(0)
    await tank.publishAsync(deviceTopic('water-tank', 'tank-1', 'telemetry'), JSON.stringify({ level_pct: 99 }))
    await healthy.next(
      'deltas',
      hasDelta('tank-1', (delta) => delta.values?.level_pct === 99),
    )

    proxy.resume()
    await slow.next('snapshot', (snapshot) =>
      snapshot.devices.some((device) => device.id === 'tank-1' && device.values.level_pct === 99),
    )
    await vi.waitFor(() => expect(clientState(slow)).toEqual(expectedState(api)))
    expect(clientState(healthy)).toEqual(expectedState(api))
    expect((await scrape(api)).get('fm_api_live_clients')).toBe(2)
  })
})
