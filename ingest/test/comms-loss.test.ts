/**
 * Liveness and comms-loss alarms through the alarm engine, over a real store on a clock the test sets: a silent or
 * offline device, every kind's priority, and the grouping that turns a silent gateway or room into one alarm.
 */
import { alarmRule, DEVICE_KINDS, type DeviceKind, type DeviceStatus, GROUP_COMMS_LOSS_RULE } from '@fm/protocol'
import type { Store } from '@fm/store'
import { describe, expect, it } from 'vitest'
import { GROUP_WAIT_MAX_MS } from '../src/comms-loss.ts'
import {
  BASEMENT_SENSORS,
  type EngineRun,
  lakesideCompound,
  MIN,
  openAlarmStore,
  report,
  runUntil,
  SEC,
  SITE,
  startEngine,
  T0,
} from './alarm-harness.ts'

type Device = { id: string; kind: DeviceKind }

const devices: Device[] = lakesideCompound().devices.map(({ id, kind }) => ({ id, kind }))
const byId = (id: string): Device => {
  const device = devices.find((candidate) => candidate.id === id)
  if (!device) throw new Error(`no device ${id}`)
  return device
}
const GATEWAY = byId('gw-b1')
const BASEMENT = devices.filter((device) => device.id.startsWith('leak-'))
/** What a reading of each kind carries here: anything valid; the values do not matter for liveness. */
const SOME_VALUES: Record<DeviceKind, Record<string, number | boolean | string>> = {
  'water-tank': { level_pct: 70 },
  pump: { running: true, run_command: true },
  'electrical-panel': { uab_v: 396 },
  'fire-alarm-panel': { fire_points: 0 },
  'fire-water': { tank_level_pct: 95 },
  'room-environment': { flood: false },
  gate: { barrier: 'down' },
  'patrol-checkpoint': { battery_pct: 80 },
}

/** Every device in `talking` reports every 5 s from the clock's time up to `until`. */
function talk(run: EngineRun, talking: readonly Device[], until: number): void {
  runUntil(run, until, {
    everyMs: 5 * SEC,
    at: (now) => {
      for (const device of talking) report(run, device, SOME_VALUES[device.kind], now)
    },
  })
}

function status(device: Device, online: boolean, at: number): DeviceStatus {
  return { siteId: SITE, kind: device.kind, deviceId: device.id, ts: at, online }
}

function openAlarms(store: Store) {
  return store.listAlarms({ open: true }).map((alarm) => ({
    deviceId: alarm.deviceId,
    ruleId: alarm.ruleId,
    conditionActive: alarm.conditionActive,
    suppressedByDesign: alarm.suppressedByDesign,
  }))
}

async function everyoneTalking(settleMs = 30 * SEC) {
  const store = await openAlarmStore()
  const run = startEngine(store, { settleMs })
  talk(run, devices, T0 + MIN)
  return { store, run, start: run.clock.now() }
}

const without = (...gone: Device[]) => devices.filter((device) => !gone.includes(device))

