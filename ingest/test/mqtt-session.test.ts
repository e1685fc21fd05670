import type { AuthenticateError } from 'aedes'
import { describe, expect, it, vi } from 'vitest'
import {
  connectDevice,
  freePort,
  makeIngest,
  openStores,
  publish,
  startBroker,
  startIngest,
  TANK,
  testConfig,
} from './harness.ts'

const WAIT = { timeout: 5000, interval: 20 }

describe('ingest MQTT session', () => {
  it('receives QoS 1 readings published while it was stopped once it restarts with the same client id', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const env = { FM_INGEST_CLIENT_ID: 'svc-ingest-persistent' }
    const first = await startIngest(broker.url, stores, env)
    await first.ingest.stop()

    const device = await connectDevice(broker.url)
    const ts = Math.floor(Date.now() / 1000) * 1000 - 10_000
    for (let i = 0; i < 3; i++) await publish(device, TANK, 'telemetry', { ts: ts + i * 1000, level_pct: 80 + i })

    const second = await startIngest(broker.url, stores, env)
    await vi.waitFor(() => expect(second.ingest.stats().accepted).toBe(3), WAIT)
    await vi.waitFor(async () => {
      const history = await stores.timeseries.history({ ...TANK, from: ts, to: ts + 3000 })
      expect(history.series[0]?.points.map((point) => point.mean)).toEqual([80, 81, 82])
    }, WAIT)
  })

  it('waits for a broker that starts after it', async () => {
    const port = await freePort()
    const stores = await openStores()
    const { ingest, lines } = makeIngest(testConfig(`mqtt://127.0.0.1:${port}`), stores)
    const started = ingest.start()
    await vi.waitFor(
      () => expect(lines.map((line) => line.msg)).toContain('broker unreachable; retrying every 1000 ms'),
      WAIT,
    )

    const broker = await startBroker({ port })
    await started
    const device = await connectDevice(broker.url)
    await publish(device, TANK, 'telemetry', { level_pct: 33 })
    await vi.waitFor(() => expect(ingest.stats().accepted).toBe(1), WAIT)
    // before the broker's clean-up, which was registered after ingest's and so would run first
    await ingest.stop()
  })

  it('stops promptly while the broker is unreachable', async () => {
    const port = await freePort()
    const stores = await openStores()
    const { ingest, lines } = makeIngest(testConfig(`mqtt://127.0.0.1:${port}`), stores)
    const started = ingest.start()
    await vi.waitFor(
      () => expect(lines.map((line) => line.msg)).toContain('broker unreachable; retrying every 1000 ms'),
      WAIT,
    )

    const outcome = expect(started).rejects.toThrow('stopped before the broker accepted the connection')
    await ingest.stop()
    await outcome
    expect(lines.map((line) => line.msg)).not.toContain('disconnect did not complete; closing the socket')
  })

  it('fails to start when the broker refuses its credentials', async () => {
    const broker = await startBroker({
      aedes: {
        authenticate: (_client, _username, _password, done) =>
          done(Object.assign(new Error('wrong password'), { returnCode: 4 }) as AuthenticateError, false),
      },
    })
    const stores = await openStores()
    const { ingest, lines } = makeIngest(testConfig(broker.url), stores)

    await expect(ingest.start()).rejects.toThrow(/Bad username or password/)
    expect(lines.map((line) => line.msg)).toContain('broker refused ingest credentials')
  })
})

describe('ingest subscriptions', () => {
  it('fails to start, naming the filter, when the broker refuses a subscription', async () => {
    // A refusal is SUBACK 0x80 for that filter [MQTT-3.9.3]; aedes answers it when authorizeSubscribe passes null.
    const broker = await startBroker({
      aedes: {
        authorizeSubscribe: (_client, subscription, callback) =>
          callback(null, subscription.topic.endsWith('/event') ? null : subscription),
      },
    })
    const stores = await openStores()
    const { ingest, lines } = makeIngest(testConfig(broker.url), stores)

    await expect(ingest.start()).rejects.toThrow(/refused the subscription to fm\/v1\/\+\/\+\/\+\/event/)
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'broker refused a subscription; check the ingest ACL',
        refused: ['fm/v1/+/+/+/event'],
      }),
    )
  })
})
