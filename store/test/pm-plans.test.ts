import { PM_LIBRARY, type PmPlan, type WorkOrderView } from '@fm/protocol'
import { describe, expect, test } from 'vitest'
import type { Store } from '../src/index.ts'
import { DAY, expectCode, lakeside, OTHER_TECH, pmStore, SUPERVISOR, T, TECH, walk } from './work-order-fixtures.ts'

function plan(store: Store, templateId: string): PmPlan {
  const found = store.pmPlans('lakeside').find((entry) => entry.templateId === templateId)
  if (!found) throw new Error(`no plan ${templateId}`)
  return found
}

function openedFor(opened: readonly WorkOrderView[], planId: number): WorkOrderView[] {
  return opened.filter((workOrder) => workOrder.pmPlanId === planId)
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])

/** Dispatches, records a passing result for every item (a photo for photo items), resolves and verifies. */
function complete(store: Store, workOrder: WorkOrderView): WorkOrderView {
  walk(store, workOrder.id, [{ action: 'assign', assignee: 'wang' }, { action: 'accept' }, { action: 'arrive' }])
  const results = (workOrder.checklist ?? []).map((item) => {
    if (item.type === 'pass-fail') return { itemId: item.id, pass: true }
    if (item.type === 'number') return { itemId: item.id, value: item.min ?? item.max ?? 0 }
    const photo = store.addWorkOrderPhoto(workOrder.id, { contentType: 'image/png', bytes: PNG }, TECH)
    return { itemId: item.id, photoId: photo.id }
  })
  store.recordChecklist(workOrder.id, results, TECH)
  store.actOnWorkOrder(workOrder.id, { action: 'resolve', reason: '按计划完成' }, TECH)
  return store.actOnWorkOrder(workOrder.id, { action: 'verify' }, SUPERVISOR)
}

describe('the PM library and seeding', () => {
  test('a new site gets every library plan once; fire pump plans follow the role the manifest gives', async () => {
    const { store } = await pmStore()

    expect(store.pmPlans('lakeside').map((entry) => entry.templateId)).toEqual(PM_LIBRARY.map((entry) => entry.id))
    expect(store.seedPmPlans('lakeside')).toEqual([])
    await store.provisionSite(lakeside())
    expect(store.pmPlans('lakeside')).toHaveLength(PM_LIBRARY.length)

    const devicesOf = (templateId: string) =>
      store
        .pmSchedules('lakeside')
        .filter((schedule) => schedule.planId === plan(store, templateId).id)
        .map((schedule) => schedule.deviceId)
    expect(devicesOf('fire-pump-weekly-auto-start')).toEqual(['pump-fire-1', 'pump-fire-old'])
    expect(devicesOf('jockey-pump-daily-check')).toEqual(['pump-jockey-1'])
    expect(devicesOf('pump-service-run-hours')).toEqual(['pump-fire-1', 'pump-fire-old', 'pump-jockey-1', 'pump-dw-1'])
    expect(devicesOf('extinguishers-monthly')).toEqual([''])
    expect(devicesOf('fire-facilities-yearly-test')).toEqual(['fap-1'])
    expect(plan(store, 'secondary-water-tank-cleaning')).toMatchObject({
      category: 'water-power',
      mandatory: true,
      trigger: { everyDays: 182, calendar: 'fixed' },
    })
    expect(store.pmSchedules('lakeside').find((schedule) => schedule.deviceId === 'tank-1')?.nextDueAt).toBe(
      T + 182 * DAY,
    )
  })

  test('a site tightens an interval, and the next due date moves with it', async () => {
    const { store } = await pmStore()
    const tanks = plan(store, 'secondary-water-tank-cleaning')

    const updated = store.updatePmPlan(tanks.id, { everyDays: 91 }, SUPERVISOR)

    expect(updated.trigger.everyDays).toBe(91)
    expect(store.pmSchedules('lakeside').find((schedule) => schedule.planId === tanks.id)?.nextDueAt).toBe(T + 91 * DAY)
    expectCode(() => store.updatePmPlan(tanks.id, { everyDays: 0 }, SUPERVISOR), 'FM_ERR_PM_PLAN_INVALID')
    expectCode(() => store.updatePmPlan(tanks.id, { usage: { every: 10 } }, SUPERVISOR), 'FM_ERR_PM_PLAN_INVALID')
    expectCode(() => store.updatePmPlan(9999, { enabled: false }, SUPERVISOR), 'FM_ERR_PM_PLAN_NOT_FOUND')
  })
})

