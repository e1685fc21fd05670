import { MAX_SHELVE_MS } from '@fm/protocol'
import { describe, expect, test } from 'vitest'
import { type AlarmActor, AlarmError, type AlarmRaise, openStore } from '../src/index.ts'
import { provisionedDataDir, provisionedStore } from './fixtures.ts'

const T = Date.UTC(2026, 10, 27, 3, 0, 0)
const MIN = 60_000
const GUARD: AlarmActor = { userId: 'u_guard', name: '赵磊' }

const lowLevel = (ts: number, value = 12): AlarmRaise => ({
  deviceId: 'tank-1',
  ruleId: 'water-tank.level-low-low',
  priority: 'P1',
  latch: false,
  ack: 'required',
  value,
  ts,
})

const fire = (ts: number): AlarmRaise => ({
  deviceId: 'fap-1',
  ruleId: 'fire-alarm-panel.fire',
  priority: 'P0',
  latch: true,
  ack: 'required',
  value: 1,
  ts,
})

function expectCode(run: () => unknown, code: string): void {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AlarmError)
    expect((error as AlarmError).code).toBe(code)
    return
  }
  throw new Error(`expected ${code}`)
}

describe('alarm states (ISA-18.2)', () => {
  test('walk raised → acknowledged → cleared → normal, each transition journaled with who and when', async () => {
    const store = await provisionedStore()

    const raised = store.raiseAlarm(lowLevel(T))
    const acked = store.acknowledgeAlarm(raised?.alarm.id ?? 0, GUARD, T + MIN, ' on my way ')
    const cleared = store.clearAlarm('tank-1', 'water-tank.level-low-low', T + 5 * MIN)

    expect(raised?.alarm).toMatchObject({
      state: 'unack',
      siteId: 'xingfuli',
      buildingId: 'b1',
      roomId: 'pump-room',
      kind: 'water-tank',
      priority: 'P1',
      count: 1,
      raisedAt: T,
      value: 12,
    })
    expect(acked.alarm).toMatchObject({ state: 'ack', acknowledgedBy: '赵磊', acknowledgedAt: T + MIN })
    expect(cleared?.alarm).toMatchObject({ state: 'normal', active: false, clearedAt: T + 5 * MIN })
    const journal = store.alarmJournal({ alarmId: raised?.alarm.id ?? 0, ascending: true })
    expect(journal.map(({ transition, ts, userName }) => [transition, ts, userName])).toEqual([
      ['raised', T, undefined],
      ['acknowledged', T + MIN, '赵磊'],
      ['cleared', T + 5 * MIN, undefined],
    ])
    expect(journal[1]?.detail).toEqual({ comment: 'on my way' })
  })

  test('an alarm that returns to normal unacknowledged waits in rtn-unack; auto-ack rules return to normal', async () => {
    const store = await provisionedStore()
    store.raiseAlarm(lowLevel(T))
    store.raiseAlarm({ ...lowLevel(T), deviceId: 'gate-east', ruleId: 'gate.barrier-held-open', ack: 'auto' })

    const required = store.clearAlarm('tank-1', 'water-tank.level-low-low', T + MIN)
    const auto = store.clearAlarm('gate-east', 'gate.barrier-held-open', T + MIN)

    expect(required?.alarm.state).toBe('rtn-unack')
    expect(auto?.alarm.state).toBe('normal')
    const later = store.acknowledgeAlarm(required?.alarm.id ?? 0, GUARD, T + 2 * MIN)
    expect(later.alarm.state).toBe('normal')
  })

  test('keep one instance per (device, rule): raises while active change nothing, re-triggers count', async () => {
    const store = await provisionedStore()
    const first = store.raiseAlarm(lowLevel(T))

    expect(store.raiseAlarm(lowLevel(T + 1))).toBeUndefined()
    for (let n = 1; n < 100; n += 1) {
      store.clearAlarm('tank-1', 'water-tank.level-low-low', T + n * 10)
      const again = store.raiseAlarm(lowLevel(T + n * 10 + 5))
      expect(again?.transition).toBe('retriggered')
    }

    const alarms = store.listAlarms()
    expect(alarms).toHaveLength(1)
    expect(alarms[0]).toMatchObject({ id: first?.alarm.id, count: 100, raisedAt: T, state: 'unack' })
  })

  test('two processes raising the same alarm at once end with one row', async () => {
    const dir = await provisionedDataDir()
    const ingest = openStore({ file: `${dir}/fm.db` })
    const api = openStore({ file: `${dir}/fm.db` })
    try {
      const [a, b] = [ingest.raiseAlarm(lowLevel(T)), api.raiseAlarm(lowLevel(T))]
      expect([a?.transition, b?.transition]).toEqual(['raised', undefined])
      expect(api.listAlarms()).toHaveLength(1)
    } finally {
      ingest.close()
      api.close()
    }
  })

  test('a raise from normal starts a new occurrence on the same instance, unacknowledged again', async () => {
    const store = await provisionedStore()
    const id = store.raiseAlarm(lowLevel(T))?.alarm.id ?? 0
    store.acknowledgeAlarm(id, GUARD, T + 1)
    store.clearAlarm('tank-1', 'water-tank.level-low-low', T + 2)

    const next = store.raiseAlarm(lowLevel(T + 10 * MIN, 9))

    expect(next).toMatchObject({ transition: 'raised' })
    expect(next?.alarm).toMatchObject({ id, count: 1, raisedAt: T + 10 * MIN, state: 'unack', value: 9 })
    expect(next?.alarm.acknowledgedBy).toBeUndefined()
  })

  test('refuse to acknowledge twice, and answer an unknown alarm FM_ERR_ALARM_NOT_FOUND', async () => {
    const store = await provisionedStore()
    const id = store.raiseAlarm(lowLevel(T))?.alarm.id ?? 0
    store.acknowledgeAlarm(id, GUARD, T + 1)

    expectCode(() => store.acknowledgeAlarm(id, GUARD, T + 2), 'FM_ERR_ALARM_STATE')
    expectCode(() => store.acknowledgeAlarm(999, GUARD, T + 2), 'FM_ERR_ALARM_NOT_FOUND')
  })
})

