import { describe, expect, it } from 'vitest'
import {
  compareAlarms,
  consoleSections,
  countUnacknowledged,
  floodView,
  headlineAlarm,
} from '../src/alarms/console-order.ts'
import {
  ALARMS,
  alarmView,
  BATTERY_LOW,
  CABLE_HOT,
  changed,
  FIRE,
  HUMID_SHELVED,
  POOL_OUT_OF_SERVICE,
  PUMP_MANUAL,
  TANK_LOW,
} from './alarm-fixtures.ts'
import { NOW, SITE } from './fixtures.ts'

const ids = (alarms: readonly { id: number }[]) => alarms.map((alarm) => alarm.id)

describe('console order', () => {
  it('pins unacknowledged alarms on top, then sorts by priority, then oldest first', () => {
    const { active } = consoleSections(ALARMS)
    // Unacknowledged: P0 fire, P1 tank, P3 battery; then acknowledged: P1 cable, P2 pump.
    expect(ids(active)).toEqual([FIRE.id, TANK_LOW.id, BATTERY_LOW.id, CABLE_HOT.id, PUMP_MANUAL.id])
  })

  it('puts the alarm waiting longest first within a priority, and keeps equal alarms in a stable order', () => {
    const older = alarmView({
      id: 20,
      deviceId: 'lv-in-1',
      ruleId: 'electrical-panel.voltage-loss',
      priority: 'P1',
      raisedAt: NOW - 900_000,
    })
    const twin = { ...older, id: 21 }
    expect(ids([TANK_LOW, twin, older].sort(compareAlarms))).toEqual([20, 21, TANK_LOW.id])
  })

  it('counts an alarm back to normal but unacknowledged as waiting, pinned with the others', () => {
    const returned = changed(CABLE_HOT, { state: 'rtn-unack' })
    expect(ids(consoleSections([PUMP_MANUAL, returned]).active)).toEqual([returned.id, PUMP_MANUAL.id])
    expect(countUnacknowledged([returned, PUMP_MANUAL, HUMID_SHELVED])).toBe(1)
  })

  it('keeps shelved and out-of-service alarms apart, the one back soonest first', () => {
    const { active, suppressed } = consoleSections(ALARMS)
    expect(ids(suppressed)).toEqual([HUMID_SHELVED.id, POOL_OUT_OF_SERVICE.id])
    expect(active.some((alarm) => alarm.id === HUMID_SHELVED.id)).toBe(false)
    const byDesign = changed(TANK_LOW, { suppressedByDesign: true })
    expect(ids(consoleSections([byDesign]).suppressed)).toEqual([TANK_LOW.id])
  })

  it('shows on the strip the highest priority waiting, and of those the newest', () => {
    expect(headlineAlarm(ALARMS)?.id).toBe(FIRE.id)
    const newer = alarmView({
      id: 30,
      deviceId: 'pump-low-1',
      ruleId: 'pump.fault',
      priority: 'P1',
      raisedAt: NOW - 1_000,
    })
    expect(headlineAlarm([TANK_LOW, newer, BATTERY_LOW])?.id).toBe(30)
    expect(headlineAlarm([CABLE_HOT, HUMID_SHELVED])).toBeUndefined()
  })
})

describe('flood view', () => {
  it('keeps P0 and P1 alarms grouped by building, the most pressing group first, and counts the rest', () => {
    const hydrant = alarmView({
      id: 40,
      deviceId: 'pump-fire-1',
      ruleId: 'pump.fault',
      priority: 'P1',
      raisedAt: NOW - 50_000,
    })
    const { active } = consoleSections([...ALARMS, hydrant])
    const view = floodView(active, SITE)
    // The fire alarm is in the fire control room, outside the buildings; the tank and the hydrant pump in building
    // 3 (through their rooms); the cable in the power room of building 1.
    expect(view.groups.map((g) => [g.key, ids(g.alarms)])).toEqual([
      ['site', [FIRE.id]],
      ['building:b3', [TANK_LOW.id, hydrant.id]],
      ['building:b1', [CABLE_HOT.id]],
    ])
    expect(ids(view.rest)).toEqual([BATTERY_LOW.id, PUMP_MANUAL.id])
  })
})