describe('calendar plans', () => {
  test('open once when due, per device, carrying the checklist, until the work order is closed', async () => {
    const { store } = await pmStore()
    const weekly = plan(store, 'fire-pump-weekly-auto-start')

    expect(openedFor(store.openDuePmWorkOrders(T + 7 * DAY - 1), weekly.id)).toEqual([])
    const opened = openedFor(store.openDuePmWorkOrders(T + 7 * DAY), weekly.id)
    const again = openedFor(store.openDuePmWorkOrders(T + 8 * DAY), weekly.id)

    expect(opened.map((workOrder) => workOrder.deviceId)).toEqual(['pump-fire-1', 'pump-fire-old'])
    expect(opened[0]).toMatchObject({
      origin: 'pm',
      pmPlanId: weekly.id,
      category: 'fire',
      priority: 'P3',
      title: '消防水泵每周模拟自动启动：消火栓泵1#',
      checklist: weekly.checklist,
      buildingId: 'b9',
      createdBy: { username: 'system' },
    })
    expect(again).toEqual([])
    expect(store.pmSchedules('lakeside').find((s) => s.planId === weekly.id)?.openWorkOrderId).toBe(opened[0]?.id)
  })

  test('fixed: the next is due one interval after the due date met; floating: one after the completion', async () => {
    const { store, clock } = await pmStore()
    const weekly = plan(store, 'fire-pump-weekly-auto-start')
    const yearly = plan(store, 'pump-service-run-hours')
    const due = (planId: number, deviceId: string) =>
      store.pmSchedules('lakeside').find((s) => s.planId === planId && s.deviceId === deviceId)

    const [onTime, late] = openedFor(store.openDuePmWorkOrders(T + 7 * DAY), weekly.id)
    clock.advance(9 * DAY)
    complete(store, onTime as WorkOrderView)
    clock.advance(21 * DAY)
    complete(store, late as WorkOrderView)
    const [floating] = openedFor(store.openDuePmWorkOrders(T + 365 * DAY), yearly.id)
    clock.advance(344 * DAY)
    complete(store, floating as WorkOrderView)

    expect(due(weekly.id, 'pump-fire-1')).toMatchObject({ nextDueAt: T + 14 * DAY, lastDoneAt: T + 9 * DAY })
    // done 23 days after its due date: the missed weeks are not owed again, the next is the first one ahead
    expect(due(weekly.id, 'pump-fire-old')).toMatchObject({ nextDueAt: T + 35 * DAY, lastDoneAt: T + 30 * DAY })
    expect(due(yearly.id, 'pump-fire-1')).toMatchObject({ nextDueAt: T + 374 * DAY + 365 * DAY })
  })

  test('a cancelled PM work order skips its occurrence rather than reopening at once', async () => {
    const { store } = await pmStore()
    const daily = plan(store, 'jockey-pump-daily-check')
    const [first] = openedFor(store.openDuePmWorkOrders(T + DAY), daily.id)

    store.actOnWorkOrder(first?.id ?? 0, { action: 'cancel', reason: '停水检修，改日' }, SUPERVISOR)

    expect(openedFor(store.openDuePmWorkOrders(T + DAY + 1), daily.id)).toEqual([])
    expect(openedFor(store.openDuePmWorkOrders(T + 2 * DAY), daily.id)).toHaveLength(1)
  })
})

describe('starting a plan ahead of its schedule', () => {
  test('opens the work order now for a device the plan covers, once, and refuses others', async () => {
    const { store } = await pmStore()
    const jockey = plan(store, 'jockey-pump-daily-check')
    const started = store.startPmWorkOrder(jockey.id, 'pump-jockey-1', SUPERVISOR, T + 60_000)
    expect(started).toMatchObject({
      origin: 'pm',
      pmPlanId: jockey.id,
      deviceId: 'pump-jockey-1',
      state: 'new',
      createdAt: T + 60_000,
      createdBy: { username: SUPERVISOR.username },
    })
    expect(started.checklist?.length).toBeGreaterThan(0)
    expectCode(() => store.startPmWorkOrder(jockey.id, 'pump-jockey-1', SUPERVISOR), 'FM_ERR_WO_INVALID')
    expectCode(() => store.startPmWorkOrder(jockey.id, 'pump-dw-1', SUPERVISOR), 'FM_ERR_WO_INVALID')
    expectCode(() => store.startPmWorkOrder(9999, undefined, SUPERVISOR), 'FM_ERR_PM_PLAN_NOT_FOUND')
    // the plan's own schedule does not open a second one while this is open
    expect(openedFor(store.openDuePmWorkOrders(T + 2 * DAY), jockey.id)).toEqual([])
  })
})

