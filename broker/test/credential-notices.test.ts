import { type CredentialsNotice, credentialsNoticeTopic, deviceTopic } from '@fm/protocol'
import type { MqttClient } from 'mqtt'
import { describe, expect, it, vi } from 'vitest'
import { closed, connectDevice, connectService, nextMessage, PUMP, startBroker, TANK } from './fixture.ts'

/** The bound: a revoked device is disconnected within a second. */
const DISCONNECT_WITHIN_MS = 1_000

function notice(deviceId: string, reason: CredentialsNotice['reason']): string {
  return JSON.stringify({ deviceId, reason, ts: Date.now() } satisfies CredentialsNotice)
}

/** Whether the client's connection has closed, recorded from its `close` event. */
function closeRecorder(client: MqttClient): { readonly closed: boolean } {
  const state = { closed: false }
  client.once('close', () => {
    state.closed = true
  })
  return state
}

function logEntries(logs: string[]): Record<string, unknown>[] {
  return logs.map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('credential notices from the api', () => {
  it('disconnect the named device within a second; its will announces it offline, and the broker logs why', async () => {
    const { tcpUrl, broker, logs } = await startBroker()
    const status = deviceTopic(TANK, 'status')
    const api = await connectService(tcpUrl, 'api')
    await api.subscribeAsync(status, { qos: 1 })
    const tank = await connectDevice(tcpUrl, TANK, {
      will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    })
    const pump = await connectDevice(tcpUrl, PUMP)
    const tankState = closeRecorder(tank)
    const will = nextMessage(api)

    await api.publishAsync(credentialsNoticeTopic('tank-1'), notice('tank-1', 'revoked'), { qos: 1 })

    await vi.waitFor(() => expect(tankState.closed).toBe(true), { timeout: DISCONNECT_WITHIN_MS, interval: 5 })
    expect(await will).toMatchObject({ topic: status, payload: '{"online":false}' })
    expect(pump.connected).toBe(true)
    expect(broker.stats().devicesConnected).toBe(1)
    expect(logEntries(logs)).toContainEqual(
      expect.objectContaining({
        deviceId: 'tank-1',
        reason: 'revoked',
        connected: true,
        msg: 'credentials revoked: disconnected',
      }),
    )
  })

  it('cannot be sent by a device or by another service: the sender is disconnected and nobody else', async () => {
    const { tcpUrl, broker } = await startBroker()
    const pump = await connectDevice(tcpUrl, PUMP)
    const pumpState = closeRecorder(pump)

    for (const sender of [await connectDevice(tcpUrl, TANK), await connectService(tcpUrl, 'ingest')]) {
      const gone = closed(sender)
      // MQTT 3.1.1 has no negative PUBACK: a refused publish closes the connection [MQTT-3.3.5-2]
      sender.publish(credentialsNoticeTopic('pump-1'), notice('pump-1', 'revoked'), { qos: 1 })
      await gone
    }

    expect(broker.stats().publishDenials).toBe(2)
    expect(pumpState.closed).toBe(false)
    // the broker was listening all along: the api's notice drops the pump
    const api = await connectService(tcpUrl, 'api')
    await api.publishAsync(credentialsNoticeTopic('pump-1'), notice('pump-1', 'rotated'), { qos: 1 })
    await vi.waitFor(() => expect(pumpState.closed).toBe(true), { timeout: DISCONNECT_WITHIN_MS, interval: 5 })
  })

  it('skip and log a notice that names another device than its topic, or is not a notice at all', async () => {
    const { tcpUrl, logs } = await startBroker()
    const tank = await connectDevice(tcpUrl, TANK)
    const api = await connectService(tcpUrl, 'api')

    // QoS 1: Aedes answers PUBACK once the message has been handed to every subscriber, the broker's own included
    await api.publishAsync(credentialsNoticeTopic('pump-1'), notice('tank-1', 'revoked'), { qos: 1 })
    await api.publishAsync(credentialsNoticeTopic('tank-1'), 'disconnect tank-1 please', { qos: 1 })

    const skipped = logEntries(logs).filter((entry) => entry.msg === 'invalid credentials notice skipped')
    expect(skipped.map((entry) => entry.error)).toEqual([
      'payload names device "tank-1", the topic "pump-1"',
      'payload is not UTF-8 JSON',
    ])
    expect(tank.connected).toBe(true)
  })

  it('about a device that is not connected change nothing but a log line', async () => {
    const { tcpUrl, logs } = await startBroker()
    const api = await connectService(tcpUrl, 'api')

    await api.publishAsync(credentialsNoticeTopic('pump-1'), notice('pump-1', 'rotated'), { qos: 1 })

    expect(logEntries(logs)).toContainEqual(
      expect.objectContaining({ deviceId: 'pump-1', reason: 'rotated', connected: false }),
    )
  })
})
