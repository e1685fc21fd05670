/**
 * Alarms on the devices of fixtures.ts, typed with the protocol so that a contract change breaks the tests at compile
 * time: one of each priority, a fire alarm, a shelved and an out-of-service one.
 */
import {
  type AlarmKpis,
  type AlarmState,
  type AlarmView,
  alarmRule,
  type FloodStatus,
  type LiveSnapshot,
} from '@fm/protocol'
import type { SiteAlarmRule } from '../src/alarms/rules-api.ts'
import { fixtureDevice, NOW, SNAPSHOT } from './fixtures.ts'

type AlarmInput = Pick<AlarmView, 'id' | 'deviceId' | 'ruleId' | 'priority'> & Partial<AlarmView>

/** ISA-18.2's two facts behind a state. */
const facts = (state: AlarmState) => ({
  active: state === 'unack' || state === 'ack',
  acknowledged: state === 'ack' || state === 'normal',
})

/** An alarm of a fixture device: active and unacknowledged unless `state` says otherwise. */
export function alarmView({ state = 'unack', ...partial }: AlarmInput): AlarmView {
  const device = fixtureDevice(partial.deviceId)
  const { active, acknowledged } = facts(state)
  return {
    siteId: device.siteId,
    ...(device.buildingId ? { buildingId: device.buildingId } : {}),
    ...(device.roomId ? { roomId: device.roomId } : {}),
    kind: device.kind,
    state,
    active,
    acknowledged,
    latched: false,
    conditionActive: active,
    count: 1,
    raisedAt: NOW - 60_000,
    suppressedByDesign: false,
    updatedAt: NOW,
    ...partial,
  }
}

/** The same alarm after a change, with a later `updatedAt`, its facts following `state`. */
export function changed(alarm: AlarmView, patch: Partial<AlarmView>): AlarmView {
  return { ...alarm, ...facts(patch.state ?? alarm.state), updatedAt: alarm.updatedAt + 1, ...patch }
}

export const FIRE = alarmView({
  id: 1,
  deviceId: 'fap-1',
  ruleId: 'fire-alarm-panel.fire',
  priority: 'P0',
  latched: true,
  raisedAt: NOW - 60_000,
})

export const TANK_LOW = alarmView({
  id: 2,
  deviceId: 'tank-1',
  ruleId: 'water-tank.level-low-low',
  priority: 'P1',
  count: 3,
  raisedAt: NOW - 300_000,
})

export const PUMP_MANUAL = alarmView({
  id: 3,
  deviceId: 'pump-fire-1',
  ruleId: 'pump.manual-mode',
  priority: 'P2',
  state: 'ack',
  raisedAt: NOW - 3_600_000,
  acknowledgedAt: NOW - 3_000_000,
  acknowledgedBy: '张伟',
})

export const CABLE_HOT = alarmView({
  id: 4,
  deviceId: 'lv-in-1',
  ruleId: 'electrical-panel.cable-temperature',
  priority: 'P1',
  state: 'ack',
  raisedAt: NOW - 600_000,
})

export const BATTERY_LOW = alarmView({
  id: 5,
  deviceId: 'cp-02',
  ruleId: 'patrol-checkpoint.battery-low',
  priority: 'P3',
  raisedAt: NOW - 120_000,
})

export const HUMID_SHELVED = alarmView({
  id: 6,
  deviceId: 'env-fire-control-room',
  ruleId: 'room-environment.humidity-high',
  priority: 'P2',
  shelved: { kind: 'timed', until: NOW + 7_200_000, reason: '除湿机维修中', by: '张伟', at: NOW - 60_000 },
})

export const POOL_OUT_OF_SERVICE = alarmView({
  id: 7,
  deviceId: 'fw-pool',
  ruleId: 'fire-water.tank-level-low',
  priority: 'P1',
  state: 'normal',
  outOfService: { until: NOW + 10_800_000, reason: '水池清洗', by: '李明', at: NOW - 600_000 },
})

/** Every fixture alarm: what a console lists. */
export const ALARMS: AlarmView[] = [
  FIRE,
  TANK_LOW,
  PUMP_MANUAL,
  CABLE_HOT,
  BATTERY_LOW,
  HUMID_SHELVED,
  POOL_OUT_OF_SERVICE,
]

export const FLOOD: FloodStatus = { siteId: 'cuihu', active: true, since: NOW - 300_000, last10Min: 42 }

export function snapshotWith(alarms: AlarmView[], floods: FloodStatus[] = []): LiveSnapshot {
  return { ...SNAPSHOT, alarms, floods }
}

export const KPIS: AlarmKpis = {
  siteId: 'cuihu',
  from: NOW - 86_400_000,
  to: NOW,
  raised: 288,
  averagePer10Min: 2,
  maxPer10Min: 14,
  floodPercent: 0.69,
  floods: [{ start: NOW - 7_200_000, end: NOW - 6_600_000, peakPer10Min: 14 }],
  standing: 2,
  chattering: [{ deviceId: 'tank-1', ruleId: 'water-tank.level-low', raises: 31 }],
  top10: [
    { deviceId: 'tank-1', ruleId: 'water-tank.level-low', raises: 31 },
    { deviceId: 'lv-in-1', ruleId: 'electrical-panel.cable-temperature', raises: 9 },
  ],
  priorityDistribution: {
    P0: { count: 3, percent: 1.04 },
    P1: { count: 60, percent: 20.83 },
    P2: { count: 200, percent: 69.44 },
    P3: { count: 25, percent: 8.68 },
  },
  timeToAcknowledge: {
    samples: 120,
    p50Sec: 42,
    p90Sec: 250,
    byOperator: [
      { user: '张伟', acknowledged: 80, p50Sec: 35 },
      { user: '陈静', acknowledged: 40, p50Sec: 61 },
    ],
  },
}

/** A rule of the catalog as the api lists it for a site without overrides. */
export function siteRule(id: string): SiteAlarmRule {
  const rule = alarmRule(id)
  if (!rule) throw new Error(`no rule ${id}`)
  const { condition } = rule
  const threshold =
    condition.type === 'above' || condition.type === 'below'
      ? { threshold: condition.threshold, deadband: condition.deadband }
      : {}
  const numbers = { priority: rule.priority, onDelaySec: rule.onDelaySec, offDelaySec: rule.offDelaySec, ...threshold }
  return {
    id,
    kind: rule.kind,
    name: rule.name,
    condition: { type: condition.type, ...('field' in condition ? { field: condition.field } : {}) },
    enabled: true,
    ...numbers,
    defaults: numbers,
    devices: [],
  }
}
