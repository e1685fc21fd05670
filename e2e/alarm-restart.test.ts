/**
 * Alarms survive a restart of ingest and the api: unacknowledged, acknowledged, shelved and out-of-service alarms
 * come back with their states, counts and expiries, a shelve that expired while both were down has unshelved, and a
 * condition that still holds is not raised a second time. The services run in this process on the real broker and
 * store files, with one clock the test moves: the restart lasts "twenty minutes" without the test waiting for them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AlarmView, deviceTopic, type SiteManifest } from '@fm/protocol'
import { dataFiles, openStore, type Store } from '@fm/store'
import type { MqttClient } from 'mqtt'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { device, devicePassword, post, signIn, startServices, watchAlarms } from './alarm-platform.ts'
import { startServiceBroker } from './platform.ts'

const SITE = 'restart'
const MIN = 60_000
const logger = pino({ level: process.env.FM_TEST_LOG_LEVEL ?? 'silent' })
const SUPERVISOR = { username: 'wang.jun', password: 'restart-supervisor-1' }

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup()
})
const defer = (close: () => unknown) => {
  cleanups.push(close)
}

function compound(): SiteManifest {
  const device = (id: string, kind: SiteManifest['devices'][number]['kind'], name: string) => ({
    id,
    kind,
    name,
    password: devicePassword(id),
    report_interval_sec: 3600,
  })
  return {
    site: { id: SITE, name: '重启测试小区', timezone: 'Asia/Shanghai' },
    buildings: [{ id: 'b1', name: '1栋' }],
    rooms: [{ id: 'pump-room', name: '泵房', type: 'domestic-pump-room', building: 'b1' }],
    devices: [
      device('tank-1', 'water-tank', '生活水箱'),
      device('pump-1', 'pump', '1#加压泵'),
      device('fap-1', 'fire-alarm-panel', '火灾报警控制器'),
      device('env-1', 'room-environment', '泵房环境'),
    ],
  }
}

/** What must survive: everything but the time of the last update, which the expiry moves. */
function durable(alarm: AlarmView | undefined) {
  if (!alarm) return undefined
  const { updatedAt: _updatedAt, ...rest } = alarm
  return rest
}

