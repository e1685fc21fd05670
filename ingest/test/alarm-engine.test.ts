/**
 * The alarm engine over a real store, on a clock the test sets: delays, deadbands, latching, re-triggers,
 * suppression by design, overrides, restarts and what it hands on for publication. The simulated faults of every
 * device kind drive it end to end in e2e/alarm-faults.test.ts; liveness is in comms-loss.test.ts.
 */
import { ALARM_RULES, type AlarmRule, type DeviceKind, type RuleCondition } from '@fm/protocol'
import type { Store } from '@fm/store'
import { describe, expect, it } from 'vitest'
import {
  type EngineRun,
  journalOf,
  MIN,
  OPERATOR,
  openAlarmStore,
  report,
  runUntil,
  SEC,
  SITE,
  startEngine,
  T0,
} from './alarm-harness.ts'

const TANK = { id: 'water-tank-1', kind: 'water-tank' } as const
const PUMP = { id: 'pump-1', kind: 'pump' } as const
const PANEL = { id: 'electrical-panel-1', kind: 'electrical-panel' } as const
const FIRE_PANEL = { id: 'fire-alarm-panel-1', kind: 'fire-alarm-panel' } as const
const GATE = { id: 'gate-1', kind: 'gate' } as const

function alarm(store: Store, deviceId: string, ruleId: string) {
  const found = store.findAlarm(deviceId, ruleId)
  if (!found) throw new Error(`no alarm ${ruleId} on ${deviceId}`)
  return found
}

/** Reports `values` every 5 s from the clock's time up to `until`, ticking every second. */
function hold(
  run: EngineRun,
  device: { id: string; kind: DeviceKind },
  values: Record<string, number | string | boolean>,
  until: number,
) {
  runUntil(run, until, { everyMs: 5 * SEC, at: (now) => report(run, device, values, now) })
}

