/**
 * The held PUBACK against a real Aedes: what the broker sees acknowledged, and what it delivers again.
 */
import { pino } from 'pino'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import type { AckTicket, Completion } from '../src/held-acks.ts'
import { openMqttSession } from '../src/mqtt-session.ts'
import { connectDevice, startBroker } from './harness.ts'

const WAIT = { timeout: 5000, interval: 10 }
const CLIENT_ID = 'svc-ingest-acks'

interface Received {
  payload: string
  ack: AckTicket | undefined
  done: Completion | undefined
}

async function openSession(url: string, maxHeldAcks = 100) {
  const received: Received[] = []
  const refusals: string[] = []
  const session = openMqttSession({
    url,
    username: 'svc-ingest',
    password: 'not-checked',
    clientId: CLIENT_ID,
    subscriptions: ['t/#'],
    will: { topic: 'fm/services/ingest/status', payload: '{"online":false}' },
    logger: pino({ level: 'silent' }),
    maxHeldAcks,
    onRefused: (reason) => refusals.push(reason),
    onMessage: (_topic, payload, _retained, ack) => {
      // one piece of work per accepted message, completed by the test
      received.push({ payload: payload.toString(), ack, done: ack?.accepted ? ack.wait() : undefined })
    },
    onConnect: () => undefined,
  })
  onTestFinished(() => session.end())
  await session.ready
  return { session, received, refusals }
}

function complete(received: Received[], payload: string): void {
  const message = received.findLast((item) => item.payload === payload && item.done)
  if (!message?.done) throw new Error(`no pending message ${payload}`)
  message.done()
}

describe('held acknowledgements', () => {
  it('holds each PUBACK until its work is done, keeps receiving meanwhile, and acknowledges in receive order', async () => {
    const broker = await startBroker()
    const { received } = await openSession(broker.url)
    const device = await connectDevice(broker.url)
    for (const payload of ['m1', 'm2', 'm3']) await device.publishAsync('t/x', payload, { qos: 1 })

    // all three arrive although the first is still unacknowledged: the packet pump is not held
    await vi.waitFor(() => expect(received.map((item) => item.payload)).toEqual(['m1', 'm2', 'm3']), WAIT)
    expect(broker.acked(CLIENT_ID)).toEqual([])

    complete(received, 'm2')
    await new Promise((resolve) => setImmediate(resolve))
    expect(broker.acked(CLIENT_ID)).toEqual([]) // m2 waits for m1 [MQTT-4.6.0-2]

    complete(received, 'm1')
    await vi.waitFor(() => expect(broker.acked(CLIENT_ID)).toEqual(['m1', 'm2']), WAIT)
    complete(received, 'm3')
    await vi.waitFor(() => expect(broker.acked(CLIENT_ID)).toEqual(['m1', 'm2', 'm3']), WAIT)
  })

  it('leaves a message whose work failed, and every later one, to the broker, which delivers them after a restart', async () => {
    const broker = await startBroker()
    const { session, received, refusals } = await openSession(broker.url)
    const device = await connectDevice(broker.url)
    for (const payload of ['m1', 'm2', 'm3']) await device.publishAsync('t/x', payload, { qos: 1 })
    await vi.waitFor(() => expect(received).toHaveLength(3), WAIT)

    complete(received, 'm1')
    received[1]?.done?.(new Error('disk full'))
    complete(received, 'm3')
    await vi.waitFor(() => expect(refusals).toEqual(['disk full']), WAIT)
    await vi.waitFor(() => expect(broker.acked(CLIENT_ID)).toEqual(['m1']), WAIT)
    expect(session.refusal).toBe('disk full')

    await device.publishAsync('t/x', 'm4', { qos: 1 })
    await vi.waitFor(() => expect(received.at(-1)).toMatchObject({ payload: 'm4', done: undefined }), WAIT)

    session.restart()
    await vi.waitFor(
      () => expect(received.filter((item) => item.done).map((item) => item.payload)).toContain('m4'),
      WAIT,
    )
    expect(session.refusal).toBeUndefined()
    const again = received.slice(4).map((item) => item.payload)
    expect(again).toEqual(['m2', 'm3', 'm4'])
    for (const payload of again) complete(received, payload)
    await vi.waitFor(() => expect(broker.acked(CLIENT_ID)).toEqual(['m1', 'm2', 'm3', 'm4']), WAIT)
  })

  it('refuses once maxHeld messages are waiting, so that unacknowledged messages stay bounded', async () => {
    const broker = await startBroker()
    const { received, refusals } = await openSession(broker.url, 2)
    const device = await connectDevice(broker.url)
    for (const payload of ['m1', 'm2', 'm3']) await device.publishAsync('t/x', payload, { qos: 1 })
    await vi.waitFor(() => expect(received).toHaveLength(3), WAIT)

    expect(received.map((item) => item.ack?.accepted)).toEqual([true, true, false])
    expect(refusals).toEqual([expect.stringContaining('2 messages are waiting')])
    complete(received, 'm1')
    complete(received, 'm2')
    await vi.waitFor(() => expect(broker.acked(CLIENT_ID)).toEqual(['m1', 'm2']), WAIT)
  })

  it('forgets what it held when the connection drops: the broker delivers it again on the next one', async () => {
    const broker = await startBroker()
    const { session, received } = await openSession(broker.url)
    const device = await connectDevice(broker.url)
    await device.publishAsync('t/x', 'm1', { qos: 1 })
    await vi.waitFor(() => expect(received).toHaveLength(1), WAIT)

    // the broker closes the socket; mqtt.js reconnects by itself a second later
    broker.dropClient(CLIENT_ID)
    await vi.waitFor(() => expect(session.connected).toBe(false), WAIT)
    complete(received, 'm1') // too late for the old connection: no PUBACK may go on the new one for it
    await vi.waitFor(() => expect(received.map((item) => item.payload)).toEqual(['m1', 'm1']), WAIT)
    expect(broker.acked(CLIENT_ID)).toEqual([])
    complete(received, 'm1')
    await vi.waitFor(() => expect(broker.acked(CLIENT_ID)).toEqual(['m1']), WAIT)
  })
})
