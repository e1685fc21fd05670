/**
 * What people do with alarms, through the real HTTP API, the real store and real socket.io and MQTT clients:
 * acknowledging (journal, audit log, live push, MQTT), shelving and its refusals, resetting a latched fire alarm,
 * the fire procedure's steps, and out of service with its expiry.
 */
import {
  ALARM_CHANGE_FILTER,
  type AlarmChange,
  type AlarmJournalEntry,
  type AlarmView,
  type AuditPage,
} from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { changesOf, clear, raise, startAlarmApi, userOf } from './alarm-fixtures.ts'
import { closeAll, connectClient, connectRecorder } from './fixtures.ts'
import { expectError, send } from './sign-in.ts'

afterEach(closeAll)

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

describe('acknowledging an alarm', () => {
  it('records who and when in the journal and the audit log, and pushes the change to the sockets and MQTT', async () => {
    const api = await startAlarmApi()
    const raisedAt = api.clock.now() - 90_000
    const alarm = await raise(api, 'tank-1', 'water-tank.level-low', raisedAt, 28)
    const guard = await userOf(api, 'zhao.lei', 'guard')
    const watcher = await connectRecorder(api, undefined, await userOf(api, 'chen.jing', 'viewer'))
    await watcher.next('snapshot')
    const integration = await connectClient(api.brokerUrl)
    const published: AlarmChange[] = []
    integration.on('message', (topic, payload) => {
      if (topic.startsWith('fm/services/api/')) published.push(JSON.parse(payload.toString()))
    })
    await integration.subscribeAsync(ALARM_CHANGE_FILTER, { qos: 1 })

    const response = await send(api, guard, {
      method: 'POST',
      url: `/api/alarms/${alarm.id}/ack`,
      payload: { comment: '已通知值班工程师' },
    })
    const pushed = await watcher.next('alarms', (changes) => changes.some((c) => c.transition === 'acknowledged'))

    expect(response.statusCode, response.body).toBe(200)
    const acked = response.json<AlarmView>()
    expect(acked).toMatchObject({
      state: 'ack',
      acknowledged: true,
      acknowledgedAt: api.clock.now(),
      acknowledgedBy: 'guard zhao.lei',
    })
    expect(pushed.find((change) => change.alarm.id === alarm.id)).toEqual({
      alarm: acked,
      transition: 'acknowledged',
      ts: api.clock.now(),
    })
    const journal = (await send(api, guard, { url: `/api/alarms/${alarm.id}/journal` })).json<{
      entries: AlarmJournalEntry[]
    }>()
    expect(journal.entries.map((entry) => entry.transition)).toEqual(['acknowledged', 'raised'])
    expect(journal.entries[0]).toMatchObject({
      userName: 'guard zhao.lei',
      ts: api.clock.now(),
      detail: { comment: '已通知值班工程师' },
    })
    const audit = (await api.inject('/api/audit?action=alarm.')).json<AuditPage>()
    expect(audit.entries[0]).toMatchObject({
      action: 'alarm.acknowledge',
      outcome: 'ok',
      actor: { type: 'user', name: 'zhao.lei' },
      siteId: 'xingfuli',
      target: { type: 'alarm', id: String(alarm.id) },
      before: { state: 'unack' },
      after: { state: 'ack', acknowledgedBy: 'guard zhao.lei' },
      detail: { comment: '已通知值班工程师' },
    })
    await expect.poll(() => published.map((change) => change.transition)).toEqual(['acknowledged'])

    // a later change from ingest comes after the echo of ours: the socket got the acknowledgement once
    await clear(api, 'tank-1', 'water-tank.level-low', api.clock.now() + 1)
    await watcher.next('alarms', (changes) => changes.some((change) => change.transition === 'cleared'))
    const transitions = changesOf(watcher.received, alarm.id).map((change) => change.transition)
    expect(transitions.filter((transition) => transition === 'acknowledged')).toHaveLength(1)
    expect(transitions.at(-1)).toBe('cleared')
  })

  it('answers a second acknowledgement 409 FM_ERR_ALARM_STATE, audited as refused; a body is optional', async () => {
    const api = await startAlarmApi()
    const alarm = await raise(api, 'pump-1', 'pump.fault', api.clock.now() - MINUTE_MS, true)
    const first = await userOf(api, 'guard.one', 'guard')
    const second = await userOf(api, 'guard.two', 'guard')

    expect((await send(api, first, { method: 'POST', url: `/api/alarms/${alarm.id}/ack` })).statusCode).toBe(200)
    const late = await send(api, second, { method: 'POST', url: `/api/alarms/${alarm.id}/ack` })

    expect(expectError(late, 409, 'FM_ERR_ALARM_STATE')).toContain('already acknowledged')
    const audit = (await api.inject('/api/audit?action=alarm.acknowledge')).json<AuditPage>()
    expect(audit.entries.map((entry) => [entry.actor.name, entry.outcome])).toEqual([
      ['guard.two', 'failed'],
      ['guard.one', 'ok'],
    ])
    expect(audit.entries[0]?.detail).toMatchObject({ code: 'FM_ERR_ALARM_STATE' })
  })
})

