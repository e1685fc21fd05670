import net, { type AddressInfo } from 'node:net'
import { type DeviceMessage, decodeMessage, type SiteManifest } from '@fm/protocol'
import { Aedes } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningCompound, startCompound } from '../src/compound.ts'
import { loadDemo } from './simulate.ts'

const logger = pino({ level: 'silent' })
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

let manifest: SiteManifest
beforeAll(async () => {
  manifest = await loadDemo()
})

interface Broker {
  readonly url: string
  readonly port: number
  /** Credentials each client connected with, by client id. */
  readonly logins: Map<string, { username: string | undefined; password: string | undefined }>
}

async function startBroker(port = 0): Promise<Broker> {
  const logins: Broker['logins'] = new Map()
  const aedes = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      logins.set(client.id, { username, password: password?.toString('utf8') })
      done(null, true)
    },
  })
  const server = net.createServer(aedes.handle)
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  cleanups.push(async () => {
    // stop accepting first: the devices' reconnect attempts must not slip in while the broker shuts down
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await new Promise<void>((resolve) => aedes.close(() => resolve()))
    await closed
  })
  const bound = (server.address() as AddressInfo).port
  return { url: `mqtt://127.0.0.1:${bound}`, port: bound, logins }
}

async function runCompound(url: string): Promise<RunningCompound> {
  const compound = await startCompound({ mqttUrl: url, manifest, seed: 1, intervalMs: 200, logger })
  cleanups.push(() => compound.stop())
  return compound
}

interface Received {
  readonly topic: string
  readonly text: string
  readonly retain: boolean
  readonly message: DeviceMessage | undefined
}

/** A subscriber that records every message and lets a test wait for one, without sleeping. */
async function watch(url: string, filter: string) {
  const client: MqttClient = await connectAsync(url, { clientId: `watcher-${Math.random().toString(16).slice(2)}` })
  cleanups.push(async () => {
    await client.endAsync()
  })
  const received: Received[] = []
  const waiters: { predicate: (m: Received) => boolean; resolve: (m: Received) => void }[] = []
  client.on('message', (topic, payload, packet) => {
    const text = payload.toString('utf8')
    const decoded = decodeMessage(topic, payload, Date.now())
    const entry = { topic, text, retain: packet.retain, message: decoded.ok ? decoded.message : undefined }
    received.push(entry)
    for (const waiter of waiters.filter((w) => w.predicate(entry))) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(entry)
    }
  })
  await client.subscribeAsync(filter, { qos: 1 })
  const next = (predicate: (m: Received) => boolean): Promise<Received> => {
    const found = received.find(predicate)
    return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ predicate, resolve }))
  }
  return { client, received, next }
}

const statusOf = (m: Received) => (m.message?.channel === 'status' ? m.message.status : undefined)

