/** The topic ACL and last-will checks, end to end through a real broker and real clients. */
import { deviceTopic } from '@fm/protocol'
import type { PublishPacket } from 'aedes'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { AccessControl } from '../src/hooks.ts'
import { DEFAULT_RATE_LIMITS } from '../src/rate-limit.ts'
import {
  closed,
  connectDevice,
  connectService,
  nextMessage,
  PASSWORDS,
  PUMP,
  refusal,
  startBroker,
  TANK,
} from './fixture.ts'

/** mqtt.js rejects a SUBSCRIBE answered with 0x80 (Failure, §3.9.3), carrying the SUBACK. */
const REFUSED = { packet: { cmd: 'suback', granted: [0x80] } }
const NOT_AUTHORIZED = 5

describe('device publish', () => {
  it('delivers a device telemetry to svc-ingest', async () => {
    const { tcpUrl } = await startBroker()
    const ingest = await connectService(tcpUrl, 'ingest')
    await ingest.subscribeAsync('fm/v1/+/+/+/telemetry', { qos: 1 })
    const received = nextMessage(ingest)
    const tank = await connectDevice(tcpUrl, TANK)
    await tank.publishAsync(deviceTopic(TANK, 'telemetry'), '{"level_pct":72.5}', { qos: 1 })
    expect(await received).toMatchObject({
      topic: 'fm/v1/cuihu/water-tank/tank-1/telemetry',
      payload: '{"level_pct":72.5}',
    })
  })

  it.each([
    ["another device's telemetry", deviceTopic(PUMP, 'telemetry')],
    ['its own cmd topic', deviceTopic(TANK, 'cmd')],
    ['its own id under another kind', deviceTopic({ ...TANK, kind: 'pump' }, 'telemetry')],
    ['a topic outside the grammar', 'fm/v1/cuihu/water-tank/tank-1/telemetry/extra'],
    ['a service topic', 'fm/services/ingest/status'],
    ['$SYS', '$SYS/broker/clients'],
  ])('disconnects a device that publishes on %s, and forwards nothing of it', async (_case, topic) => {
    const { tcpUrl, broker } = await startBroker()
    const ingest = await connectService(tcpUrl, 'ingest')
    await ingest.subscribeAsync(['fm/v1/#', 'fm/services/#'], { qos: 1 })
    const received = nextMessage(ingest)
    const tank = await connectDevice(tcpUrl, TANK)
    const gone = closed(tank)
    tank.publish(topic, '{"running":true}', { qos: 1 })
    await gone
    expect(broker.stats().publishDenials).toBe(1)
    // what ingest receives next is a later, legitimate message: the refused one was never forwarded
    const pump = await connectDevice(tcpUrl, PUMP)
    await pump.publishAsync(deviceTopic(PUMP, 'status'), '{"online":true}', { qos: 1 })
    expect((await received).topic).toBe(deviceTopic(PUMP, 'status'))
  })
})

describe('retained messages', () => {
  it('forwards a retained telemetry but keeps only the retained status [MQTT-3.3.5-2]', async () => {
    const { tcpUrl, broker, logs } = await startBroker()
    const api = await connectService(tcpUrl, 'api')
    await api.subscribeAsync(deviceTopic(TANK, 'telemetry'), { qos: 1 })
    const live = nextMessage(api)
    const tank = await connectDevice(tcpUrl, TANK)
    await tank.publishAsync(deviceTopic(TANK, 'telemetry'), '{"level_pct":72.5}', { qos: 1, retain: true })
    await tank.publishAsync(deviceTopic(TANK, 'status'), '{"online":true}', { qos: 1, retain: true })
    // a firmware that sets retain by mistake is still heard, and stays connected
    expect(await live).toMatchObject({ topic: deviceTopic(TANK, 'telemetry'), payload: '{"level_pct":72.5}' })
    expect(tank.connected).toBe(true)
    expect(broker.stats().publishDenials).toBe(0)

    // One SUBSCRIBE with both filters: aedes replays the retained messages filter by filter, in the order requested,
    // so a retained telemetry would arrive before the status.
    const ingest = await connectService(tcpUrl, 'ingest')
    const replayed = nextMessage(ingest)
    await ingest.subscribeAsync([deviceTopic(TANK, 'telemetry'), deviceTopic(TANK, 'status')], { qos: 1 })
    expect(await replayed).toMatchObject({ topic: deviceTopic(TANK, 'status'), packet: { retain: true } })
    expect(logs.some((line) => line.includes('retain flag cleared: only status is retained'))).toBe(true)
  })
})

describe('device subscribe', () => {
  it('refuses # and foreign cmd topics with 0x80, keeps the connection, and delivers its own cmd', async () => {
    const { tcpUrl, broker } = await startBroker()
    const tank = await connectDevice(tcpUrl, TANK)
    for (const filter of ['#', 'fm/#', 'fm/v1/cuihu/water-tank/+/cmd', deviceTopic(PUMP, 'cmd')]) {
      await expect(tank.subscribeAsync(filter, { qos: 1 })).rejects.toMatchObject(REFUSED)
    }
    expect(tank.connected).toBe(true)
    expect(await tank.subscribeAsync(deviceTopic(TANK, 'cmd'), { qos: 1 })).toEqual([
      { topic: deviceTopic(TANK, 'cmd'), qos: 1 },
    ])
    const command = nextMessage(tank)
    const api = await connectService(tcpUrl, 'api')
    await api.publishAsync(deviceTopic(TANK, 'cmd'), '{"id":"c-1","action":"close_inlet"}', { qos: 1 })
    expect(await command).toMatchObject({
      topic: deviceTopic(TANK, 'cmd'),
      payload: '{"id":"c-1","action":"close_inlet"}',
    })
    expect(broker.stats().subscribeDenials).toBe(4)
  })
})