describe('latched alarms (fire)', () => {
  test('stay active after the condition clears, until a reset, which only then is allowed', async () => {
    const store = await provisionedStore()
    const id = store.raiseAlarm(fire(T))?.alarm.id ?? 0

    expectCode(() => store.resetAlarm(id, GUARD, T + 1), 'FM_ERR_ALARM_STATE')
    const cleared = store.clearAlarm('fap-1', 'fire-alarm-panel.fire', T + MIN)
    expect(cleared?.alarm).toMatchObject({ active: true, conditionActive: false, state: 'unack' })
    store.acknowledgeAlarm(id, GUARD, T + 2 * MIN)
    // a second detector before the reset: a new fire to look at, not an old one already acknowledged
    const again = store.raiseAlarm(fire(T + 2 * MIN + 1))
    expect(again?.alarm).toMatchObject({ state: 'unack', count: 2 })
    store.clearAlarm('fap-1', 'fire-alarm-panel.fire', T + 2 * MIN + 2)
    store.acknowledgeAlarm(id, GUARD, T + 2 * MIN + 3)
    const reset = store.resetAlarm(id, GUARD, T + 3 * MIN)

    expect(reset.alarm.state).toBe('normal')
    expectCode(() => store.resetAlarm(id, GUARD, T + 4 * MIN), 'FM_ERR_ALARM_STATE')
    const lowId = store.raiseAlarm(lowLevel(T))?.alarm.id ?? 0
    expectCode(() => store.resetAlarm(lowId, GUARD, T + 5 * MIN), 'FM_ERR_ALARM_STATE')
  })

  test('record the GB 25201 steps of the current occurrence once each, with who and when', async () => {
    const store = await provisionedStore()
    const id = store.raiseAlarm(fire(T))?.alarm.id ?? 0

    store.recordFireStep(id, GUARD, 'verify', T + 30_000, 'CCTV: smoke on 12F')
    const after = store.recordFireStep(id, GUARD, 'call-119', T + 60_000)

    expect(after.alarm.fireSteps).toEqual([
      { step: 'verify', at: T + 30_000, by: '赵磊', note: 'CCTV: smoke on 12F' },
      { step: 'call-119', at: T + 60_000, by: '赵磊' },
    ])
    expectCode(() => store.recordFireStep(id, GUARD, 'verify', T + 90_000), 'FM_ERR_ALARM_STATE')
    const low = store.raiseAlarm(lowLevel(T))?.alarm.id ?? 0
    expectCode(() => store.recordFireStep(low, GUARD, 'verify', T), 'FM_ERR_ALARM_STATE')
  })
})

