/**
 * Who may read and act on alarms, through the real HTTP API and real socket.io clients: every alarm route against
 * every role and against anonymous requests, and a user of one compound against the other compound's alarms, over
 * REST and over the live socket.
 */
import {
  type AlarmChange,
  type AlarmView,
  type ErrorResponse,
  type Permission,
  roleCan,
  USER_ROLES,
  type UserRole,
} from '@fm/protocol'
import type { InjectOptions } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { OTHER_SITE, raise, startAlarmApi, userOf } from './alarm-fixtures.ts'
import { type Api, closeAll, connectRecorder, SITE_ID } from './fixtures.ts'
import { expectError, send } from './sign-in.ts'

afterEach(closeAll)

const HOUR_MS = 60 * 60 * 1000

interface Ids {
  toAck: number
  toShelve: number
  shelved: number
  latched: number
  fire: number
}

/** Alarms in every state the routes need, made as ingest and a guard would. */
async function alarmsToActOn(api: Api & { clock: { now: () => number } }): Promise<Ids> {
  const ts = api.clock.now() - HOUR_MS
  const actor = { userId: 'u_setup', name: 'setup' }
  const toAck = await raise(api, 'tank-1', 'water-tank.level-low', ts)
  const toShelve = await raise(api, 'pump-1', 'pump.fault', ts)
  const shelved = await raise(api, 'pump-1', 'pump.current-high', ts)
  api.store.shelveAlarm(shelved.id, actor, { kind: 'one-shot', reason: 'noisy sensor' }, ts + 1)
  const latched = await raise(api, 'fire-panel', 'fire-alarm-panel.fire', ts, 1)
  api.store.clearAlarm('fire-panel', 'fire-alarm-panel.fire', ts + 1)
  const fire = await raise(api, 'env-1', 'room-environment.flood', ts, true)
  api.store.setAlarmOutOfService(
    { deviceId: 'gate-east', ruleId: 'gate.barrier-fault', priority: 'P1', latch: false, ack: 'required' },
    actor,
    { until: api.clock.now() + HOUR_MS, reason: 'barrier replaced' },
    ts,
  )
  return { toAck: toAck.id, toShelve: toShelve.id, shelved: shelved.id, latched: latched.id, fire: fire.id }
}

/** One request of each alarm route, with the permission it needs. */
function alarmRoutes(ids: Ids): { request: InjectOptions; permission: Permission }[] {
  const oos = '/api/devices/tank-1/alarms/water-tank.overflow/out-of-service'
  const back = '/api/devices/gate-east/alarms/gate.barrier-fault/out-of-service'
  const rule = `/api/sites/${SITE_ID}/alarm-rules/water-tank.level-low`
  return [
    { request: { url: '/api/alarms' }, permission: 'devices.read' },
    { request: { url: `/api/alarms/${ids.toAck}` }, permission: 'devices.read' },
    { request: { url: `/api/alarms/${ids.toAck}/journal` }, permission: 'devices.read' },
    { request: { url: `/api/alarm-journal?siteId=${SITE_ID}` }, permission: 'devices.read' },
    { request: { url: `/api/sites/${SITE_ID}/alarm-rules` }, permission: 'devices.read' },
    { request: { url: `/api/sites/${SITE_ID}/alarm-kpis` }, permission: 'devices.read' },
    { request: { url: `/api/sites/${SITE_ID}/alarm-kpis?format=csv` }, permission: 'devices.read' },
    { request: { method: 'POST', url: `/api/alarms/${ids.toAck}/ack`, payload: {} }, permission: 'alarms.respond' },
    {
      request: {
        method: 'POST',
        url: `/api/alarms/${ids.toShelve}/shelve`,
        payload: { kind: 'timed', durationMin: 60, reason: 'pump isolated for repair' },
      },
      permission: 'alarms.respond',
    },
    { request: { method: 'POST', url: `/api/alarms/${ids.shelved}/unshelve` }, permission: 'alarms.respond' },
    { request: { method: 'POST', url: `/api/alarms/${ids.latched}/reset` }, permission: 'alarms.respond' },
    {
      request: { method: 'POST', url: `/api/alarms/${ids.fire}/fire-steps`, payload: { step: 'verify' } },
      permission: 'alarms.respond',
    },
    {
      request: { method: 'PUT', url: oos, payload: { until: Date.UTC(2026, 0, 5, 6), reason: 'float switch test' } },
      permission: 'alarms.suppress',
    },
    { request: { method: 'DELETE', url: back }, permission: 'alarms.suppress' },
    { request: { method: 'PUT', url: rule, payload: { threshold: 25 } }, permission: 'rules.manage' },
    { request: { method: 'DELETE', url: rule }, permission: 'rules.manage' },
  ]
}

const label = ({ method = 'GET', url }: InjectOptions) => `${method} ${url}`

describe('every role against every alarm route', () => {
  it.each(USER_ROLES)(
    '%s: succeeds where the role has the permission, 403 FM_ERR_FORBIDDEN elsewhere',
    async (role) => {
      const api = await startAlarmApi()
      const ids = await alarmsToActOn(api)
      const cookies = await userOf(api, `someone.${role}`, role as UserRole)

      for (const { request, permission } of alarmRoutes(ids)) {
        const response = await send(api, cookies, request)
        if (roleCan(role, permission)) expect(response.statusCode, `${label(request)} ${response.body}`).toBe(200)
        else
          expect(expectError(response, 403, 'FM_ERR_FORBIDDEN', label(request))).toBe(
            `permission "${permission}" required`,
          )
      }
    },
  )

  it('answers every one 401 FM_ERR_AUTH_REQUIRED without a session', async () => {
    const api = await startAlarmApi()
    const ids = await alarmsToActOn(api)

    for (const { request } of alarmRoutes(ids)) {
      expectError(await send(api, undefined, request), 401, 'FM_ERR_AUTH_REQUIRED', label(request))
    }
    // and nothing changed
    expect(api.store.getAlarm(ids.toAck)?.state).toBe('unack')
  })
})

