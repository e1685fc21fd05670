import { MAX_PACKET_BYTES } from '@fm/broker'
import { deviceTopic, MAX_PAYLOAD_BYTES } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import {
  closed,
  connectDevice,
  connectService,
  nextMessage,
  PASSWORDS,
  PUMP,
  refusal,
  SERVICE_PASSWORDS,
  startBroker,
  TANK,
} from './fixture.ts'

// CONNACK return codes, MQTT 3.1.1 §3.2.2.3
const IDENTIFIER_REJECTED = 2
const BAD_USERNAME_OR_PASSWORD = 4
const NOT_AUTHORIZED = 5

describe('authentication at CONNECT', () => {
  it('refuses an anonymous client with 5, not authorized', async () => {
    const { tcpUrl, broker } = await startBroker()
    expect(await refusal(tcpUrl, { clientId: 'tank-1' })).toBe(NOT_AUTHORIZED)
    expect(broker.stats().authFailures).toBe(1)
  })

  it.each([
    ['a wrong password', 'tank-1', 'not-the-password'],
    ['an unknown device', 'tank-9', 'tank-9-password'],
    ['a device without password', 'tank-1', undefined],
    ['a service with a wrong password', 'svc-ingest', 'not-the-password'],
    ['an unknown service role', 'svc-billing', 'billing-password'],
  ])('refuses %s with 4, bad username or password', async (_case, username, password) => {
    const { tcpUrl, broker } = await startBroker()
    expect(await refusal(tcpUrl, { clientId: username, username, password })).toBe(BAD_USERNAME_OR_PASSWORD)
    expect(broker.stats().authFailures).toBe(1)
  })

  it('refuses a revoked device with 4', async () => {
    const { tcpUrl, store } = await startBroker()
    store.revokeDevice('tank-1')
    const options = { clientId: 'tank-1', username: 'tank-1', password: PASSWORDS['tank-1'] }
    expect(await refusal(tcpUrl, options)).toBe(BAD_USERNAME_OR_PASSWORD)
  })

  it.each([
    ['another device id', 'pump-1'],
    ['a random client id', 'mqttjs_1a2b3c4d'],
    ['an empty client id (server-assigned)', ''],
  ])('refuses a device that connects with %s as client id with 2, identifier rejected', async (_case, clientId) => {
    const { tcpUrl } = await startBroker()
    const options = { clientId, username: 'tank-1', password: PASSWORDS['tank-1'], clean: true }
    expect(await refusal(tcpUrl, options)).toBe(IDENTIFIER_REJECTED)
  })

  it('refuses a service whose client id does not start with its username', async () => {
    const { tcpUrl } = await startBroker()
    const options = { clientId: 'tank-1', username: 'svc-api', password: SERVICE_PASSWORDS.api }
    expect(await refusal(tcpUrl, options)).toBe(IDENTIFIER_REJECTED)
  })

  it('accepts a device over TCP and over WebSocket, and services with an instance suffix', async () => {
    const { tcpUrl, wsUrl, broker } = await startBroker()
    await connectDevice(tcpUrl, TANK)
    await connectDevice(wsUrl, PUMP)
    await connectService(tcpUrl, 'ingest', { clientId: 'svc-ingest-2' })
    expect(broker.stats()).toMatchObject({ connectedClients: 3, devicesConnected: 2, authFailures: 0 })
  })

  it('logs every refusal with client id and remote address, and never a password', async () => {
    const { tcpUrl, wsUrl, logs } = await startBroker()
    await refusal(tcpUrl, { clientId: 'tank-1', username: 'tank-1', password: 'wrong-password-1' })
    await connectDevice(wsUrl, TANK)
    await connectService(tcpUrl, 'api')
    const refused = logs.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'connection refused')
    expect(refused).toMatchObject({
      clientId: 'tank-1',
      remote: '127.0.0.1',
      returnCode: 4,
      reason: 'wrong or missing password',
    })
    for (const secret of ['wrong-password-1', PASSWORDS['tank-1'], SERVICE_PASSWORDS.api]) {
      expect(logs.join('\n')).not.toContain(secret)
    }
  })
})

describe('revocation', () => {
  it('disconnectDevice drops a connected device, whose will announces it offline', async () => {
    const { tcpUrl, broker } = await startBroker()
    const status = deviceTopic(TANK, 'status')
    const ingest = await connectService(tcpUrl, 'ingest')
    await ingest.subscribeAsync(status, { qos: 1 })
    const tank = await connectDevice(tcpUrl, TANK, {
      will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    })
    const gone = closed(tank)
    const will = nextMessage(ingest)
    expect(broker.disconnectDevice('tank-1')).toBe(true)
    await gone
    expect(await will).toMatchObject({ topic: status, payload: '{"online":false}' })
    expect(broker.disconnectDevice('tank-1')).toBe(false)
    expect(broker.stats().devicesConnected).toBe(0)
  })
})

describe('packet size', () => {
  it('delivers a payload of exactly MAX_PAYLOAD_BYTES, over TCP and over WebSocket', async () => {
    const { tcpUrl, wsUrl } = await startBroker()
    const ingest = await connectService(tcpUrl, 'ingest')
    await ingest.subscribeAsync('fm/v1/#', { qos: 1 })
    const payload = 'x'.repeat(MAX_PAYLOAD_BYTES)
    for (const [url, address] of [
      [tcpUrl, TANK],
      [wsUrl, PUMP],
    ] as const) {
      const received = nextMessage(ingest)
      const device = await connectDevice(url, address)
      await device.publishAsync(deviceTopic(address, 'event'), payload, { qos: 1 })
      expect((await received).payload).toHaveLength(MAX_PAYLOAD_BYTES)
    }
  })

  it('closes a device that publishes a payload over MAX_PAYLOAD_BYTES, and forwards nothing of it', async () => {
    const { tcpUrl, broker } = await startBroker()
    const ingest = await connectService(tcpUrl, 'ingest')
    await ingest.subscribeAsync('fm/v1/#')
    const received = nextMessage(ingest)
    const tank = await connectDevice(tcpUrl, TANK)
    const gone = closed(tank)
    tank.publish(deviceTopic(TANK, 'telemetry'), Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20))
    await gone
    // the next message the subscriber gets is a later, valid one
    const pump = await connectDevice(tcpUrl, PUMP)
    await pump.publishAsync(deviceTopic(PUMP, 'telemetry'), '{"running":true}', { qos: 1 })
    expect((await received).topic).toBe(deviceTopic(PUMP, 'telemetry'))
    expect(broker.stats().publishDenials).toBe(1)
  })

  it.each([
    ['TCP', 'tcpUrl'],
    ['WebSocket', 'wsUrl'],
  ] as const)('cuts a %s connection that announces a packet over MAX_PACKET_BYTES', async (_case, url) => {
    const harness = await startBroker()
    const tank = await connectDevice(harness[url], TANK)
    const gone = closed(tank)
    tank.publish(deviceTopic(TANK, 'telemetry'), Buffer.alloc(MAX_PACKET_BYTES * 4, 0x20))
    await gone
    expect(harness.broker.stats()).toMatchObject({ oversizedPackets: 1, publishDenials: 0 })
  })
})
