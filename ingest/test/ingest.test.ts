import { type DeviceView, deviceTopic, MAX_PAYLOAD_BYTES } from '@fm/protocol'
import { dataFiles, openTimeSeries, type Store, type TimeSeriesStore } from '@fm/store'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import {
  CHECKPOINT,
  connectDevice,
  GATE,
  makeIngest,
  openStores,
  PANEL,
  PUMP,
  publish,
  SITE,
  startBroker,
  startIngest,
  TANK,
  testConfig,
  watchIngestStatus,
} from './harness.ts'

const WAIT = { timeout: 5000, interval: 20 }

function view(store: Store, id: string): DeviceView {
  const found = store.listDeviceViews().find((device) => device.id === id)
  if (!found) throw new Error(`no view for ${id}`)
  return found
}

describe('ingest', () => {
  it('writes telemetry of several kinds to the time series and to the latest device values', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    await startIngest(broker.url, stores)
    const device = await connectDevice(broker.url)
    const ts = Date.now() - 10_000

    await publish(device, TANK, 'telemetry', { ts, level_pct: 72.5, inlet_valve: 'open' })
    await publish(device, PUMP, 'telemetry', { ts, running: true, outlet_pressure_mpa: 0.62 })
    await publish(device, PANEL, 'telemetry', { ts, uab_v: 398, breaker: 'closed' })

    await vi.waitFor(async () => {
      const tank = await stores.timeseries.history({ ...TANK, from: ts - 1000, to: ts + 1000 })
      expect(tank.series.find((s) => s.field === 'level_pct')?.points[0]?.mean).toBe(72.5)
      const pump = await stores.timeseries.history({ ...PUMP, from: ts - 1000, to: ts + 1000 })
      expect(pump.series.find((s) => s.field === 'outlet_pressure_mpa')?.points[0]?.mean).toBe(0.62)
      const panel = await stores.timeseries.history({ ...PANEL, from: ts - 1000, to: ts + 1000 })
      expect(panel.series.find((s) => s.field === 'uab_v')?.points[0]?.mean).toBe(398)
    }, WAIT)
    await vi.waitFor(() => {
      expect(view(stores.store, 'tank-1')).toMatchObject({ values: { level_pct: 72.5, inlet_valve: 'open' } })
      expect(view(stores.store, 'pump-1')).toMatchObject({ values: { running: true }, valuesTs: ts })
      expect(view(stores.store, 'panel-1').values).toEqual({ uab_v: 398, breaker: 'closed' })
    }, WAIT)
  })

  it('tracks availability from the retained status and the last will', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const topic = deviceTopic(PUMP, 'status')
    const will = { topic, payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true }
    const pump = await connectDevice(broker.url, { will })
    // published before ingest subscribes: ingest learns it from the retained message
    await pump.publishAsync(topic, JSON.stringify({ online: true, firmware: '2.1.0' }), { qos: 1, retain: true })

    await startIngest(broker.url, stores)
    await vi.waitFor(() => expect(view(stores.store, 'pump-1').online).toBe(true), WAIT)

    pump.stream.destroy() // a power cut, not a clean DISCONNECT: the broker publishes the will
    await vi.waitFor(() => expect(view(stores.store, 'pump-1').online).toBe(false), WAIT)
  })

  it('skips retained telemetry, events and acks replayed on subscribe, and keeps the retained status', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    // Published retained before ingest subscribes, as a broker without the retain rule would have kept them; each
    // ingest restart subscribes again and would get them again (MQTT-3.3.1-6).
    const gate = await connectDevice(broker.url)
    const retained = { qos: 1, retain: true } as const
    const plate = { type: 'plate', plate: '鄂A12345', plate_color: 'blue', confidence_pct: 97.5, direction: 'in' }
    await gate.publishAsync(deviceTopic(GATE, 'telemetry'), JSON.stringify({ barrier: 'down' }), retained)
    await gate.publishAsync(deviceTopic(GATE, 'event'), JSON.stringify(plate), retained)
    await gate.publishAsync(deviceTopic(GATE, 'ack'), JSON.stringify({ id: 'c-1', status: 'ok' }), retained)
    await gate.publishAsync(deviceTopic(GATE, 'status'), JSON.stringify({ online: true }), retained)

    const { ingest, lines } = await startIngest(broker.url, stores)

    await vi.waitFor(() => {
      expect(view(stores.store, 'gate-east').online).toBe(true)
      expect(lines.filter((line) => line.msg === 'retained message skipped: only status is retained')).toHaveLength(3)
    }, WAIT)
    expect(ingest.stats()).toMatchObject({ accepted: 1, rejected: 0 })
    expect(stores.store.listEvents('gate-east')).toEqual([])
    expect(view(stores.store, 'gate-east')).toMatchObject({ values: {}, valuesTs: null })
  })

  it('stores plate and scan events and marks their devices as seen', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const { ingest, lines } = await startIngest(broker.url, stores)
    const device = await connectDevice(broker.url)
    const ts = Date.now() - 3000

    const plate = { plate: '鄂A12345', plate_color: 'blue', confidence_pct: 97.5, direction: 'in' }
    await publish(device, GATE, 'event', { type: 'plate', ts, ...plate })
    await publish(device, CHECKPOINT, 'event', { type: 'scan', ts, guard_id: 'g-007', method: 'nfc' })
    await publish(device, GATE, 'ack', { id: 'cmd-1', status: 'ok' })

    await vi.waitFor(() => {
      expect(stores.store.listEvents('gate-east')).toEqual([
        expect.objectContaining({ deviceId: 'gate-east', ts, type: 'plate', data: expect.objectContaining(plate) }),
      ])
      expect(stores.store.listEvents('cp-1')).toEqual([
        expect.objectContaining({ type: 'scan', data: expect.objectContaining({ guard_id: 'g-007' }) }),
      ])
      expect(view(stores.store, 'cp-1').lastSeen).not.toBeNull()
      expect(ingest.stats()).toMatchObject({ accepted: 3, rejected: 0 })
    }, WAIT)
    expect(lines.filter((line) => line.level >= 40)).toEqual([])
  })

  it('counts each bad message under its code, keeps flowing, and publishes the counts', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const { ingest, lines } = await startIngest(broker.url, stores)
    const status = await watchIngestStatus(broker.url)
    const device = await connectDevice(broker.url)
    const ts = Date.now() - 1000

    await publish(device, TANK, 'telemetry', '{"level_pct": 70,')
    await publish(device, TANK, 'telemetry', { level_pct: 170 })
    await publish(device, { ...TANK, deviceId: 'tank-99' }, 'telemetry', { level_pct: 50 })
    await publish(device, { ...TANK, kind: 'pump' }, 'telemetry', { running: true })
    await publish(device, PUMP, 'event', { type: 'plate' })
    await device.publishAsync(`fm/v1/${SITE}/toaster/t-1/telemetry`, '{}', { qos: 1 })
    await publish(device, TANK, 'telemetry', Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20))
    await publish(device, TANK, 'telemetry', { ts, level_pct: 64 })

    const expected = {
      FM_ERR_MQTT_JSON_INVALID: 1,
      FM_ERR_MQTT_SCHEMA_INVALID: 1,
      FM_ERR_MQTT_DEVICE_UNKNOWN: 2,
      FM_ERR_MQTT_CHANNEL_UNEXPECTED: 1,
      FM_ERR_MQTT_TOPIC_INVALID: 1,
      FM_ERR_MQTT_PAYLOAD_TOO_LARGE: 1,
    }
    await vi.waitFor(() => expect(view(stores.store, 'tank-1').values).toEqual({ level_pct: 64 }), WAIT)
    expect(ingest.stats()).toMatchObject({ accepted: 1, rejected: 7, rejectedByCode: expected })
    await vi.waitFor(() => {
      expect(status.latest()).toMatchObject({ online: true, accepted: 1, rejected: 7, rejectedByCode: expected })
    }, WAIT)
    const warned = lines.filter((line) => line.msg === 'message rejected')
    expect(warned).toHaveLength(7)
    expect(warned[0]).toMatchObject({ topic: `fm/v1/${SITE}/water-tank/tank-1/telemetry` })
  })

  it('publishes a retained status that turns offline when ingest stops', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const { ingest } = await startIngest(broker.url, stores)
    const device = await connectDevice(broker.url)
    await publish(device, TANK, 'telemetry', { level_pct: 50 })
    await vi.waitFor(() => expect(ingest.stats().accepted).toBe(1), WAIT)

    // subscribed after the fact: what arrives first is the retained message
    const status = await watchIngestStatus(broker.url)
    await vi.waitFor(() => expect(status.latest()).toMatchObject({ online: true, accepted: 1 }), WAIT)
    expect(status.latest()?.ratePerSec).toBeGreaterThanOrEqual(0)

    await ingest.stop()
    await vi.waitFor(() => expect(status.latest()).toMatchObject({ online: false, accepted: 1 }), WAIT)
  })

  it('writes the readings still queued when it stops', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const { ingest } = await startIngest(broker.url, stores, { FM_INGEST_FLUSH_INTERVAL_MS: '60000' })
    const device = await connectDevice(broker.url)
    // whole seconds: the smallest history bucket is one second
    const ts = Math.floor(Date.now() / 1000) * 1000 - 10_000
    for (let i = 0; i < 3; i++) await publish(device, TANK, 'telemetry', { ts: ts + i * 1000, level_pct: 40 + i })
    await vi.waitFor(() => expect(ingest.stats().queued.readings).toBe(3), WAIT)

    await ingest.stop()

    const history = await stores.timeseries.history({ ...TANK, from: ts, to: ts + 3000 })
    expect(history.series.find((s) => s.field === 'level_pct')?.points.map((p) => p.mean)).toEqual([40, 41, 42])
    expect(view(stores.store, 'tank-1').values).toEqual({ level_pct: 42 })
    expect(ingest.stats().queued).toEqual({ readings: 0, states: 0, events: 0 })
  })
})