describe('a user of one compound', () => {
  it("neither lists, reads, nor acts on the other compound's alarms, and gets 403 FM_ERR_SCOPE_FORBIDDEN by id", async () => {
    const api = await startAlarmApi()
    const ts = api.clock.now() - HOUR_MS
    const ours = await raise(api, 'tank-1', 'water-tank.level-low', ts)
    const theirs = await raise(api, 'hexie-tank', 'water-tank.level-low', ts)
    const guard = await userOf(api, 'guard.xingfuli', 'guard')
    const supervisor = await userOf(api, 'supervisor.xingfuli', 'supervisor')

    const list = (await send(api, guard, { url: '/api/alarms' })).json<AlarmView[]>()
    const journal = (await send(api, guard, { url: '/api/alarm-journal' })).json<{ entries: { siteId: string }[] }>()

    expect(list.map((alarm) => alarm.id)).toEqual([ours.id])
    expect(journal.entries.map((entry) => entry.siteId)).toEqual([SITE_ID])
    const forbidden: InjectOptions[] = [
      { url: `/api/alarms?siteId=${OTHER_SITE}` },
      { url: '/api/alarms?deviceId=hexie-tank' },
      { url: `/api/alarms/${theirs.id}` },
      { url: `/api/alarms/${theirs.id}/journal` },
      { url: `/api/alarm-journal?siteId=${OTHER_SITE}` },
      { url: '/api/alarm-journal?deviceId=hexie-tank' },
      { url: `/api/sites/${OTHER_SITE}/alarm-rules` },
      { url: `/api/sites/${OTHER_SITE}/alarm-kpis` },
      { method: 'POST', url: `/api/alarms/${theirs.id}/ack`, payload: {} },
      { method: 'POST', url: `/api/alarms/${theirs.id}/shelve`, payload: { kind: 'one-shot', reason: 'not mine' } },
    ]
    for (const request of forbidden)
      expectError(await send(api, guard, request), 403, 'FM_ERR_SCOPE_FORBIDDEN', label(request))
    const oos = { method: 'PUT', url: '/api/devices/hexie-tank/alarms/water-tank.overflow/out-of-service' } as const
    const period = { until: api.clock.now() + HOUR_MS, reason: 'not mine either' }
    expectError(await send(api, supervisor, { ...oos, payload: period }), 403, 'FM_ERR_SCOPE_FORBIDDEN')
    // an unknown alarm is 404 for everyone: no hint whether an id exists elsewhere
    expectError(await send(api, guard, { url: '/api/alarms/99999' }), 404, 'FM_ERR_ALARM_NOT_FOUND')
    expect(api.store.getAlarm(theirs.id)?.state).toBe('unack')
  })

  it("receives over socket.io neither the other compound's open alarms nor their changes", async () => {
    const api = await startAlarmApi()
    const ts = api.clock.now() - HOUR_MS
    await raise(api, 'hexie-tank', 'water-tank.level-low', ts)
    await raise(api, 'tank-1', 'water-tank.level-low', ts)
    const guard = await connectRecorder(api, undefined, await userOf(api, 'guard.xingfuli', 'guard'))
    const admin = await connectRecorder(api)
    const [snapshot, adminSnapshot] = await Promise.all([guard.next('snapshot'), admin.next('snapshot')])

    // theirs first: the api receives it before ours, so it is in the same flush or an earlier one
    const theirs = await raise(api, 'hexie-tank', 'water-tank.hatch-open', ts + 1, true)
    const ours = await raise(api, 'tank-1', 'water-tank.hatch-open', ts + 1, true)
    const hasAlarm = (id: number) => (changes: AlarmChange[]) => changes.some((change) => change.alarm.id === id)
    await guard.next('alarms', hasAlarm(ours.id))
    await admin.next('alarms', hasAlarm(ours.id))
    await admin.next('alarms', hasAlarm(theirs.id))

    expect(snapshot.alarms.map((alarm) => alarm.deviceId)).toEqual(['tank-1'])
    expect(adminSnapshot.alarms.map((alarm) => alarm.deviceId).sort()).toEqual(['hexie-tank', 'tank-1'])
    expect(snapshot.floods.map((flood) => flood.siteId)).toEqual([SITE_ID])
    expect(JSON.stringify(guard.received)).not.toContain('hexie')
  })

  it('scoped to building b1, sees its alarms and not those at site level (the fire control room)', async () => {
    const api = await startAlarmApi()
    const ts = api.clock.now() - HOUR_MS
    await raise(api, 'tank-1', 'water-tank.level-low', ts)
    const fire = await raise(api, 'fire-panel', 'fire-alarm-panel.fire', ts, 1)
    const b1 = { allSites: false, siteIds: [SITE_ID], buildingIds: ['b1'] }
    const technician = await userOf(api, 'tech.b1', 'technician', b1)

    const list = (await send(api, technician, { url: '/api/alarms' })).json<AlarmView[]>()
    const journal = (await send(api, technician, { url: `/api/alarm-journal?siteId=${SITE_ID}` })).json<{
      entries: { deviceId: string }[]
    }>()

    expect(list.map((alarm) => alarm.deviceId)).toEqual(['tank-1'])
    expect(journal.entries.map((entry) => entry.deviceId)).toEqual(['tank-1'])
    const refused = await send(api, technician, { method: 'POST', url: `/api/alarms/${fire.id}/ack`, payload: {} })
    expect(refused.json<ErrorResponse>().code).toBe('FM_ERR_SCOPE_FORBIDDEN')
  })
})
