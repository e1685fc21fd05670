/**
 * The broker protects itself and its well-behaved clients: rate limits per device, slow subscribers cut loose,
 * logins admitted at the pace the password checks allow, a connection limit, and a retained status that says so.
 * Real broker, real sockets, real mqtt.js clients.
 */
import { connect as connectTcp, type Socket } from 'node:net'
import { BROKER_STATUS_TOPIC } from '@fm/broker'
import { BrokerStatus, deviceTopic } from '@fm/protocol'
import { Compile } from 'typebox/compile'
import { describe, expect, it, vi } from 'vitest'
import { closed, connectDevice, connectService, PUMP, refusal, startBroker, TANK } from './fixture.ts'

const WAIT = { timeout: 15_000, interval: 20 }
const BrokerStatusCheck = Compile(BrokerStatus)

describe('rate limits', () => {
  it('slows a device over its burst down without losing or reordering anything', async () => {
    const { broker, tcpUrl } = await startBroker({ FM_BROKER_RATE_LIMITS: 'default=50/5' })
    const api = await connectService(tcpUrl, 'api')
    const topic = deviceTopic(TANK, 'telemetry')
    await api.subscribeAsync(topic, { qos: 1 })
    const received: string[] = []
    api.on('message', (_topic, payload) => received.push(payload.toString()))
    const tank = await connectDevice(tcpUrl, TANK)
    const sent = Array.from({ length: 25 }, (_, index) => JSON.stringify({ ts: index + 1, level_m: 2 }))
    await Promise.all(sent.map((payload) => tank.publishAsync(topic, payload, { qos: 1 })))
    await vi.waitFor(() => expect(received).toHaveLength(sent.length), WAIT)
    expect(received).toEqual(sent)
    const { status } = broker.stats()
    expect(status.throttled.total).toBeGreaterThan(0)
    expect(status.dropped['rate-limit']).toBe(0)
    expect(tank.connected).toBe(true)
  })

  it('disconnects and reports a device that keeps publishing far beyond its limit; others go on', async () => {
    const { broker, tcpUrl, logs } = await startBroker({ FM_BROKER_RATE_LIMITS: 'water-tank=1/1' })
    const api = await connectService(tcpUrl, 'api')
    await api.subscribeAsync(deviceTopic(PUMP, 'telemetry'), { qos: 1 })
    const tank = await connectDevice(tcpUrl, TANK)
    const tankClosed = closed(tank)
    const topic = deviceTopic(TANK, 'telemetry')
    // a firmware loop: far more than 10 s of debt at 1 publish/s
    for (let index = 0; index < 40; index++) tank.publish(topic, JSON.stringify({ ts: index + 1, level_m: 2 }))
    await tankClosed
    expect(broker.stats().status.dropped['rate-limit']).toBe(1)
    expect(logs.join('\n')).toContain('publishing far beyond its rate limit')
    // the pump, a different device with its own bucket, is served as before
    const pump = await connectDevice(tcpUrl, PUMP)
    const delivered = new Promise<string>((resolve) =>
      api.once('message', (_t, payload) => resolve(payload.toString())),
    )
    await pump.publishAsync(deviceTopic(PUMP, 'telemetry'), '{"ts":1,"running":true}', { qos: 1 })
    expect(await delivered).toBe('{"ts":1,"running":true}')
  })
})