describe('service roles', () => {
  it('lets svc-api publish commands but disconnects svc-ingest trying to', async () => {
    const { tcpUrl, broker } = await startBroker()
    const ingest = await connectService(tcpUrl, 'ingest')
    const gone = closed(ingest)
    ingest.publish(deviceTopic(TANK, 'cmd'), '{"id":"c-2","action":"stop"}', { qos: 1 })
    await gone
    const api = await connectService(tcpUrl, 'api')
    await api.publishAsync(deviceTopic(TANK, 'cmd'), '{"id":"c-3","action":"stop"}', { qos: 1 })
    expect(api.connected).toBe(true)
    expect(broker.stats().publishDenials).toBe(1)
  })

  it('grants each role its own service tree only', async () => {
    const { tcpUrl } = await startBroker()
    const api = await connectService(tcpUrl, 'api')
    await expect(api.subscribeAsync('$SYS/#')).rejects.toMatchObject(REFUSED)
    await expect(api.subscribeAsync('#')).rejects.toMatchObject(REFUSED)
    expect(await api.subscribeAsync(['fm/v1/#', 'fm/services/+/status'])).toHaveLength(2)
    const status = nextMessage(api)
    const ingest = await connectService(tcpUrl, 'ingest')
    await ingest.publishAsync('fm/services/ingest/status', '{"online":true}', { qos: 1, retain: true })
    expect((await status).topic).toBe('fm/services/ingest/status')
  })
})

describe('last will', () => {
  it('publishes a device will on its own status topic, retained, when its socket dies', async () => {
    const { tcpUrl } = await startBroker()
    const status = deviceTopic(TANK, 'status')
    const api = await connectService(tcpUrl, 'api')
    await api.subscribeAsync(status, { qos: 1 })
    const will = nextMessage(api)
    const tank = await connectDevice(tcpUrl, TANK, {
      will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    })
    tank.stream.destroy()
    expect(await will).toMatchObject({ topic: status, payload: '{"online":false}' })
    // a new subscriber gets it from the retained store, flagged as retained [MQTT-3.3.1-8]
    const ingest = await connectService(tcpUrl, 'ingest')
    const retained = nextMessage(ingest)
    await ingest.subscribeAsync(status, { qos: 1 })
    expect((await retained).packet).toMatchObject({ topic: status, retain: true })
  })

  it.each([
    ["another device's status", deviceTopic(PUMP, 'status')],
    ['its own telemetry', deviceTopic(TANK, 'telemetry')],
    ['a service topic', 'fm/services/api/status'],
  ])('refuses a device whose will is on %s with 5, not authorized', async (_case, topic) => {
    const { tcpUrl, broker } = await startBroker()
    const options = {
      clientId: 'tank-1',
      username: 'tank-1',
      password: PASSWORDS['tank-1'],
      will: { topic, payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true },
    }
    expect(await refusal(tcpUrl, options)).toBe(NOT_AUTHORIZED)
    expect(broker.stats().authFailures).toBe(1)
  })

  it('accepts a service will under its own service tree', async () => {
    const { tcpUrl } = await startBroker()
    const will = { topic: 'fm/services/api/status', payload: Buffer.from('{"online":false}'), qos: 1, retain: true }
    const api = await connectService(tcpUrl, 'api', { will: { ...will, qos: 1 } })
    expect(api.connected).toBe(true)
  })
})

describe('a will published without a client', () => {
  // aedes publishes the wills of a dead broker node's clients with client = null; only the client id is left
  function authorizeWill(access: AccessControl, clientId: string, topic: string): Promise<Error | null | undefined> {
    const will: PublishPacket = { cmd: 'publish', topic, payload: '{"online":false}', qos: 1, retain: true, dup: false }
    const packet = Object.assign(will, { clientId })
    return new Promise((resolve) => access.hooks.authorizePublish(null, packet, resolve))
  }

  it.each([
    ['tank-1', deviceTopic(TANK, 'status'), true],
    ['tank-1', deviceTopic(TANK, 'telemetry'), false],
    ['tank-1', deviceTopic(PUMP, 'status'), false],
    ['tank-9', 'fm/v1/cuihu/water-tank/tank-9/status', false],
    ['svc-api-2', 'fm/services/api/status', true],
    ['svc-api-2', 'fm/services/ingest/status', false],
  ])('of client %s on %s: allowed %s', async (clientId, topic, allowed) => {
    const { store } = await startBroker()
    const logger = pino({ level: 'silent' })
    const access = new AccessControl({
      services: [],
      store,
      logger,
      remoteAddress: () => undefined,
      rateLimits: DEFAULT_RATE_LIMITS,
      logins: { concurrency: 1, maxWaiting: 1 },
    })
    const error = await authorizeWill(access, clientId, topic)
    expect(error ? 'refused' : 'allowed').toBe(allowed ? 'allowed' : 'refused')
  })
})