describe('alarms through a restart of ingest and the api', () => {
  it('keep states, counts and expiries; a shelve that expired during the restart has unshelved', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fm-alarm-restart-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    let clock = Date.now()
    const now = () => clock
    const store: Store = openStore({ file: dataFiles(dataDir).operational, now })
    cleanups.push(() => store.close())
    await store.provisionSite(compound())
    await store.createUser({
      ...SUPERVISOR,
      displayName: '王军',
      role: 'supervisor',
      scope: { allSites: false, siteIds: [SITE], buildingIds: [] },
    })
    const { broker, mqttUrl, passwords } = await startServiceBroker(store, logger)
    cleanups.push(() => broker.close())
    const watcher = await watchAlarms(mqttUrl, passwords.api, defer)
    let services = await startServices(dataDir, mqttUrl, passwords, now, logger)
    cleanups.push(() => services.stop())

    // four faults whose rules have no on-delay
    const readings: [string, SiteManifest['devices'][number]['kind'], Record<string, unknown>][] = [
      ['tank-1', 'water-tank', { overflow: true, level_pct: 99 }],
      ['pump-1', 'pump', { fault: true, running: false }],
      ['fap-1', 'fire-alarm-panel', { fire_points: 1, fault_points: 0 }],
      ['env-1', 'room-environment', { flood: true }],
    ]
    const clients = new Map<string, MqttClient>()
    for (const [id, kind, values] of readings) {
      const client = await device(mqttUrl, id, defer)
      clients.set(id, client)
      await client.publishAsync(
        deviceTopic({ siteId: SITE, kind: kind, deviceId: id }, 'telemetry'),
        JSON.stringify(values),
        { qos: 1 },
      )
    }
    const raised = (ruleId: string) => watcher.next((c) => c.alarm.ruleId === ruleId && c.transition === 'raised')
    const [overflow, pumpFault, fire, flood] = await Promise.all([
      raised('water-tank.overflow'),
      raised('pump.fault'),
      raised('fire-alarm-panel.fire'),
      raised('room-environment.flood'),
    ])

    // the supervisor acknowledges the overflow, shelves the pump fault for 15 minutes and puts the panel's fire
    // alarm out of service for two hours (a zone under test); the flood stays unacknowledged
    const cookie = await signIn(services.apiUrl, SUPERVISOR)
    await post(services.apiUrl, cookie, `/api/alarms/${overflow.alarm.id}/ack`, { comment: '已派人关阀' })
    await post(services.apiUrl, cookie, `/api/alarms/${pumpFault.alarm.id}/shelve`, {
      kind: 'timed',
      durationMin: 15,
      reason: '备用泵已投入，维修中',
    })
    await post(
      services.apiUrl,
      cookie,
      '/api/devices/fap-1/alarms/fire-alarm-panel.fire/out-of-service',
      { until: clock + 120 * MIN, reason: '3号防火分区联动测试' },
      'PUT',
    )
    const before = new Map(store.listAlarms().map((alarm) => [alarm.id, alarm]))
    expect(before.get(overflow.alarm.id)?.state).toBe('ack')
    expect(before.get(pumpFault.alarm.id)?.shelved?.until).toBe(clock + 15 * MIN)
    expect(before.get(fire.alarm.id)?.outOfService?.until).toBe(clock + 120 * MIN)
    expect(before.get(flood.alarm.id)?.state).toBe('unack')

    // both services down for twenty minutes: the shelve ends meanwhile, the out-of-service period does not
    await services.stop()
    clock += 20 * MIN
    services = await startServices(dataDir, mqttUrl, passwords, now, logger)

    const unshelved = await watcher.next((c) => c.alarm.id === pumpFault.alarm.id && c.transition === 'unshelved')
    expect(unshelved.ts).toBe(clock)
    expect(unshelved.alarm.shelved).toBeUndefined()
    const after = new Map(store.listAlarms().map((alarm) => [alarm.id, alarm]))
    for (const alarm of [overflow, fire, flood]) {
      expect(durable(after.get(alarm.alarm.id)), alarm.alarm.ruleId).toEqual(durable(before.get(alarm.alarm.id)))
    }
    const { shelved: _shelved, ...pumpBefore } = durable(before.get(pumpFault.alarm.id)) ?? {}
    expect(durable(after.get(pumpFault.alarm.id))).toEqual(pumpBefore)

    // the api serves them after its restart, and the conditions that still hold are not raised again
    const listed = await fetch(`${services.apiUrl}/api/alarms?siteId=${SITE}`, {
      headers: { cookie: await signIn(services.apiUrl, SUPERVISOR) },
    })
    const open = (await listed.json()) as AlarmView[]
    expect(open.map((alarm) => [alarm.ruleId, alarm.state]).sort()).toEqual([
      ['fire-alarm-panel.fire', 'unack'],
      ['pump.fault', 'unack'],
      ['room-environment.flood', 'unack'],
      ['water-tank.overflow', 'ack'],
    ])
    const env = clients.get('env-1')
    if (!env) throw new Error('env-1 is not connected')
    await env.publishAsync(
      deviceTopic({ siteId: SITE, kind: 'room-environment', deviceId: 'env-1' }, 'telemetry'),
      JSON.stringify({ flood: true }),
      {
        qos: 1,
      },
    )
    await env.publishAsync(
      deviceTopic({ siteId: SITE, kind: 'room-environment', deviceId: 'env-1' }, 'telemetry'),
      JSON.stringify({ flood: false }),
      {
        qos: 1,
      },
    )
    await watcher.next((c) => c.alarm.id === flood.alarm.id && c.transition === 'cleared')
    expect(store.getAlarm(flood.alarm.id)?.count).toBe(1)
    expect(
      watcher.changes
        .filter((c) => c.alarm.id === flood.alarm.id && c.transition !== 'cleared')
        .map((c) => c.transition),
    ).toEqual(['raised'])
  })
})