describe('shelving and out of service', () => {
  test('a timed shelve needs a reason and an end within the maximum, and expires as the platform', async () => {
    const store = await provisionedStore()
    const id = store.raiseAlarm(lowLevel(T))?.alarm.id ?? 0

    expectCode(
      () => store.shelveAlarm(id, GUARD, { kind: 'timed', until: T + MIN, reason: ' ' }, T),
      'FM_ERR_ALARM_INVALID',
    )
    expectCode(
      () => store.shelveAlarm(id, GUARD, { kind: 'timed', until: T + MAX_SHELVE_MS + 1, reason: 'chattering' }, T),
      'FM_ERR_ALARM_INVALID',
    )
    const shelved = store.shelveAlarm(
      id,
      GUARD,
      { kind: 'timed', until: T + 2 * 60 * MIN, reason: 'float valve stuck' },
      T,
    )
    expect(shelved.alarm.shelved).toEqual({
      kind: 'timed',
      until: T + 120 * MIN,
      reason: 'float valve stuck',
      by: '赵磊',
      at: T,
    })

    expect(store.expireAlarmSuppressions(T + 119 * MIN)).toEqual([])
    const [expired] = store.expireAlarmSuppressions(T + 120 * MIN)
    expect(expired).toMatchObject({ transition: 'unshelved', ts: T + 120 * MIN })
    expect(expired?.alarm.shelved).toBeUndefined()
    expect(store.alarmJournal({ alarmId: id, limit: 1 })[0]).toMatchObject({
      transition: 'unshelved',
      detail: { reason: 'the shelve expired' },
    })
  })

  test('a one-shot shelve ends when the alarm is back to normal; a P0 alarm cannot be shelved', async () => {
    const store = await provisionedStore()
    const id = store.raiseAlarm(lowLevel(T))?.alarm.id ?? 0
    store.shelveAlarm(id, GUARD, { kind: 'one-shot', reason: 'known, technician on site' }, T)
    store.acknowledgeAlarm(id, GUARD, T + 1)

    const back = store.clearAlarm('tank-1', 'water-tank.level-low-low', T + 2)

    expect(back?.alarm.state).toBe('normal')
    expect(back?.alarm.shelved).toBeUndefined()
    const fireId = store.raiseAlarm(fire(T))?.alarm.id ?? 0
    expectCode(() => store.shelveAlarm(fireId, GUARD, { kind: 'one-shot', reason: 'test' }, T), 'FM_ERR_ALARM_STATE')
  })

  test('out of service can be set before a point ever alarmed, keeps raising quietly, and ends at its time', async () => {
    const store = await provisionedStore()
    const target = {
      deviceId: 'fap-1',
      ruleId: 'fire-alarm-panel.fire',
      priority: 'P0' as const,
      latch: true,
      ack: 'required' as const,
    }

    const oos = store.setAlarmOutOfService(
      target,
      GUARD,
      { until: T + 5 * 60 * MIN, reason: 'zone 3 under test until 14:00' },
      T,
    )
    const raisedDuringTest = store.raiseAlarm(fire(T + MIN))

    expect(oos.alarm).toMatchObject({ state: 'normal', count: 0, outOfService: { until: T + 300 * MIN, by: '赵磊' } })
    expect(oos.alarm.raisedAt).toBeUndefined()
    expect(raisedDuringTest?.alarm).toMatchObject({ state: 'unack', outOfService: { until: T + 300 * MIN } })
    const [back] = store.expireAlarmSuppressions(T + 300 * MIN)
    expect(back).toMatchObject({ transition: 'in-service' })
    expect(back?.alarm.outOfService).toBeUndefined()
    expect(store.listAlarms({ open: true }).map((alarm) => alarm.ruleId)).toEqual(['fire-alarm-panel.fire'])
  })

  test('survive reopening the database file: states, counts and expiries intact', async () => {
    const dir = await provisionedDataDir()
    const first = openStore({ file: `${dir}/fm.db` })
    const id = first.raiseAlarm(lowLevel(T))?.alarm.id ?? 0
    first.clearAlarm('tank-1', 'water-tank.level-low-low', T + 1)
    first.raiseAlarm(lowLevel(T + 2))
    first.shelveAlarm(id, GUARD, { kind: 'timed', until: T + 30 * MIN, reason: 'valve replaced today' }, T + 3)
    const before = first.getAlarm(id)
    first.close()

    const second = openStore({ file: `${dir}/fm.db` })
    try {
      expect(second.getAlarm(id)).toEqual(before)
      expect(second.getAlarm(id)).toMatchObject({ count: 2, shelved: { until: T + 30 * MIN } })
    } finally {
      second.close()
    }
  })
})

