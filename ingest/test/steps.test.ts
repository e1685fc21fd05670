/**
 * Which clock each step uses, end to end: the device's `ts` for the sample, ingest's own receive time for
 * availability order and last seen. Device clocks drift; the server's is the one every status is compared on.
 */
import { type DeviceView, deviceTopic } from '@fm/protocol'
import type { Store } from '@fm/store'
import { describe, expect, it, vi } from 'vitest'
import { connectDevice, openStores, PUMP, publish, startBroker, startIngest, TANK } from './harness.ts'

const WAIT = { timeout: 5000, interval: 20 }
const SLOW_MS = 10 * 60_000

function view(store: Store, id: string): DeviceView {
  const found = store.listDeviceViews().find((device) => device.id === id)
  if (!found) throw new Error(`no view for ${id}`)
  return found
}

describe('ingest steps and clocks', () => {
  it('keeps a device whose clock is 10 minutes slow online while connected: connect, will, reconnect', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    await startIngest(broker.url, stores)
    const topic = deviceTopic(PUMP, 'status')
    const will = { topic, payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true }
    const online = () => JSON.stringify({ online: true, ts: Date.now() - SLOW_MS })
    const before = Date.now()

    const first = await connectDevice(broker.url, { will })
    await first.publishAsync(topic, online(), { qos: 1, retain: true })
    const sampledAt = Date.now() - SLOW_MS
    await publish(first, PUMP, 'telemetry', { ts: sampledAt, running: true })
    await vi.waitFor(
      () => expect(view(stores.store, 'pump-1')).toMatchObject({ online: true, valuesTs: sampledAt }),
      WAIT,
    )
    // last seen is when the server heard it, not what the device's clock said
    expect(view(stores.store, 'pump-1').lastSeen).toBeGreaterThanOrEqual(before)

    first.stream.destroy() // a power cut: the broker publishes the will, which carries no ts
    await vi.waitFor(() => expect(view(stores.store, 'pump-1').online).toBe(false), WAIT)

    const second = await connectDevice(broker.url, { will })
    await second.publishAsync(topic, online(), { qos: 1, retain: true })
    await vi.waitFor(() => expect(view(stores.store, 'pump-1').online).toBe(true), WAIT)
  })

  it('merges a reading stamped ahead of the server clock at its receive time, so later readings replace it', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const { ingest } = await startIngest(broker.url, stores)
    const device = await connectDevice(broker.url)
    // whole seconds: the smallest history bucket is one second
    const ahead = Math.floor(Date.now() / 1000) * 1000 + 4 * 60_000 // inside the 5 minutes of allowed skew

    await publish(device, TANK, 'telemetry', { ts: ahead, level_pct: 50 })
    await vi.waitFor(() => expect(ingest.stats().accepted).toBe(1), WAIT)
    // taken after ingest received the first reading, on the same clock: later than its receive time
    const ts = Date.now()
    await publish(device, TANK, 'telemetry', { ts, level_pct: 60 })

    await vi.waitFor(() => expect(view(stores.store, 'tank-1')).toMatchObject({ values: { level_pct: 60 } }), WAIT)
    expect(view(stores.store, 'tank-1').valuesTs).toBe(ts)
    // the sample itself keeps the device's time
    await vi.waitFor(async () => {
      const history = await stores.timeseries.history({ ...TANK, from: ahead, to: ahead + 1000 })
      expect(history.series.find((series) => series.field === 'level_pct')?.points[0]?.mean).toBe(50)
    }, WAIT)
  })
})