describe('comms loss of one device', () => {
  it.each(DEVICE_KINDS.map((kind) => [kind, alarmRule(`${kind}.comms-loss`)?.priority] as const))(
    'a silent %s raises its own comms-loss alarm (%s) 3 intervals + the settle time after its last message',
    async (kind, priority) => {
      const { store, run, start } = await everyoneTalking()
      const device = byId(`${kind}-1`)
      const interval = lakesideCompound().devices.find((spec) => spec.id === device.id)?.report_interval_sec ?? 5
      // its last message was at `start`; lost at 3 intervals, alarmed 30 s later
      const due = start + 3 * interval * SEC + 30 * SEC
      talk(run, without(device), due - SEC)
      expect(store.findAlarm(device.id, `${kind}.comms-loss`)).toBeUndefined()
      talk(run, without(device), due)
      expect(store.findAlarm(device.id, `${kind}.comms-loss`)).toMatchObject({
        priority,
        raisedAt: due,
        state: 'unack',
      })
      expect(openAlarms(store)).toHaveLength(1)
      // any message ends it; comms-loss returns to normal by itself
      report(run, device, SOME_VALUES[kind], due + 2 * SEC)
      expect(store.findAlarm(device.id, `${kind}.comms-loss`)).toMatchObject({ state: 'normal' })
    },
  )

  it('takes an offline status (the last will) at once, waits the settle time, and an online status ends it', async () => {
    const { store, run, start } = await everyoneTalking()
    const tank = byId('water-tank-1')
    run.engine.status(status(tank, false, start + SEC), start + SEC, false)
    talk(run, without(tank), start + 30 * SEC)
    expect(store.findAlarm(tank.id, 'water-tank.comms-loss')).toBeUndefined()
    talk(run, without(tank), start + 31 * SEC)
    expect(store.findAlarm(tank.id, 'water-tank.comms-loss')).toMatchObject({
      priority: 'P2',
      raisedAt: start + 31 * SEC,
    })
    // replayed from the broker's retained store, an online status says nothing about now
    run.engine.status(status(tank, true, start), start + 40 * SEC, true)
    expect(store.findAlarm(tank.id, 'water-tank.comms-loss')?.conditionActive).toBe(true)
    run.engine.status(status(tank, true, start + 41 * SEC), start + 41 * SEC, false)
    expect(store.findAlarm(tank.id, 'water-tank.comms-loss')?.conditionActive).toBe(false)
  })

  it('follows the report interval a device announces in its status', async () => {
    const { store, run, start } = await everyoneTalking()
    const gate = byId('gate-1')
    run.engine.status({ ...status(gate, true, start), reportIntervalSec: 60 }, start, false)
    talk(run, without(gate), start + 3 * MIN + 29 * SEC)
    expect(store.findAlarm(gate.id, 'gate.comms-loss')).toBeUndefined()
    talk(run, without(gate), start + 3 * MIN + 30 * SEC)
    expect(store.findAlarm(gate.id, 'gate.comms-loss')?.priority).toBe('P1')
  })

  it('does not watch a device that never reported: provisioned, not installed yet', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    talk(run, [byId('gate-1')], T0 + 30 * MIN)
    expect(openAlarms(store)).toEqual([])
  })
})