describe('the alarm journal', () => {
  test('is append-only, whoever writes', async () => {
    const dir = await provisionedDataDir()
    const store = openStore({ file: `${dir}/fm.db` })
    store.raiseAlarm(lowLevel(T))
    store.close()
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(`${dir}/fm.db`)
    try {
      expect(() => db.prepare(`UPDATE alarm_journal SET transition = 'cleared'`).run()).toThrow(/append-only/)
    } finally {
      db.close()
    }
  })

  test('is queried by site, device, period and transition, newest first or oldest first', async () => {
    const store = await provisionedStore()
    store.raiseAlarm(lowLevel(T))
    store.raiseAlarm(fire(T + MIN))
    store.clearAlarm('tank-1', 'water-tank.level-low-low', T + 2 * MIN)

    expect(store.alarmJournal({ siteIds: ['xingfuli'] }).map((entry) => entry.transition)).toEqual([
      'cleared',
      'raised',
      'raised',
    ])
    expect(store.alarmJournal({ deviceId: 'fap-1' })).toHaveLength(1)
    expect(store.alarmJournal({ from: T + MIN, to: T + 2 * MIN }).map((entry) => entry.deviceId)).toEqual(['fap-1'])
    expect(store.alarmJournal({ transitions: ['raised'], ascending: true }).map((entry) => entry.ts)).toEqual([
      T,
      T + MIN,
    ])
    expect(store.alarmJournal({ siteIds: ['elsewhere'] })).toEqual([])
  })
})

describe('rule overrides', () => {
  test('are kept per site, for all devices or one, and removed', async () => {
    const store = await provisionedStore()
    store.setRuleOverride('xingfuli', { ruleId: 'water-tank.level-low', threshold: 25 }, T)
    store.setRuleOverride('xingfuli', { ruleId: 'water-tank.level-low', deviceId: 'tank-1', enabled: false }, T + 1)
    store.setRuleOverride('xingfuli', { ruleId: 'water-tank.level-low', threshold: 28 }, T + 2)

    expect(store.listRuleOverrides('xingfuli')).toEqual([
      { siteId: 'xingfuli', ruleId: 'water-tank.level-low', threshold: 28, updatedAt: T + 2 },
      { siteId: 'xingfuli', ruleId: 'water-tank.level-low', deviceId: 'tank-1', enabled: false, updatedAt: T + 1 },
    ])
    expect(store.deleteRuleOverride('xingfuli', 'water-tank.level-low', 'tank-1')).toBe(true)
    expect(store.deleteRuleOverride('xingfuli', 'water-tank.level-low', 'tank-1')).toBe(false)
    expect(store.listRuleOverrides()).toHaveLength(1)
  })
})