describe('alarm engine: on-delay, deadband, off-delay', () => {
  it('raises water-tank.level-low-low (P1) 60 s after the level fell under 15 %, not before, and clears it only at 20 %', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    report(run, TANK, { level_pct: 12 }, T0)
    hold(run, TANK, { level_pct: 12 }, T0 + 59 * SEC)
    expect(store.findAlarm(TANK.id, 'water-tank.level-low-low')).toBeUndefined()
    hold(run, TANK, { level_pct: 12 }, T0 + 60 * SEC)
    expect(alarm(store, TANK.id, 'water-tank.level-low-low')).toMatchObject({
      priority: 'P1',
      state: 'unack',
      raisedAt: T0 + 60 * SEC,
      value: 12,
    })
    // refilling: inside the 5 % deadband nothing changes, at 20 % it clears
    for (const level of [15, 17, 19.9]) report(run, TANK, { level_pct: level }, run.clock.now() + 5 * SEC)
    expect(alarm(store, TANK.id, 'water-tank.level-low-low').conditionActive).toBe(true)
    report(run, TANK, { level_pct: 20 }, run.clock.now() + 5 * SEC)
    expect(alarm(store, TANK.id, 'water-tank.level-low-low')).toMatchObject({
      conditionActive: false,
      state: 'rtn-unack',
    })
    expect(journalOf(store, TANK.id, 'water-tank.level-low-low')).toEqual(['raised', 'cleared'])
  })

  it('times a device that reports by exception on the clock: gate.barrier-held-open 120 s after the barrier went up', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    report(run, GATE, { barrier: 'up' }, T0)
    runUntil(run, T0 + 119 * SEC)
    expect(store.findAlarm(GATE.id, 'gate.barrier-held-open')).toBeUndefined()
    runUntil(run, T0 + 120 * SEC)
    expect(alarm(store, GATE.id, 'gate.barrier-held-open')).toMatchObject({ priority: 'P2', raisedAt: T0 + 120 * SEC })
    report(run, GATE, { barrier: 'down' })
    // `ack: auto`: back to normal without an acknowledgement
    expect(alarm(store, GATE.id, 'gate.barrier-held-open').state).toBe('normal')
  })

  it('starts the on-delay again when the condition lets go in between: cars passing raise nothing', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    for (let pass = 0; pass < 30; pass++) {
      report(run, GATE, { barrier: 'up' }, T0 + pass * 100 * SEC)
      runUntil(run, T0 + pass * 100 * SEC + 90 * SEC)
      report(run, GATE, { barrier: 'down' })
      runUntil(run, T0 + (pass + 1) * 100 * SEC - SEC)
    }
    expect(store.findAlarm(GATE.id, 'gate.barrier-held-open')).toBeUndefined()
  })

  const analog = ALARM_RULES.filter(
    (rule): rule is AlarmRule & { condition: Extract<RuleCondition, { type: 'above' | 'below' }> } =>
      (rule.condition.type === 'above' || rule.condition.type === 'below') && rule.condition.deadband > 0,
  )

  it.each(analog.map((rule) => [rule.id, rule] as const))(
    '%s: no chatter while the value hovers at the threshold, before or after the raise',
    async (_id, rule) => {
      const store = await openAlarmStore()
      const run = startEngine(store)
      const device = { id: `${rule.kind}-1`, kind: rule.kind }
      const { field, threshold, deadband, type } = rule.condition
      const side = type === 'above' ? 1 : -1
      const over = threshold + (side * deadband) / 2
      const inside = threshold - (side * deadband) / 2
      const onDelayMs = rule.onDelaySec * SEC
      let reading = 0
      const hover = (until: number) =>
        runUntil(run, until, {
          everyMs: 5 * SEC,
          at: (now) => report(run, device, { [field]: reading++ % 2 === 0 ? over : inside }, now),
        })
      report(run, device, { [field]: inside }, T0)
      hover(T0 + Math.max(10 * MIN, 3 * onDelayMs))
      expect(journalOf(store, device.id, rule.id)).toEqual(rule.onDelaySec > 0 ? [] : ['raised'])
      // held beyond the threshold for its on-delay: raised once, at the end of it
      const start = run.clock.now() + 5 * SEC
      report(run, device, { [field]: over }, start)
      hold(run, device, { [field]: over }, start + onDelayMs - SEC)
      expect(journalOf(store, device.id, rule.id)).toEqual([])
      hold(run, device, { [field]: over }, start + onDelayMs + 5 * SEC)
      expect(alarm(store, device.id, rule.id)).toMatchObject({
        priority: rule.priority,
        count: 1,
        conditionActive: true,
      })
      hover(run.clock.now() + 30 * MIN)
      expect(journalOf(store, device.id, rule.id)).toEqual(['raised'])
      report(run, device, { [field]: threshold - side * deadband }, run.clock.now() + 5 * SEC)
      expect(journalOf(store, device.id, rule.id)).toEqual(['raised', 'cleared'])
    },
  )

  it('waits an overridden off-delay before clearing', async () => {
    const store = await openAlarmStore()
    store.setRuleOverride(SITE, { ruleId: 'water-tank.overflow', offDelaySec: 30 }, T0)
    const run = startEngine(store)
    report(run, TANK, { overflow: true }, T0)
    report(run, TANK, { overflow: false }, T0 + 5 * SEC)
    runUntil(run, T0 + 34 * SEC)
    expect(alarm(store, TANK.id, 'water-tank.overflow').conditionActive).toBe(true)
    runUntil(run, T0 + 35 * SEC)
    expect(alarm(store, TANK.id, 'water-tank.overflow')).toMatchObject({
      conditionActive: false,
      clearedAt: T0 + 35 * SEC,
    })
  })
})