describe('shelving an alarm', () => {
  it('needs a reason and a duration of at most 12 hours, and refuses a P0 alarm with 409', async () => {
    const api = await startAlarmApi()
    const ts = api.clock.now() - MINUTE_MS
    const pump = await raise(api, 'pump-1', 'pump.current-high', ts, 66)
    const fire = await raise(api, 'fire-panel', 'fire-alarm-panel.fire', ts, 2)
    const guard = await userOf(api, 'zhao.lei', 'guard')
    const shelve = (id: number, payload: object) =>
      send(api, guard, { method: 'POST', url: `/api/alarms/${id}/shelve`, payload })

    expectError(await shelve(pump.id, { kind: 'timed', durationMin: 30 }), 400, 'FM_ERR_VALIDATION')
    expectError(await shelve(pump.id, { kind: 'timed', durationMin: 30, reason: '   ' }), 400, 'FM_ERR_ALARM_INVALID')
    const essay = 'x'.repeat(501)
    expectError(await shelve(pump.id, { kind: 'timed', durationMin: 30, reason: essay }), 400, 'FM_ERR_VALIDATION')
    expectError(
      await shelve(pump.id, { kind: 'timed', durationMin: 721, reason: 'all night' }),
      400,
      'FM_ERR_VALIDATION',
    )
    expectError(await shelve(pump.id, { kind: 'timed', reason: 'for how long?' }), 400, 'FM_ERR_ALARM_INVALID')
    expectError(
      await shelve(pump.id, { kind: 'one-shot', durationMin: 5, reason: 'both' }),
      400,
      'FM_ERR_ALARM_INVALID',
    )
    expectError(await shelve(fire.id, { kind: 'one-shot', reason: 'smoke test' }), 409, 'FM_ERR_ALARM_STATE')
    const shelved = await shelve(pump.id, { kind: 'timed', durationMin: 30, reason: 'bearing noise, tech on site' })

    expect(shelved.statusCode, shelved.body).toBe(200)
    expect(shelved.json<AlarmView>().shelved).toEqual({
      kind: 'timed',
      until: api.clock.now() + 30 * MINUTE_MS,
      reason: 'bearing noise, tech on site',
      by: 'guard zhao.lei',
      at: api.clock.now(),
    })
    // still listed as open: a console shows it among the shelved ones
    const open = (await send(api, guard, { url: '/api/alarms?priority=P2' })).json<AlarmView[]>()
    expect(open.map((alarm) => alarm.id)).toEqual([pump.id])
    const unshelve = () => send(api, guard, { method: 'POST', url: `/api/alarms/${pump.id}/unshelve` })
    expect((await unshelve()).json<AlarmView>().shelved).toBeUndefined()
    expectError(await unshelve(), 409, 'FM_ERR_ALARM_STATE')
  })

  it('ends a timed shelve when it is due, and tells the sockets', async () => {
    const api = await startAlarmApi()
    const alarm = await raise(api, 'pump-1', 'pump.current-high', api.clock.now() - MINUTE_MS, 66)
    const guard = await userOf(api, 'zhao.lei', 'guard')
    const socket = await connectRecorder(api, undefined, guard)
    await socket.next('snapshot')
    const payload = { kind: 'timed', durationMin: 15, reason: 'bearing noise, tech on site' }
    await send(api, guard, { method: 'POST', url: `/api/alarms/${alarm.id}/shelve`, payload })

    api.clock.advance(15 * MINUTE_MS)
    await socket.next('alarms', (changes) => changes.some((change) => change.transition === 'unshelved'))

    expect(api.store.getAlarm(alarm.id)?.shelved).toBeUndefined()
    expect(changesOf(socket.received, alarm.id).map((change) => change.transition)).toEqual(['shelved', 'unshelved'])
  })
})

describe('a latched fire alarm', () => {
  it('is reset only after its condition cleared, and records the fire steps once each', async () => {
    const api = await startAlarmApi()
    const raisedAt = api.clock.now() - 5 * MINUTE_MS
    const fire = await raise(api, 'fire-panel', 'fire-alarm-panel.fire', raisedAt, 1)
    const guard = await userOf(api, 'zhao.lei', 'guard')
    const post = (path: string, payload?: object) =>
      send(api, guard, { method: 'POST', url: `/api/alarms/${fire.id}/${path}`, ...(payload ? { payload } : {}) })

    const step = await post('fire-steps', { step: 'verify', note: 'CCTV: steam from the kitchen, no fire' })
    expectError(await post('fire-steps', { step: 'verify' }), 409, 'FM_ERR_ALARM_STATE')
    expectError(await post('fire-steps', { step: 'ring-the-bell' }), 400, 'FM_ERR_VALIDATION')
    await post('fire-steps', { step: 'false-alarm-recorded' })
    expect(expectError(await post('reset'), 409, 'FM_ERR_ALARM_STATE')).toContain('condition still holds')
    await clear(api, 'fire-panel', 'fire-alarm-panel.fire', api.clock.now())
    const stillActive = api.store.getAlarm(fire.id)
    const reset = await post('reset')
    await post('ack')

    expect(step.json<AlarmView>().fireSteps).toEqual([
      { step: 'verify', at: api.clock.now(), by: 'guard zhao.lei', note: 'CCTV: steam from the kitchen, no fire' },
    ])
    expect(stillActive).toMatchObject({ active: true, conditionActive: false, state: 'unack' })
    expect(reset.statusCode, reset.body).toBe(200)
    expect(reset.json<AlarmView>()).toMatchObject({ active: false, state: 'rtn-unack' })
    expect(api.store.getAlarm(fire.id)?.state).toBe('normal')
    const open = (await send(api, guard, { url: '/api/alarms' })).json<AlarmView[]>()
    expect(open.map((alarm) => alarm.id)).not.toContain(fire.id)
    expect(expectError(await post('reset'), 409, 'FM_ERR_ALARM_STATE')).toContain('not active')
  })
})

