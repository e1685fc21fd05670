/**
 * Alarms over the live socket, with real socket.io clients, the real store and the test broker standing in for
 * ingest: the open alarms in the snapshot (loaded at start, kept current, reloaded after a lost MQTT connection),
 * the changes as ingest publishes them, and a flood that starts and ends, told only to the users of its site.
 */
import { FLOOD_START, FLOOD_WINDOW_MS, type FloodStatus } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { changesOf, clear, OTHER_SITE, raise, startAlarmApi, userOf } from './alarm-fixtures.ts'
import { closeAll, connectRecorder, SITE_ID } from './fixtures.ts'

afterEach(closeAll)

const MINUTE_MS = 60_000
const START = Date.UTC(2026, 0, 5, 1, 0, 0)

describe('alarms over socket.io', () => {
  it('puts the open alarms of the store in the snapshot, then sends each change with the alarm as it is now', async () => {
    const api = await startAlarmApi({
      seed: (store) => {
        store.raiseAlarm({
          deviceId: 'pump-1',
          ruleId: 'pump.fault',
          priority: 'P1',
          latch: false,
          ack: 'required',
          ts: START - 10 * MINUTE_MS,
        })
        store.raiseAlarm({
          deviceId: 'env-1',
          ruleId: 'room-environment.flood',
          priority: 'P0',
          latch: false,
          ack: 'required',
          ts: START - 5 * MINUTE_MS,
        })
        // back to normal: not open
        store.raiseAlarm({
          deviceId: 'gate-east',
          ruleId: 'gate.barrier-held-open',
          priority: 'P2',
          latch: false,
          ack: 'auto',
          ts: START - 9 * MINUTE_MS,
        })
        store.clearAlarm('gate-east', 'gate.barrier-held-open', START - 8 * MINUTE_MS)
      },
    })
    const guard = await connectRecorder(api, undefined, await userOf(api, 'zhao.lei', 'guard'))
    const snapshot = await guard.next('snapshot')

    const raised = await raise(api, 'tank-1', 'water-tank.level-low', START - MINUTE_MS, 12)
    await clear(api, 'tank-1', 'water-tank.level-low', START)
    const changes = await guard.next('alarms', (batch) => batch.some((change) => change.transition === 'cleared'))

    // highest priority first, then oldest
    expect(snapshot.alarms.map((alarm) => [alarm.deviceId, alarm.priority, alarm.state])).toEqual([
      ['env-1', 'P0', 'unack'],
      ['pump-1', 'P1', 'unack'],
    ])
    expect(snapshot.floods).toEqual([{ siteId: SITE_ID, active: false, last10Min: 0 }])
    const transitions = changesOf(guard.received, raised.id).map((change) => change.transition)
    // one flush may hold both: then only the latest is sent, with the alarm as it is now
    expect(['raised,cleared', 'cleared']).toContain(transitions.join(','))
    expect(changes.find((change) => change.alarm.id === raised.id)?.alarm).toMatchObject({
      state: 'rtn-unack',
      conditionActive: false,
      clearedAt: START,
    })
  })

  it('reloads the open alarms after it lost the MQTT connection, and sends a fresh snapshot', async () => {
    const api = await startAlarmApi()
    const guard = await connectRecorder(api, undefined, await userOf(api, 'zhao.lei', 'guard'))
    await guard.next('snapshot')
    // raised while the api is away: only the store has it
    api.broker.dropClients('svc-api-')
    api.store.raiseAlarm({
      deviceId: 'pump-1',
      ruleId: 'pump.fault',
      priority: 'P1',
      latch: false,
      ack: 'required',
      ts: START - MINUTE_MS,
    })

    const snapshot = await guard.next('snapshot', (next) => next.alarms.length > 0)

    expect(snapshot.alarms.map((alarm) => alarm.ruleId)).toEqual(['pump.fault'])
  })

  it(`tells the users of a site its flood started at more than ${FLOOD_START} raises in 10 minutes, and ended`, async () => {
    const api = await startAlarmApi()
    const guard = await connectRecorder(api, undefined, await userOf(api, 'zhao.lei', 'guard'))
    const elsewhere = await connectRecorder(
      api,
      undefined,
      await userOf(api, 'guard.hexie', 'guard', { allSites: false, siteIds: [OTHER_SITE], buildingIds: [] }),
    )
    await Promise.all([guard.next('snapshot'), elsewhere.next('snapshot')])

    // a float switch that chatters: one raise and ten re-triggers, all within the api's (frozen) minute
    let ts = START - 30 * MINUTE_MS
    for (let raises = 0; raises <= FLOOD_START; raises += 1) {
      await raise(api, 'tank-1', 'water-tank.overflow', ts++, true)
      await clear(api, 'tank-1', 'water-tank.overflow', ts++)
    }
    const started = await guard.next('flood', (status) => status.active)
    const late = await connectRecorder(api, undefined, await userOf(api, 'wang.jun', 'supervisor'))
    const during = await late.next('snapshot')

    expect(started).toEqual<FloodStatus>({ siteId: SITE_ID, active: true, since: START, last10Min: FLOOD_START + 1 })
    expect(during.floods).toEqual([{ siteId: SITE_ID, active: true, since: START, last10Min: FLOOD_START + 1 }])

    api.clock.advance(FLOOD_WINDOW_MS)
    const ended = await guard.next('flood', (status) => !status.active)

    expect(ended).toEqual<FloodStatus>({ siteId: SITE_ID, active: false, last10Min: 0 })
    expect(elsewhere.received.filter((entry) => entry.event === 'flood' || entry.event === 'alarms')).toEqual([])
  })
})