describe('alarm engine: latch, re-trigger, suppression, rate, mismatch', () => {
  it('keeps a fire alarm (P0, at once) active after the panel cleared until a user resets it', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    report(run, FIRE_PANEL, { fire_points: 1, fault_points: 0 }, T0)
    expect(alarm(store, FIRE_PANEL.id, 'fire-alarm-panel.fire')).toMatchObject({
      priority: 'P0',
      latched: true,
      raisedAt: T0,
      state: 'unack',
    })
    report(run, FIRE_PANEL, { fire_points: 0 }, T0 + 30 * SEC)
    hold(run, FIRE_PANEL, { fire_points: 0 }, T0 + 2 * 60 * MIN)
    const latched = alarm(store, FIRE_PANEL.id, 'fire-alarm-panel.fire')
    expect(latched).toMatchObject({ active: true, conditionActive: false, state: 'unack' })
    store.acknowledgeAlarm(latched.id, OPERATOR, run.clock.now())
    expect(store.resetAlarm(latched.id, OPERATOR, run.clock.now()).alarm.state).toBe('normal')
    // the next fire is a new occurrence of the same alarm
    report(run, FIRE_PANEL, { fire_points: 2 }, run.clock.now() + 5 * SEC)
    expect(alarm(store, FIRE_PANEL.id, 'fire-alarm-panel.fire')).toMatchObject({
      id: latched.id,
      count: 1,
      state: 'unack',
    })
  })

  it('counts a condition that returns 100 times on one alarm row: count 100, one raise and 99 re-triggers', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    for (let round = 0; round < 100; round++) {
      report(run, TANK, { overflow: true }, T0 + round * 10 * SEC)
      report(run, TANK, { overflow: false }, T0 + round * 10 * SEC + 5 * SEC)
    }
    const rows = store.listAlarms({ deviceId: TANK.id }).filter((row) => row.ruleId === 'water-tank.overflow')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ count: 100, state: 'rtn-unack', raisedAt: T0, lastRaisedAt: T0 + 990 * SEC })
    const journal = journalOf(store, TANK.id, 'water-tank.overflow')
    expect(journal.filter((transition) => transition === 'retriggered')).toHaveLength(99)
    expect(journal.filter((transition) => transition === 'cleared')).toHaveLength(100)
  })

  it('flags pump.pressure-low-low as suppressed by design while the pump is commanded off', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    const stopped = { run_command: false, running: false, outlet_pressure_mpa: 0.05 }
    report(run, PUMP, stopped, T0)
    hold(run, PUMP, stopped, T0 + 60 * SEC)
    expect(alarm(store, PUMP.id, 'pump.pressure-low-low')).toMatchObject({ priority: 'P1', suppressedByDesign: true })
    report(run, PUMP, { run_command: true, running: true }, T0 + 65 * SEC)
    expect(alarm(store, PUMP.id, 'pump.pressure-low-low')).toMatchObject({
      suppressedByDesign: false,
      conditionActive: true,
    })
    expect(run.changes.map((change) => change.transition)).toEqual(['raised', 'unsuppressed'])
  })

  it('raises electrical-panel.cable-temperature-rise on more than 15 K within 10 minutes, and clears it when the rise flattens', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    // 2 K a minute: 15 K are reached 7.5 minutes in, long before 70 °C
    runUntil(run, T0 + 9 * MIN, {
      everyMs: 5 * SEC,
      at: (now) => report(run, PANEL, { cable_temp_c: 40 + ((now - T0) / MIN) * 2 }, now),
    })
    const raised = alarm(store, PANEL.id, 'electrical-panel.cable-temperature-rise')
    expect(raised.priority).toBe('P1')
    expect(raised.raisedAt).toBeGreaterThan(T0 + 7.5 * MIN)
    expect(raised.raisedAt).toBeLessThanOrEqual(T0 + 7.5 * MIN + 10 * SEC)
    expect(store.findAlarm(PANEL.id, 'electrical-panel.cable-temperature')).toBeUndefined()
    // flat at 58 °C: the rise within the window falls back under half its limit after about 6 minutes
    hold(run, PANEL, { cable_temp_c: 58 }, T0 + 30 * MIN)
    expect(journalOf(store, PANEL.id, 'electrical-panel.cable-temperature-rise')).toEqual(['raised', 'cleared'])
  })

  it('raises pump.run-feedback-missing 10 s after a run command without run feedback', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    report(run, PUMP, { run_command: true, running: false }, T0)
    runUntil(run, T0 + 9 * SEC)
    expect(store.findAlarm(PUMP.id, 'pump.run-feedback-missing')).toBeUndefined()
    runUntil(run, T0 + 10 * SEC)
    expect(alarm(store, PUMP.id, 'pump.run-feedback-missing')).toMatchObject({ priority: 'P1', value: false })
    report(run, PUMP, { running: true }, T0 + 12 * SEC)
    expect(alarm(store, PUMP.id, 'pump.run-feedback-missing').conditionActive).toBe(false)
  })

  it('merges readings that carry only some fields, and a late reading only fills what was never reported', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    report(run, PUMP, { run_command: true }, T0)
    report(run, PUMP, { current_a: 20 }, T0 + 5 * SEC)
    // measured before the latest reading: its `running: true` is news, its `run_command` is stale
    report(run, PUMP, { run_command: false, running: false }, T0 + 2 * SEC)
    runUntil(run, T0 + 30 * SEC)
    expect(alarm(store, PUMP.id, 'pump.run-feedback-missing').value).toBe(false)
  })
})

