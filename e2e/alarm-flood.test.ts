/**
 * An alarm flood through the whole pipeline: fifty flooding sensors in one minute (devices → broker → ingest raises →
 * api), flood mode starting at the eleventh alarm within ten minutes and ending once fewer than five remain, pushed
 * to a supervisor's socket, and the alarm-system KPIs of the period. One clock, moved by the test, serves the store,
 * ingest and the api, so that ten minutes pass without waiting for them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AlarmChange,
  type AlarmKpis,
  deviceTopic,
  FLOOD_END,
  FLOOD_START,
  FLOOD_WINDOW_MS,
  type FloodStatus,
  type LiveSnapshot,
  type SiteManifest,
} from '@fm/protocol'
import { dataFiles, openStore } from '@fm/store'
import { pino } from 'pino'
import { io } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { device, devicePassword, signIn, startServices } from './alarm-platform.ts'
import { startServiceBroker } from './platform.ts'

const SITE = 'flood'
const SENSORS = 50
/** Fifty alarms in 58.8 s: one every 1.2 s. */
const SPACING_MS = 1200
const logger = pino({ level: process.env.FM_TEST_LOG_LEVEL ?? 'silent' })
const SUPERVISOR = { username: 'li.ming', password: 'flood-supervisor-1' }

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup()
})
const defer = (close: () => unknown) => {
  cleanups.push(close)
}

const sensorId = (index: number) => `env-${String(index + 1).padStart(2, '0')}`

function compound(): SiteManifest {
  return {
    site: { id: SITE, name: '水浸测试小区', timezone: 'Asia/Shanghai' },
    buildings: [{ id: 'b1', name: '1栋' }],
    rooms: Array.from({ length: SENSORS }, (_, index) => ({
      id: `room-${index + 1}`,
      name: `${index + 1}号设备间`,
      type: 'other' as const,
      building: 'b1',
    })),
    devices: Array.from({ length: SENSORS }, (_, index) => ({
      id: sensorId(index),
      kind: 'room-environment' as const,
      name: `${index + 1}号设备间环境`,
      room: `room-${index + 1}`,
      password: devicePassword(sensorId(index)),
      report_interval_sec: 3600,
    })),
  }
}

describe('an alarm flood', () => {
  it(`starts above ${FLOOD_START} alarms in 10 minutes, ends below ${FLOOD_END}, and is in the KPIs`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fm-alarm-flood-'))
    defer(() => rmSync(dataDir, { recursive: true, force: true }))
    const start = Date.now()
    let clock = start
    const now = () => clock
    const store = openStore({ file: dataFiles(dataDir).operational, now })
    defer(() => store.close())
    await store.provisionSite(compound())
    await store.createUser({
      ...SUPERVISOR,
      displayName: '李明',
      role: 'supervisor',
      scope: { allSites: false, siteIds: [SITE], buildingIds: [] },
    })
    const { broker, mqttUrl, passwords } = await startServiceBroker(store, logger)
    defer(() => broker.close())
    const services = await startServices(dataDir, mqttUrl, passwords, now, logger)
    defer(() => services.stop())
    const cookie = await signIn(services.apiUrl, SUPERVISOR)

    // the supervisor's screen: every alarm change and flood status it is sent
    const socket = io(services.apiUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } })
    defer(() => socket.disconnect())
    const floods: FloodStatus[] = []
    const alarmed = new Set<string>()
    const waiters = new Set<() => void>()
    const until = (done: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!done()) return
          waiters.delete(check)
          resolve()
        }
        waiters.add(check)
        check()
      })
    const notify = () => {
      for (const waiter of waiters) waiter()
    }
    socket.on('flood', (status: FloodStatus) => {
      floods.push(status)
      notify()
    })
    socket.on('alarms', (changes: AlarmChange[]) => {
      for (const { alarm, transition } of changes) if (transition === 'raised') alarmed.add(alarm.deviceId)
      notify()
    })
    const snapshot = await new Promise<LiveSnapshot>((resolve, reject) => {
      socket.once('snapshot', resolve)
      socket.once('connect_error', reject)
    })
    expect(snapshot.alarms).toEqual([])

    // fifty rooms flood, one every 1.2 s: each raise reaches the screen before the clock moves on
    for (let index = 0; index < SENSORS; index += 1) {
      clock = start + index * SPACING_MS
      const id = sensorId(index)
      const client = await device(mqttUrl, id, defer)
      const topic = deviceTopic({ siteId: SITE, kind: 'room-environment', deviceId: id }, 'telemetry')
      await client.publishAsync(topic, JSON.stringify({ flood: true }), { qos: 1 })
      await until(() => alarmed.has(id))
    }
    // the flood began with the raise that put an eleventh alarm in the window
    await until(() => floods.some((status) => status.active))
    expect(floods[0]).toMatchObject({ siteId: SITE, active: true, since: start + FLOOD_START * SPACING_MS })

    // ten minutes and more without a new alarm: it ends once fewer than five of the last ten minutes remain
    clock = start + (SENSORS - 1) * SPACING_MS + FLOOD_WINDOW_MS
    await until(() => floods.some((status) => !status.active))
    // during the flood every raise told the count, from the eleventh alarm to the fiftieth; then the end
    const during = floods.slice(0, -1)
    expect(during.map((status) => [status.active, status.since, status.last10Min])).toEqual(
      Array.from({ length: SENSORS - FLOOD_START }, (_, index) => [
        true,
        start + FLOOD_START * SPACING_MS,
        FLOOD_START + 1 + index,
      ]),
    )
    expect(floods.at(-1)?.active).toBe(false)

    const response = await fetch(
      `${services.apiUrl}/api/sites/${SITE}/alarm-kpis?from=${start - FLOOD_WINDOW_MS}&to=${clock + 1}`,
      { headers: { cookie } },
    )
    expect(response.status).toBe(200)
    const kpis = (await response.json()) as AlarmKpis
    // the raise that tipped it below five left the window ten minutes after it came: the 46th
    const end = start + (SENSORS - FLOOD_END) * SPACING_MS + FLOOD_WINDOW_MS
    expect(kpis).toMatchObject({
      raised: SENSORS,
      maxPer10Min: SENSORS,
      floods: [{ start: start + FLOOD_START * SPACING_MS, end, peakPer10Min: SENSORS }],
      standing: 0,
    })
    expect(kpis.priorityDistribution.P0).toEqual({ count: SENSORS, percent: 100 })
    expect(kpis.floodPercent).toBeGreaterThan(0)
    expect(kpis.timeToAcknowledge.samples).toBe(0)
  })
})