describe('slow subscribers', () => {
  it('cuts loose a subscriber that stops reading; the publisher and the other subscriber never wait for it', async () => {
    const { broker, tcpUrl, logs } = await startBroker({
      FM_BROKER_RATE_LIMITS: 'default=100000/100000',
      FM_BROKER_SLOW_CONSUMER_KB: '256',
    })
    const topic = deviceTopic(TANK, 'telemetry')
    const stuck = await connectService(tcpUrl, 'api', { clientId: 'svc-api-stuck' })
    const healthy = await connectService(tcpUrl, 'api', { clientId: 'svc-api-healthy' })
    await stuck.subscribeAsync(topic, { qos: 1 })
    await healthy.subscribeAsync(topic, { qos: 1 })
    let healthyReceived = 0
    healthy.on('message', () => {
      healthyReceived++
    })
    // the stuck client's process stops reading: its socket buffers fill, then the broker's. (Paused, it will not
    // even notice being disconnected until it reads again.)
    const stuckSocket = stuck.stream as Socket
    stuckSocket.pause()

    const tank = await connectDevice(tcpUrl, TANK)
    const payload = JSON.stringify({ ts: 1, level_m: 2, note: 'x'.repeat(12_000) })
    const slowConsumers = () => broker.stats().status.dropped['slow-consumer']
    let published = 0
    // QoS 1: each PUBACK proves the broker did not hold the publisher for the stuck subscriber
    while (slowConsumers() === 0 && published < 20_000) {
      await Promise.all(Array.from({ length: 50 }, () => tank.publishAsync(topic, payload, { qos: 1 })))
      published += 50
    }
    expect(slowConsumers()).toBe(1)
    expect(logs.join('\n')).toContain('subscriber not reading, closing')
    const stuckClosed = closed(stuck)
    stuckSocket.resume()
    await stuckClosed
    await vi.waitFor(() => expect(healthyReceived).toBe(published), WAIT)
    // what the stuck client held is freed with its connection
    await vi.waitFor(() => expect(broker.stats().status.queues.largestOutgoingBytes).toBeLessThan(256 * 1024), WAIT)
  })
})

describe('logins and connections', () => {
  it('answers "server unavailable" at once when more logins wait than allowed, and counts it', async () => {
    const { broker, tcpUrl } = await startBroker({
      FM_BROKER_LOGIN_CONCURRENCY: '1',
      FM_BROKER_MAX_PENDING_LOGINS: '0',
    })
    // each attempt costs a scrypt round (tens of ms): twenty at once cannot all be checked one at a time
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        refusal(tcpUrl, { clientId: TANK.deviceId, username: TANK.deviceId, password: `wrong-${index}` }),
      ),
    )
    expect(codes).toContain(3)
    expect(codes.filter((code) => code !== 3).every((code) => code === 4)).toBe(true)
    const { status } = broker.stats()
    expect(status.dropped['admission-full']).toBe(codes.filter((code) => code === 3).length)
    expect(status.connections.authPending).toBe(0)
    // and a device with the right password still gets in afterwards
    await connectDevice(tcpUrl, TANK)
  })

  it('closes sockets beyond the connection limit on arrival and counts them', async () => {
    const { broker, tcpUrl } = await startBroker({ FM_BROKER_MAX_CONNECTIONS: '2' })
    const { port } = new URL(tcpUrl)
    const sockets: Socket[] = []
    const open = () =>
      new Promise<Socket>((resolve) => {
        const socket = connectTcp(Number(port), '127.0.0.1', () => resolve(socket))
        socket.on('error', () => undefined)
        sockets.push(socket)
      })
    await open()
    await open()
    const third = await open()
    await new Promise((resolve) => third.once('close', resolve))
    await vi.waitFor(() => expect(broker.stats().status.dropped['connection-limit']).toBe(1), WAIT)
    for (const socket of sockets) socket.destroy()
  })
})

describe('broker status', () => {
  it('is retained on fm/services/broker/status, valid, and counts connections and traffic', async () => {
    const { tcpUrl } = await startBroker({ FM_BROKER_STATUS_INTERVAL_MS: '100' })
    const tank = await connectDevice(tcpUrl, TANK)
    await tank.publishAsync(deviceTopic(TANK, 'telemetry'), '{"ts":1,"level_m":2}', { qos: 1 })
    const api = await connectService(tcpUrl, 'api')
    const statuses: unknown[] = []
    api.on('message', (topic, payload) => {
      if (topic === BROKER_STATUS_TOPIC) statuses.push(JSON.parse(payload.toString()))
    })
    await api.subscribeAsync('fm/services/+/status', { qos: 1 })
    await vi.waitFor(() => {
      const latest = statuses.at(-1)
      expect(BrokerStatusCheck.Check(latest)).toBe(true)
      expect(latest).toMatchObject({
        online: true,
        intervalMs: 100,
        connections: { clients: 2, devices: 1 },
        messages: { inTotal: 1 },
      })
    }, WAIT)
    expect(Object.keys((statuses.at(-1) as BrokerStatus).dropped).sort()).toEqual([
      'admission-full',
      'auth-failed',
      'connection-limit',
      'oversized-packet',
      'publish-denied',
      'rate-limit',
      'slow-consumer',
    ])
  })
})
