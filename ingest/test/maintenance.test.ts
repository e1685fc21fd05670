/**
 * Ingest's maintenance side over a real store: the alarm engine's changes open work orders (once per device and rule,
 * not for a point out of service), a pump's run hours bring its usage plan due, and the sweep escalates and opens due
 * plans. Each change is handed on to be published.
 */
import type { WorkOrderChange } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { createMaintenance } from '../src/maintenance.ts'
import { MIN, openAlarmStore, report, SEC, startEngine, T0 } from './alarm-harness.ts'

const PUMP = { id: 'pump-1', kind: 'pump' } as const
const SUPERVISOR = { username: 'wang.jun', displayName: '王军' }

async function harness() {
  const store = await openAlarmStore()
  const run = startEngine(store)
  const published: WorkOrderChange[] = []
  const errors: unknown[] = []
  const maintenance = createMaintenance({
    store,
    now: run.clock.now,
    onChange: (change) => published.push(change),
    onError: (_part, error) => errors.push(error),
  })
  return { store, run, maintenance, published, errors }
}

describe('maintenance in ingest', () => {
  it('opens one work order for an alarm whose rule asks for one, however often it re-triggers', async () => {
    const { run, maintenance, published, errors } = await harness()
    for (let trip = 0; trip < 3; trip += 1) {
      report(run, PUMP, { fault: true, running: false }, T0 + trip * 2 * SEC)
      report(run, PUMP, { fault: false, running: true }, T0 + (trip * 2 + 1) * SEC)
    }
    for (const change of run.changes) maintenance.alarmChanged(change)

    expect(errors).toEqual([])
    expect(published.map((change) => change.type)).toEqual(['created', 'retriggered', 'retriggered'])
    const ids = new Set(published.map((change) => change.workOrder.id))
    expect(ids.size).toBe(1)
    expect(published.at(-1)?.workOrder).toMatchObject({
      origin: 'alarm',
      deviceId: 'pump-1',
      category: 'water-power',
      priority: 'P1',
      alarm: { ruleId: 'pump.fault', retriggers: 2 },
    })
    expect(maintenance.counts()).toEqual({ fromAlarms: 1, retriggers: 2, fromPlans: 0, escalations: 0 })
  })

  it('opens nothing for a point out of service, nor for a cleared alarm', async () => {
    const { store, run, maintenance, published } = await harness()
    store.setAlarmOutOfService(
      { deviceId: 'pump-1', ruleId: 'pump.fault', priority: 'P1', latch: false, ack: 'required' },
      { userId: 'u-1', name: '王军' },
      { until: T0 + 60 * MIN, reason: '水泵检修中' },
      T0 - SEC,
    )
    report(run, PUMP, { fault: true }, T0)
    report(run, PUMP, { fault: false }, T0 + SEC)
    for (const change of run.changes) maintenance.alarmChanged(change)
    expect(published).toEqual([])
  })

  it('brings a usage plan due from the readings, once, and escalates from the sweep', async () => {
    const { store, maintenance, published } = await harness()
    const plan = store.pmPlans('hupan').find((candidate) => candidate.trigger.usage?.field === 'run_hours_h')
    if (!plan) throw new Error('no run-hours plan')
    store.updatePmPlan(plan.id, { usage: { every: 10 } }, SUPERVISOR, T0)
    const read = (hours: number, at: number) =>
      maintenance.reading({ siteId: 'hupan', kind: 'pump', deviceId: 'pump-1', ts: at, values: { run_hours_h: hours } })
    read(1000, T0)
    read(1009.9, T0 + 10 * MIN)
    expect(published).toEqual([])
    read(1010, T0 + 20 * MIN)
    read(1011, T0 + 30 * MIN)
    expect(published.map((change) => [change.type, change.workOrder.pmPlanId])).toEqual([['created', plan.id]])
    // a reading of another kind, or without a counter, is not looked at
    maintenance.reading({
      siteId: 'hupan',
      kind: 'water-tank',
      deviceId: 'water-tank-1',
      ts: T0,
      values: { level_pct: 50 },
    })

    // the P3 work order's response clock is a day: at 80 % of it the sweep escalates, once
    const [opened] = published
    if (!opened) throw new Error('no work order')
    maintenance.sweep(opened.workOrder.createdAt + 0.8 * 24 * 60 * MIN)
    maintenance.sweep(opened.workOrder.createdAt + 0.9 * 24 * 60 * MIN)
    const escalated = published.filter((change) => change.type === 'escalated')
    expect(escalated.map((change) => change.workOrder.id)).toContain(opened.workOrder.id)
    expect(escalated.filter((change) => change.workOrder.id === opened.workOrder.id)).toHaveLength(1)
    expect(maintenance.counts().fromPlans).toBeGreaterThanOrEqual(1)
  })
})