describe('out of service', () => {
  const url = '/api/devices/fire-panel/alarms/fire-alarm-panel.fire/out-of-service'

  it('takes a point out until a time, for supervisors; it comes back by itself when the time is up', async () => {
    const api = await startAlarmApi()
    const supervisor = await userOf(api, 'wang.jun', 'supervisor')
    const watcher = await connectRecorder(api, undefined, await userOf(api, 'zhao.lei', 'guard'))
    await watcher.next('snapshot')
    const until = api.clock.now() + 2 * HOUR_MS

    const put = (path: string, payload: object) => send(api, supervisor, { method: 'PUT', url: path, payload })
    expectError(await put(url, { until: api.clock.now() - 1, reason: 'zone 3 test' }), 400, 'FM_ERR_ALARM_INVALID')
    expectError(
      await put(url, { until: api.clock.now() + 8 * 24 * HOUR_MS, reason: 'zone 3' }),
      400,
      'FM_ERR_ALARM_INVALID',
    )
    expectError(
      await put(url.replace('fire-alarm-panel.fire', 'pump.fault'), { until, reason: 'x1' }),
      404,
      'FM_ERR_RULE_NOT_FOUND',
    )
    expectError(
      await put(url.replace('fire-panel', 'nowhere'), { until, reason: 'x1' }),
      404,
      'FM_ERR_DEVICE_NOT_FOUND',
    )
    const taken = await put(url, { until, reason: '3号防火分区联动测试' })
    const change = await watcher.next('alarms', (changes) => changes.some((c) => c.transition === 'out-of-service'))

    expect(taken.statusCode, taken.body).toBe(200)
    const alarm = taken.json<AlarmView>()
    expect(alarm).toMatchObject({
      deviceId: 'fire-panel',
      ruleId: 'fire-alarm-panel.fire',
      priority: 'P0',
      state: 'normal',
      count: 0,
      outOfService: { until, reason: '3号防火分区联动测试', by: 'supervisor wang.jun', at: api.clock.now() },
    })
    expect(change.map((c) => c.alarm.id)).toEqual([alarm.id])
    // a fire during the test still raises and is journaled; the console knows why it stays quiet
    const raised = await raise(api, 'fire-panel', 'fire-alarm-panel.fire', api.clock.now(), 1)
    expect(raised.outOfService?.until).toBe(until)

    api.clock.advance(2 * HOUR_MS)
    await watcher.next('alarms', (changes) => changes.some((c) => c.transition === 'in-service'))

    expect(api.store.getAlarm(alarm.id)?.outOfService).toBeUndefined()
    const journal = api.store.alarmJournal({ alarmId: alarm.id })
    expect(journal[0]).toMatchObject({
      transition: 'in-service',
      detail: { reason: 'the out-of-service period ended' },
    })
  })

  it('returns a point to service early; a point in service answers 409; guards may not suppress', async () => {
    const api = await startAlarmApi()
    const supervisor = await userOf(api, 'wang.jun', 'supervisor')
    const guard = await userOf(api, 'zhao.lei', 'guard')
    const payload = { until: api.clock.now() + HOUR_MS, reason: 'detector replaced' }

    expectError(await send(api, guard, { method: 'PUT', url, payload }), 403, 'FM_ERR_FORBIDDEN')
    expectError(await send(api, supervisor, { method: 'DELETE', url }), 409, 'FM_ERR_ALARM_STATE')
    await send(api, supervisor, { method: 'PUT', url, payload })
    const back = await send(api, supervisor, { method: 'DELETE', url })

    expect(back.statusCode, back.body).toBe(200)
    expect(back.json<AlarmView>().outOfService).toBeUndefined()
    const audit = (await api.inject('/api/audit?action=alarm.')).json<AuditPage>()
    expect(audit.entries.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['alarm.in-service', 'ok'],
      ['alarm.out-of-service', 'ok'],
      ['alarm.in-service', 'failed'],
    ])
  })
})
