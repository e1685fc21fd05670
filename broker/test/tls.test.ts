/**
 * MQTT over TLS and wss with a compound's own CA: real broker, real certificates (tls-fixtures.ts), real mqtt.js
 * clients on loopback. The TLS listener shares the plain one's intake, so one guard is proven here for it; the rest
 * are tested over TCP in broker.test.ts and protection.test.ts.
 */
import { connect as connectTcp } from 'node:net'
import { MAX_PACKET_BYTES } from '@fm/broker'
import { deviceTopic } from '@fm/protocol'
import { connectAsync } from 'mqtt'
import { describe, expect, it, vi } from 'vitest'
import { closed, connectDevice, connectService, nextMessage, PASSWORDS, PUMP, startBroker, TANK } from './fixture.ts'
import { makeCertificates, tlsEnv } from './tls-fixtures.ts'

const WAIT = { timeout: 5_000, interval: 20 }

/** A CONNECT of MQTT 3.1.1 with an empty client id, clean session, keepalive 60 s: what a device sends first. */
const PLAIN_CONNECT = Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00])

/** Sends `bytes` in the clear and resolves with whatever came back before the server closed the socket. */
function plainAnswer(port: number, bytes: Buffer | string): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connectTcp(port, '127.0.0.1', () => socket.write(bytes))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(Buffer.concat(chunks)))
  })
}

/** `chain`: the CA's certificate as FM_BROKER_TLS_CA_FILE, to be sent after the broker's. */
async function startTlsBroker(options: { env?: Record<string, string>; chain?: boolean } = {}) {
  const certificates = await makeCertificates()
  const chain: Record<string, string> = options.chain ? { FM_BROKER_TLS_CA_FILE: certificates.caFile } : {}
  const harness = await startBroker({ ...tlsEnv(certificates), ...chain, ...options.env })
  const { tlsUrl } = harness
  if (tlsUrl === undefined) throw new Error('the broker opened no TLS listener')
  return { ...harness, tlsUrl, certificates }
}

describe('MQTT over TLS', () => {
  it('lets devices and services in over mqtts and wss with the CA, and carries their messages', async () => {
    const { tlsUrl, wsUrl, broker, certificates } = await startTlsBroker()
    expect(wsUrl).toMatch(/^wss:/)
    const api = await connectService(tlsUrl, 'api', { ca: certificates.ca })
    await api.subscribeAsync('fm/v1/#', { qos: 1 })
    const tank = await connectDevice(tlsUrl, TANK, { ca: certificates.ca })
    const pump = await connectDevice(wsUrl, PUMP, { ca: certificates.ca })

    let received = nextMessage(api)
    await tank.publishAsync(deviceTopic(TANK, 'telemetry'), '{"level_pct":72.5}', { qos: 1 })
    expect(await received).toMatchObject({ topic: deviceTopic(TANK, 'telemetry'), payload: '{"level_pct":72.5}' })
    received = nextMessage(api)
    await pump.publishAsync(deviceTopic(PUMP, 'telemetry'), '{"running":true}', { qos: 1 })
    expect(await received).toMatchObject({ topic: deviceTopic(PUMP, 'telemetry') })
    expect(broker.stats()).toMatchObject({ connectedClients: 3, devicesConnected: 2, authFailures: 0 })
  })

  it('still checks credentials inside TLS', async () => {
    const { tlsUrl, certificates } = await startTlsBroker()
    const options = { clientId: 'tank-1', username: 'tank-1', password: 'not-the-password', reconnectPeriod: 0 }
    await expect(connectAsync(tlsUrl, { ...options, ca: certificates.ca })).rejects.toMatchObject({ code: 4 })
  })

  it('refuses a client that does not trust the CA with a TLS error, before any MQTT', async () => {
    const { tlsUrl, broker, logs } = await startTlsBroker()
    const options = { clientId: 'tank-1', username: 'tank-1', password: PASSWORDS['tank-1'], reconnectPeriod: 0 }
    // the server sent its certificate alone, so the client cannot even find an issuer to distrust
    await expect(connectAsync(tlsUrl, options)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
    await vi.waitFor(() => expect(logs.join('')).toContain('TLS handshake failed'), WAIT)
    expect(broker.stats()).toMatchObject({ connectedClients: 0, authFailures: 0 })
  })

  it('sends the chain of FM_BROKER_TLS_CA_FILE after the certificate', async () => {
    const { tlsUrl, certificates } = await startTlsBroker({ chain: true })
    const options = { clientId: 'tank-1', username: 'tank-1', password: PASSWORDS['tank-1'], reconnectPeriod: 0 }
    // now the client sees the whole chain, and refuses its root because it is not one of its own
    await expect(connectAsync(tlsUrl, options)).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' })
    await connectDevice(tlsUrl, TANK, { ca: certificates.ca })
  })

  it.each([
    ['mqtts', 'tlsUrl'],
    ['wss', 'wsUrl'],
  ] as const)('cuts an %s connection that announces a packet over MAX_PACKET_BYTES', async (_case, url) => {
    const harness = await startTlsBroker()
    const tank = await connectDevice(harness[url], TANK, { ca: harness.certificates.ca })
    const gone = closed(tank)
    tank.publish(deviceTopic(TANK, 'telemetry'), Buffer.alloc(MAX_PACKET_BYTES * 4, 0x20))
    await gone
    expect(harness.broker.stats()).toMatchObject({ oversizedPackets: 1, publishDenials: 0 })
  })
})

describe('TLS only (FM_BROKER_PORT=off)', () => {
  it('opens no listener in the clear, and answers no plaintext MQTT on the TLS and WebSocket ports', async () => {
    const { broker, tlsUrl, logs, certificates } = await startTlsBroker({ env: { FM_BROKER_PORT: 'off' } })
    expect(broker.tcpPort).toBeUndefined()
    const listening = logs.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'broker listening')
    expect(listening).toMatchObject({ tlsPort: broker.tlsPort, wsPort: broker.wsPort, ws: 'wss' })
    expect(listening).not.toHaveProperty('tcpPort')

    const upgrade = `GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`
    const answers = await Promise.all([
      plainAnswer(broker.tlsPort ?? 0, PLAIN_CONNECT),
      plainAnswer(broker.wsPort, upgrade),
    ])
    // no CONNACK (0x20) and no HTTP answer: at most a TLS alert, then the socket is closed
    for (const answer of answers) {
      expect(answer[0]).not.toBe(0x20)
      expect(answer.toString('latin1')).not.toContain('HTTP/1.1')
    }
    await connectDevice(tlsUrl, TANK, { ca: certificates.ca })
  })
})