describe('comms loss of a gateway or a room: one alarm', () => {
  it('silences 20 devices behind one gateway, and the gateway: one group alarm, not 21', async () => {
    const { store, run, start } = await everyoneTalking()
    const basement = [GATEWAY, ...BASEMENT]
    expect(BASEMENT).toHaveLength(BASEMENT_SENSORS)
    talk(run, without(...basement), start + 30 * MIN)
    expect(openAlarms(store)).toEqual([
      { deviceId: GATEWAY.id, ruleId: GROUP_COMMS_LOSS_RULE, conditionActive: true, suppressedByDesign: false },
    ])
    expect(store.findAlarm(GATEWAY.id, GROUP_COMMS_LOSS_RULE)).toMatchObject({
      // the sprinkler-main monitor among them is P1, the others P2
      priority: 'P1',
      value: BASEMENT_SENSORS + 1,
      // lost 15 s after their last message, and 30 s to settle
      raisedAt: start + 45 * SEC,
      count: 1,
    })
    expect(store.alarmJournal({ transitions: ['raised'] })).toHaveLength(1)
    // the gateway restarts, its devices come back one by one within a few seconds: no alarm of their own
    for (const [index, device] of basement.entries()) {
      report(run, device, SOME_VALUES[device.kind], start + 30 * MIN + index * 500)
    }
    talk(run, devices, start + 40 * MIN)
    expect(openAlarms(store)).toEqual([])
    expect(store.findAlarm(GATEWAY.id, GROUP_COMMS_LOSS_RULE)).toMatchObject({ state: 'normal', count: 1 })
    expect(store.alarmJournal({ transitions: ['raised'] })).toHaveLength(1)
  })

  it('raises a room group alarm on its first device by id when no gateway is involved', async () => {
    const { store, run, start } = await everyoneTalking()
    const pumpRoom = ['water-tank-1', 'pump-1', 'fire-water-1', 'room-environment-1'].map(byId)
    talk(run, without(...pumpRoom), start + 5 * MIN)
    expect(openAlarms(store).map((alarm) => [alarm.deviceId, alarm.ruleId])).toEqual([
      ['fire-water-1', GROUP_COMMS_LOSS_RULE],
    ])
    expect(store.findAlarm('fire-water-1', GROUP_COMMS_LOSS_RULE)).toMatchObject({ priority: 'P1', value: 4 })
  })

  it('suppresses the own alarm of a member lost earlier once its whole group is lost, and lifts it after', async () => {
    const { store, run, start } = await everyoneTalking()
    const first = byId('leak-03')
    talk(run, without(first), start + 2 * MIN)
    expect(store.findAlarm(first.id, 'room-environment.comms-loss')).toMatchObject({ suppressedByDesign: false })
    const rest = [GATEWAY, ...BASEMENT.filter((device) => device !== first)]
    talk(run, without(first, ...rest), start + 4 * MIN)
    expect(openAlarms(store)).toEqual([
      { deviceId: GATEWAY.id, ruleId: GROUP_COMMS_LOSS_RULE, conditionActive: true, suppressedByDesign: false },
      { deviceId: first.id, ruleId: 'room-environment.comms-loss', conditionActive: true, suppressedByDesign: true },
    ])
    // the rest comes back: the group alarm clears, the member still silent is shown again
    talk(run, without(first), start + 5 * MIN)
    expect(openAlarms(store)).toEqual([
      { deviceId: first.id, ruleId: 'room-environment.comms-loss', conditionActive: true, suppressedByDesign: false },
    ])
  })

  it('waits for a member that reports less often before alarming its devices one by one', async () => {
    const { store, run, start } = await everyoneTalking()
    const slow = byId('leak-20')
    run.engine.status({ ...status(slow, true, start), reportIntervalSec: 60 }, start, false)
    const basement = [GATEWAY, ...BASEMENT]
    // the 5-second devices are found silent after 15 s, the slow one after 3 minutes: one group alarm then
    talk(run, without(...basement), start + 3 * MIN + 30 * SEC)
    expect(openAlarms(store)).toEqual([
      { deviceId: GATEWAY.id, ruleId: GROUP_COMMS_LOSS_RULE, conditionActive: true, suppressedByDesign: false },
    ])
    expect(store.findAlarm(GATEWAY.id, GROUP_COMMS_LOSS_RULE)?.raisedAt).toBe(start + 3 * MIN)
  })

  it('alarms a lost member on its own once the slow member speaks: the group is not down', async () => {
    const { store, run, start } = await everyoneTalking()
    const slow = byId('leak-20')
    run.engine.status({ ...status(slow, true, start), reportIntervalSec: 60 }, start, false)
    const lost = byId('leak-05')
    talk(run, without(lost, slow), start + 54 * SEC)
    expect(store.findAlarm(lost.id, 'room-environment.comms-loss')).toBeUndefined()
    report(run, slow, SOME_VALUES[slow.kind], start + 55 * SEC)
    talk(run, without(lost), start + 2 * MIN)
    // on the tick after leak-20 spoke
    expect(store.findAlarm(lost.id, 'room-environment.comms-loss')?.raisedAt).toBe(start + 56 * SEC)
  })

  it('waits for a slow member at most GROUP_WAIT_MAX_MS', async () => {
    const { store, run, start } = await everyoneTalking()
    const slow = byId('leak-20')
    run.engine.status({ ...status(slow, true, start), reportIntervalSec: 3600 }, start, false)
    const lost = byId('leak-05')
    talk(run, without(lost, slow), start + 10 * MIN)
    const lostAt = start + 15 * SEC
    expect(store.findAlarm(lost.id, 'room-environment.comms-loss')?.raisedAt).toBe(lostAt + GROUP_WAIT_MAX_MS)
  })
})

describe('comms loss across a restart', () => {
  it('keeps a group alarm and a device alarm over a new engine, and clears them when the devices speak', async () => {
    const { store, run, start } = await everyoneTalking()
    const checkpoint = byId('patrol-checkpoint-1')
    talk(run, without(GATEWAY, ...BASEMENT, checkpoint), start + 5 * MIN)
    expect(openAlarms(store).map((alarm) => alarm.ruleId)).toEqual([
      GROUP_COMMS_LOSS_RULE,
      'patrol-checkpoint.comms-loss',
    ])
    const second = startEngine(store, { clock: run.clock })
    talk(second, without(GATEWAY, ...BASEMENT, checkpoint), start + 30 * MIN)
    expect(store.alarmJournal({ transitions: ['raised', 'retriggered'] })).toHaveLength(2)
    report(second, checkpoint, SOME_VALUES[checkpoint.kind])
    report(second, byId('leak-01'), SOME_VALUES['room-environment'])
    expect(openAlarms(store)).toEqual([])
  })
})