describe('ingest under faults', () => {
  it('logs the first five rejections per code in full, then one summary per minute', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    let clock = Date.now()
    const { ingest, lines } = makeIngest(testConfig(broker.url), stores, () => clock)
    await ingest.start()
    const device = await connectDevice(broker.url)

    for (let i = 0; i < 8; i++) await publish(device, TANK, 'telemetry', `garbage ${i}`)
    await vi.waitFor(() => expect(ingest.stats().rejectedByCode.FM_ERR_MQTT_JSON_INVALID).toBe(8), WAIT)
    expect(lines.filter((line) => line.msg === 'message rejected')).toHaveLength(5)

    clock += 61_000
    await vi.waitFor(() => {
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: 'further rejections not logged one by one',
          code: 'FM_ERR_MQTT_JSON_INVALID',
          suppressed: 3,
        }),
      )
    }, WAIT)
    await publish(device, TANK, 'telemetry', 'garbage again')
    await vi.waitFor(() => expect(lines.filter((line) => line.msg === 'message rejected')).toHaveLength(6), WAIT)
  })

  it('spools readings through a time-series outage while device state keeps flowing, then drains them', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    let current: TimeSeriesStore = stores.timeseries
    const switchable: TimeSeriesStore = {
      name: 'sqlite',
      write: (readings) => current.write(readings),
      health: () => current.health(),
      history: (query) => current.history(query),
      close: () => current.close(),
    }
    const { ingest, lines } = makeIngest(testConfig(broker.url), { store: stores.store, timeseries: switchable })
    await ingest.start()
    const device = await connectDevice(broker.url)
    await stores.timeseries.close()
    const ts = Math.floor(Date.now() / 1000) * 1000 - 5000

    await publish(device, PUMP, 'telemetry', { ts, outlet_pressure_mpa: 0.55 })
    await vi.waitFor(() => expect(view(stores.store, 'pump-1').values).toEqual({ outlet_pressure_mpa: 0.55 }), WAIT)
    await vi.waitFor(
      () =>
        expect(lines.map((line) => line.msg)).toContain('time-series write failed; spooling readings until it answers'),
      WAIT,
    )
    await vi.waitFor(() => expect(ingest.stats().spool).toMatchObject({ depth: 1 }), WAIT)
    expect(ingest.stats().timeseries).toMatchObject({ status: 'down', detail: expect.stringContaining('closed') })

    current = openTimeSeries({ file: dataFiles(stores.dir).timeseries })
    onTestFinished(() => current.close())
    await vi.waitFor(() => expect(ingest.stats().spool).toMatchObject({ depth: 0, bytes: 0 }), WAIT)
    const history = await current.history({ ...PUMP, from: ts, to: ts + 1000 })
    expect(history.series[0]?.points[0]?.mean).toBe(0.55)
    expect(lines.map((line) => line.msg)).toContain('time series back')
    expect(ingest.stats().timeseries).toMatchObject({ status: 'ok', pendingPoints: 0 })
  })
})