describe('usage plans', () => {
  test('open once when run hours pass the interval; the next counts from the counter at completion', async () => {
    const { store, clock } = await pmStore()
    const service = plan(store, 'pump-service-run-hours')
    const usage = (hours: number) => store.recordUsage('pump-dw-1', { run_hours_h: hours, running: true })

    expect(usage(100)).toEqual([])
    expect(usage(2099)).toEqual([])
    const [opened] = usage(2100)
    expect(usage(2300)).toEqual([])
    expect(opened).toMatchObject({ pmPlanId: service.id, deviceId: 'pump-dw-1', origin: 'pm' })
    clock.advance(DAY)
    store.updateDeviceStates([
      { deviceId: 'pump-dw-1', type: 'reading', ts: clock.now(), values: { run_hours_h: 2150 } },
    ])
    complete(store, opened as WorkOrderView)

    const schedule = store.pmSchedules('lakeside').find((s) => s.planId === service.id && s.deviceId === 'pump-dw-1')
    expect(schedule).toMatchObject({ usageBase: 2150, lastDoneAt: T + DAY, nextDueAt: T + 366 * DAY })
    expect(usage(4149)).toEqual([])
    expect(usage(4150)).toHaveLength(1)
    // another kind's counter, or a device the plan does not cover, opens nothing
    expect(store.recordUsage('tank-1', { run_hours_h: 1e6 })).toEqual([])
  })

  test('barriers follow vehicles in; a counter that went backwards was reset and becomes the base', async () => {
    const { store } = await pmStore()

    expect(store.recordUsage('gate-1', { vehicles_in_count: 10_000 })).toEqual([])
    expect(store.recordUsage('gate-1', { vehicles_in_count: 5 })).toEqual([])
    expect(store.recordUsage('gate-1', { vehicles_in_count: 50_004 })).toEqual([])
    expect(store.recordUsage('gate-1', { vehicles_in_count: 50_005 })).toMatchObject([
      { category: 'gates-parking', deviceId: 'gate-1' },
    ])
  })
})

describe('checklists', () => {
  async function weeklyInProgress() {
    const { store } = await pmStore()
    const weekly = plan(store, 'fire-pump-weekly-auto-start')
    const [workOrder] = openedFor(store.openDuePmWorkOrders(T + 7 * DAY), weekly.id)
    if (!workOrder) throw new Error('nothing due')
    expectCode(
      () => store.recordChecklist(workOrder.id, [{ itemId: 'auto-start', pass: true }], TECH),
      'FM_ERR_WO_TRANSITION',
    )
    walk(store, workOrder.id, [{ action: 'assign', assignee: 'wang' }, { action: 'accept' }, { action: 'arrive' }])
    return { store, workOrder }
  }

  test('results are checked against their items, by the assignee or a manager', async () => {
    const { store, workOrder } = await weeklyInProgress()
    const id = workOrder.id

    expectCode(() => store.recordChecklist(id, [{ itemId: 'nope', pass: true }], TECH), 'FM_ERR_WO_INVALID')
    expectCode(() => store.recordChecklist(id, [{ itemId: 'auto-start', value: 1 }], TECH), 'FM_ERR_WO_INVALID')
    expectCode(() => store.recordChecklist(id, [{ itemId: 'outlet-pressure', pass: true }], TECH), 'FM_ERR_WO_INVALID')
    expectCode(
      () => store.recordChecklist(id, [{ itemId: 'auto-start', pass: true }], OTHER_TECH),
      'FM_ERR_WO_FORBIDDEN',
    )
    store.recordChecklist(id, [{ itemId: 'auto-start', pass: true }], TECH)
    const corrected = store.recordChecklist(
      id,
      [{ itemId: 'auto-start', pass: false, note: '压力开关未动作' }],
      SUPERVISOR,
    )

    expect(corrected.checklistResults).toEqual([{ itemId: 'auto-start', pass: false, note: '压力开关未动作' }])
    expectCode(
      () => store.actOnWorkOrder(id, { action: 'resolve', reason: '完成' }, TECH),
      'FM_ERR_WO_CHECKLIST_INCOMPLETE',
    )
  })

  test('each failed item opens one corrective work order, however often the work order is resolved', async () => {
    const { store, workOrder } = await weeklyInProgress()
    store.recordChecklist(
      workOrder.id,
      [
        { itemId: 'auto-start', pass: false },
        { itemId: 'outlet-pressure', value: 0.05 },
        { itemId: 'no-abnormal-noise', pass: true },
      ],
      TECH,
    )

    store.actOnWorkOrder(workOrder.id, { action: 'resolve', reason: '已报修压力开关' }, TECH)
    store.actOnWorkOrder(workOrder.id, { action: 'return', reason: '请复测' }, SUPERVISOR)
    store.actOnWorkOrder(workOrder.id, { action: 'resolve', reason: '复测仍不合格' }, TECH)

    const corrective = store.listWorkOrders({ origin: 'inspection' }).items
    expect(corrective).toHaveLength(2)
    expect(corrective.map((view) => view.title).sort()).toEqual([
      '整改：出口压力（消防水泵每周模拟自动启动：消火栓泵1#）',
      '整改：模拟信号下自动启动（消防水泵每周模拟自动启动：消火栓泵1#）',
    ])
    for (const view of corrective) {
      expect(view).toMatchObject({
        parentId: workOrder.id,
        deviceId: 'pump-fire-1',
        category: 'fire',
        priority: 'P2',
        state: 'new',
      })
    }
  })
})