describe('alarm engine: rule overrides', () => {
  it('applies a site-wide threshold and a device priority after a reload, and a disabled rule clears its alarm', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    report(run, TANK, { overflow: true, level_pct: 35 }, T0)
    expect(alarm(store, TANK.id, 'water-tank.overflow').conditionActive).toBe(true)
    store.setRuleOverride(SITE, { ruleId: 'water-tank.level-low', threshold: 40, onDelaySec: 0 }, T0)
    store.setRuleOverride(SITE, { ruleId: 'water-tank.level-low', deviceId: TANK.id, priority: 'P1' }, T0)
    store.setRuleOverride(SITE, { ruleId: 'water-tank.overflow', enabled: false }, T0)
    run.engine.reload()
    expect(alarm(store, TANK.id, 'water-tank.overflow').conditionActive).toBe(false)
    report(run, TANK, { overflow: true, level_pct: 35 }, T0 + 5 * SEC)
    expect(alarm(store, TANK.id, 'water-tank.level-low')).toMatchObject({ priority: 'P1', raisedAt: T0 + 5 * SEC })
    expect(journalOf(store, TANK.id, 'water-tank.overflow')).toEqual(['raised', 'cleared'])
  })

  it('reads the overrides again by itself every minute', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    store.setRuleOverride(SITE, { ruleId: 'water-tank.level-high', threshold: 80, onDelaySec: 0 }, T0)
    hold(run, TANK, { level_pct: 85 }, T0 + 55 * SEC)
    expect(store.findAlarm(TANK.id, 'water-tank.level-high')).toBeUndefined()
    hold(run, TANK, { level_pct: 85 }, T0 + 65 * SEC)
    expect(alarm(store, TANK.id, 'water-tank.level-high').raisedAt).toBe(T0 + 65 * SEC)
  })
})