describe('startCompound against a real broker', () => {
  it('publishes decodable telemetry for every kind, each device with its own credentials', async () => {
    const broker = await startBroker()
    const watcher = await watch(broker.url, 'fm/v1/cuihu/+/+/telemetry')
    const compound = await runCompound(broker.url)
    const kinds = new Set(manifest.devices.map((device) => device.kind))
    const seen = new Set<string>()
    await watcher.next((m) => {
      if (m.message?.channel === 'telemetry') seen.add(m.message.reading.kind)
      return seen.size === kinds.size
    })
    expect(watcher.received.filter((m) => m.message === undefined).map((m) => m.topic)).toEqual([])
    expect(compound.devices()).toHaveLength(manifest.devices.length)
    expect(compound.published()).toBeGreaterThan(0)
    for (const device of manifest.devices)
      expect(broker.logins.get(device.id)).toEqual({ username: device.id, password: device.password })
  })

  it('leaves a retained online status for every device, and a retained offline one after stop', async () => {
    const broker = await startBroker()
    const compound = await runCompound(broker.url)
    const online = await watch(broker.url, 'fm/v1/cuihu/+/+/status')
    const all = await online.next(() => online.received.length === manifest.devices.length)
    expect(all.retain).toBe(true)
    for (const m of online.received) expect(statusOf(m)).toMatchObject({ online: true, reportIntervalSec: 1 })
    await compound.stop()
    const after = await watch(broker.url, 'fm/v1/cuihu/+/+/status')
    await after.next(() => after.received.length === manifest.devices.length)
    for (const m of after.received) expect(statusOf(m)?.online).toBe(false)
  })

  it('offline: the broker publishes the last will, and clear brings the device back', async () => {
    const broker = await startBroker()
    const compound = await runCompound(broker.url)
    const watcher = await watch(broker.url, 'fm/v1/cuihu/gate/gate-north-in/status')
    await watcher.next((m) => statusOf(m)?.online === true)
    compound.injectFault('gate-north-in', 'offline')
    const will = await watcher.next((m) => statusOf(m)?.online === false)
    // the will carries no timestamp: it was registered at connect time, the broker sends it as it is
    expect(JSON.parse(will.text)).toEqual({ online: false })
    compound.clearFault('gate-north-in')
    await watcher.next(
      (m) => m !== will && watcher.received.indexOf(m) > watcher.received.indexOf(will) && statusOf(m)?.online === true,
    )
  })

  it('answers a gate command on its ack topic and raises the barrier; other kinds refuse', async () => {
    const broker = await startBroker()
    await runCompound(broker.url)
    const watcher = await watch(broker.url, 'fm/v1/cuihu/+/+/+')
    await watcher.client.publishAsync(
      'fm/v1/cuihu/gate/gate-south-in/cmd',
      JSON.stringify({ id: 'tx-1', action: 'open_barrier' }),
      { qos: 1 },
    )
    const ack = await watcher.next((m) => m.message?.channel === 'ack' && m.message.ack.id === 'tx-1')
    expect(ack.message).toMatchObject({ channel: 'ack', ack: { deviceId: 'gate-south-in', status: 'ok' } })
    await watcher.next(
      (m) =>
        m.message?.channel === 'telemetry' &&
        m.message.reading.kind === 'gate' &&
        m.message.reading.deviceId === 'gate-south-in' &&
        m.message.reading.values.barrier === 'up',
    )
    await watcher.client.publishAsync(
      'fm/v1/cuihu/water-tank/tank-1/cmd',
      JSON.stringify({ id: 'tx-2', action: 'open_barrier' }),
      { qos: 1 },
    )
    const refused = await watcher.next((m) => m.message?.channel === 'ack' && m.message.ack.id === 'tx-2')
    expect(refused.message).toMatchObject({ ack: { status: 'error', error: 'unsupported action' } })
  })

  it('reports a change of state at once, between periodic reports: a fire reaches the broker within a tick', async () => {
    const broker = await startBroker()
    // every device on the demo's own cadence: the fire panel reports every 30 s
    const compound = await startCompound({ mqttUrl: broker.url, manifest, seed: 1, logger })
    cleanups.push(() => compound.stop())
    const watcher = await watch(broker.url, 'fm/v1/cuihu/fire-alarm-panel/+/telemetry')
    const injectedAt = Date.now()
    compound.injectFault('fap-1', 'fire')

    const fire = await watcher.next(
      (m) =>
        m.message?.channel === 'telemetry' &&
        m.message.reading.kind === 'fire-alarm-panel' &&
        (m.message.reading.values.fire_points ?? 0) > 0,
    )

    const reading = fire.message?.channel === 'telemetry' ? fire.message.reading : undefined
    // the periodic report would come 30 s after the start; the change of state is sent at the next 1-s tick
    expect(reading?.ts).toBeLessThan(injectedAt + 5_000)
  })

  it('silent: the device stays connected but publishes nothing while the others go on', async () => {
    const broker = await startBroker()
    const compound = await runCompound(broker.url)
    const watcher = await watch(broker.url, 'fm/v1/cuihu/water-tank/+/+')
    await watcher.next((m) => m.topic.endsWith('tank-2/telemetry'))
    const injectedAt = Date.now()
    compound.injectFault('tank-2', 'silent')
    const mark = watcher.received.length
    const after = () => watcher.received.slice(mark)
    await watcher.next(() => after().filter((m) => m.topic.endsWith('tank-1/telemetry')).length >= 5)
    // a reading taken before the fault may still be on its way; nothing taken after it may arrive
    const fromTank2 = after().filter(
      (m) => m.message?.channel === 'telemetry' && m.message.reading.deviceId === 'tank-2',
    )
    expect(fromTank2.filter((m) => m.message?.channel === 'telemetry' && m.message.reading.ts >= injectedAt)).toEqual(
      [],
    )
  })

  it('keeps retrying when the broker is not up yet, and connects once it is', async () => {
    const probe = net.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const compound = await runCompound(`mqtt://127.0.0.1:${port}`)
    expect(compound.published()).toBe(0)
    const broker = await startBroker(port)
    const watcher = await watch(broker.url, 'fm/v1/cuihu/pump/pump-low-1/status')
    await watcher.next((m) => statusOf(m)?.online === true)
    await compound.stop()
  })
})
