/**
 * The alarm engine inside ingest, with a real broker: every change is published for the api, a rule change the api
 * announces is read at once, and a failing engine never keeps a reading from being stored.
 */
import { ALARM_CHANGE_FILTER, type AlarmChange, type DeviceView, ruleChangesTopic } from '@fm/protocol'
import type { Store } from '@fm/store'
import { describe, expect, it, vi } from 'vitest'
import {
  connectDevice,
  makeIngest,
  openStores,
  publish,
  SITE,
  startBroker,
  startIngest,
  TANK,
  testConfig,
} from './harness.ts'

const WAIT = { timeout: 5000, interval: 20 }

interface Received {
  topic: string
  change: AlarmChange
  qos: number
  retain: boolean
}

async function watchAlarmChanges(url: string): Promise<Received[]> {
  const client = await connectDevice(url)
  const received: Received[] = []
  client.on('message', (topic, payload, packet) => {
    received.push({
      topic,
      change: JSON.parse(payload.toString()) as AlarmChange,
      qos: packet.qos,
      retain: packet.retain,
    })
  })
  await client.subscribeAsync(ALARM_CHANGE_FILTER, { qos: 1 })
  return received
}

function view(store: Store, id: string): DeviceView | undefined {
  return store.listDeviceViews().find((device) => device.id === id)
}

describe('ingest alarms', () => {
  it('publishes every alarm change on fm/services/ingest/alarms/<site>, QoS 1, not retained', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const { ingest } = await startIngest(broker.url, stores)
    const received = await watchAlarmChanges(broker.url)
    const tank = await connectDevice(broker.url)

    await publish(tank, TANK, 'telemetry', { overflow: true, level_pct: 99 })
    await publish(tank, TANK, 'telemetry', { overflow: false, level_pct: 94 })
    await vi.waitFor(() => expect(received).toHaveLength(2), WAIT)
    expect(received.map(({ topic, change, qos, retain }) => [topic, change.transition, qos, retain])).toEqual([
      [`fm/services/ingest/alarms/${SITE}`, 'raised', 1, false],
      [`fm/services/ingest/alarms/${SITE}`, 'cleared', 1, false],
    ])
    expect(received[0]?.change.alarm).toMatchObject({
      siteId: SITE,
      deviceId: TANK.deviceId,
      kind: 'water-tank',
      ruleId: 'water-tank.overflow',
      priority: 'P1',
      state: 'unack',
      value: true,
    })
    expect(received[1]?.change.alarm).toMatchObject({ ruleId: 'water-tank.overflow', state: 'rtn-unack' })
    expect(ingest.stats().alarms).toEqual({ raised: 1, retriggered: 0, cleared: 1, other: 0, publishFailures: 0 })
    // not retained: who subscribes later reads the store through the api, not a stale change
    const late = await watchAlarmChanges(broker.url)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(late).toEqual([])
  })

  it('reads the rule overrides again as soon as the api announces a change', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const { lines } = await startIngest(broker.url, stores)
    const api = await connectDevice(broker.url)
    const tank = await connectDevice(broker.url)

    stores.store.setRuleOverride(SITE, { ruleId: 'water-tank.level-high', threshold: 60, onDelaySec: 0 }, Date.now())
    await api.publishAsync(ruleChangesTopic(SITE), JSON.stringify({ ruleId: 'water-tank.level-high' }), {
      qos: 1,
    })
    await vi.waitFor(() => expect(lines.some((line) => line.msg === 'alarm rules reloaded')).toBe(true), WAIT)
    await publish(tank, TANK, 'telemetry', { level_pct: 72 })
    await vi.waitFor(() => expect(stores.store.findAlarm(TANK.deviceId, 'water-tank.level-high')).toBeDefined(), WAIT)
  })

  it('stores readings while the alarm engine fails, and counts the failing step', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const failing: Store = {
      ...stores.store,
      raiseAlarm: () => {
        throw new Error('SQLITE_IOERR: disk I/O error')
      },
    }
    const { ingest, lines } = makeIngest(testConfig(broker.url), { ...stores, store: failing })
    await ingest.start()
    const tank = await connectDevice(broker.url)

    await publish(tank, TANK, 'telemetry', { overflow: true, level_pct: 99 })
    await vi.waitFor(() => expect(view(stores.store, TANK.deviceId)?.values).toMatchObject({ overflow: true }), WAIT)
    expect(ingest.stats().stepFailures).toBe(1)
    expect(lines.find((line) => line.msg === 'ingest step failed')).toMatchObject({ step: 'evaluateAlarms' })
    expect(stores.store.findAlarm(TANK.deviceId, 'water-tank.overflow')).toBeUndefined()
  })
})