describe('alarm engine: restart', () => {
  it('keeps state over a new engine on the same store: no second raise, the clear clears, suppression is known', async () => {
    const store = await openAlarmStore()
    const first = startEngine(store)
    hold(first, TANK, { level_pct: 10 }, T0 + 65 * SEC)
    const stopped = { run_command: false, running: false, outlet_pressure_mpa: 0.05 }
    hold(first, PUMP, stopped, T0 + 130 * SEC)
    expect(alarm(store, PUMP.id, 'pump.pressure-low-low').suppressedByDesign).toBe(true)

    const second = startEngine(store, { clock: first.clock })
    hold(second, TANK, { level_pct: 10 }, T0 + 10 * MIN)
    expect(journalOf(store, TANK.id, 'water-tank.level-low-low')).toEqual(['raised'])
    report(second, TANK, { level_pct: 25 })
    expect(journalOf(store, TANK.id, 'water-tank.level-low-low')).toEqual(['raised', 'cleared'])
    report(second, PUMP, { run_command: true, running: true })
    expect(journalOf(store, PUMP.id, 'pump.pressure-low-low')).toEqual(['raised', 'unsuppressed'])
    // (the tank and the pump took turns to report, so each was found silent a while: comms-loss.test.ts)
    const handed = second.changes.filter((change) => !change.alarm.ruleId.endsWith('.comms-loss'))
    expect(handed.map((change) => [change.alarm.ruleId, change.transition])).toEqual([
      ['water-tank.level-low-low', 'cleared'],
      ['pump.pressure-low-low', 'unsuppressed'],
    ])
  })

  it('starts a pending on-delay again from the first reading after the restart (it was not in the store)', async () => {
    const store = await openAlarmStore()
    const first = startEngine(store)
    hold(first, TANK, { level_pct: 10 }, T0 + 50 * SEC)
    const second = startEngine(store, { clock: first.clock })
    const restartedAt = first.clock.now()
    report(second, TANK, { level_pct: 10 }, restartedAt + 5 * SEC)
    // 50 s of it before the restart do not count: 60 s from the first reading after it
    hold(second, TANK, { level_pct: 10 }, restartedAt + 64 * SEC)
    expect(store.findAlarm(TANK.id, 'water-tank.level-low-low')).toBeUndefined()
    hold(second, TANK, { level_pct: 10 }, restartedAt + 65 * SEC)
    expect(alarm(store, TANK.id, 'water-tank.level-low-low').raisedAt).toBe(restartedAt + 65 * SEC)
  })
})

describe('alarm engine: what it hands on', () => {
  it('hands on raises, clears and the end of timed shelves and out-of-service periods, which the tick runs', async () => {
    const store = await openAlarmStore()
    const run = startEngine(store)
    report(run, TANK, { overflow: true, hatch_open: true }, T0)
    const overflow = alarm(store, TANK.id, 'water-tank.overflow')
    store.shelveAlarm(overflow.id, OPERATOR, { kind: 'timed', until: T0 + 10 * MIN, reason: '浮球阀维修中' }, T0)
    store.setAlarmOutOfService(
      { deviceId: TANK.id, ruleId: 'water-tank.hatch-open', priority: 'P1', latch: false, ack: 'required' },
      OPERATOR,
      { until: T0 + 20 * MIN, reason: '水箱清洗，人孔盖打开' },
      T0,
    )
    hold(run, TANK, { overflow: true, hatch_open: true }, T0 + 20 * MIN)
    const handed = run.changes.map((change) => [change.alarm.ruleId, change.transition, change.ts])
    expect(handed).toEqual([
      ['water-tank.overflow', 'raised', T0],
      ['water-tank.hatch-open', 'raised', T0],
      ['water-tank.overflow', 'unshelved', T0 + 10 * MIN],
      ['water-tank.hatch-open', 'in-service', T0 + 20 * MIN],
    ])
    expect(run.changes.every((change) => change.alarm.siteId === SITE)).toBe(true)
    expect(run.engine.counts()).toEqual({ raised: 2, retriggered: 0, cleared: 0, other: 2 })
  })

  it('keeps going when the store fails, and takes the same decision again once it works', async () => {
    const store = await openAlarmStore()
    let failing = true
    const flaky: Store = {
      ...store,
      raiseAlarm: (raise) => {
        if (failing) throw new Error('SQLITE_BUSY: database is locked')
        return store.raiseAlarm(raise)
      },
    }
    const run = startEngine(flaky)
    report(run, GATE, { barrier: 'up' }, T0)
    runUntil(run, T0 + 125 * SEC)
    expect(run.errors.length).toBeGreaterThan(0)
    expect(store.findAlarm(GATE.id, 'gate.barrier-held-open')).toBeUndefined()
    failing = false
    runUntil(run, T0 + 126 * SEC)
    expect(alarm(store, GATE.id, 'gate.barrier-held-open').raisedAt).toBe(T0 + 126 * SEC)
  })
})
