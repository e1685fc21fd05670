import {
  type AlarmView,
  REOPEN_WINDOW_MS,
  WORK_ORDER_ACTION_NAMES,
  WORK_ORDER_ACTIONS,
  WORK_ORDER_STATES,
  type WorkOrderActionInput,
  type WorkOrderActionName,
} from '@fm/protocol'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { dataFiles, openStore, type Store, type WorkOrderActor } from '../src/index.ts'
import { provisionedDataDir } from './fixtures.ts'
import {
  ADMIN,
  actorOf,
  DAY,
  expectCode,
  GUARD,
  HOUR,
  MIN,
  OTHER_TECH,
  PATHS,
  request,
  SUPERVISOR,
  T,
  TECH,
  VIEWER,
  walk,
  workOrderIn,
  workOrderStore,
} from './work-order-fixtures.ts'

/** An input that satisfies everything `action` asks for besides the state and the permission. */
function inputFor(action: WorkOrderActionName): WorkOrderActionInput {
  return { action, reason: '现场确认', assignee: 'zhao', holdReason: 'resident' }
}

describe('reporting a work order', () => {
  test('numbers per site and day in the site time zone, fills the place from the device, freezes the SLA', async () => {
    const { store } = await workOrderStore()

    const first = store.createWorkOrder(request({ deviceId: 'pump-1', category: 'water-power', priority: 'P2' }), GUARD)
    const second = store.createWorkOrder(request({ title: '楼道灯不亮' }), GUARD, T + MIN)

    // 20:00 UTC on the 27th is the 28th in Wuhan
    expect(first).toMatchObject({
      number: 'WO-20261128-001',
      state: 'new',
      buildingId: 'b1',
      roomId: 'pump-room',
      deviceId: 'pump-1',
      origin: 'request',
      createdBy: { username: 'zhou', displayName: '周保安' },
      createdAt: T,
      firstTimePass: true,
      rework: false,
      resident: { name: '张女士', phone: '13800000000' },
    })
    // water and power are repaired as soon as reported: a P2 gets the P1 clocks
    expect(first.clocks.map((clock) => [clock.clock, clock.targetMin, clock.dueAt])).toEqual([
      ['response', 5, T + 5 * MIN],
      ['arrival', 30, T + 30 * MIN],
      ['resolution', 240, T + 240 * MIN],
    ])
    expect(second.number).toBe('WO-20261128-002')
    expect(store.workOrderEvents(first.id)).toMatchObject([{ type: 'created', to: 'new', by: '周保安' }])
  })

  test('refuse places that do not exist or do not belong together', async () => {
    const { store } = await workOrderStore()

    expectCode(() => store.createWorkOrder(request({ siteId: 'nowhere' }), GUARD), 'FM_ERR_WO_INVALID')
    expectCode(() => store.createWorkOrder(request({ deviceId: 'nope' }), GUARD), 'FM_ERR_WO_INVALID')
    expectCode(
      () => store.createWorkOrder(request({ deviceId: 'pump-1', roomId: 'gatehouse' }), GUARD),
      'FM_ERR_WO_INVALID',
    )
    expectCode(() => store.createWorkOrder(request({ buildingId: 'b7' }), GUARD), 'FM_ERR_WO_INVALID')
    expectCode(() => store.createWorkOrder(request({ title: 'x' }), GUARD), 'FM_ERR_WO_INVALID')
    const gatehouse = store.createWorkOrder(request({ roomId: 'gatehouse', category: 'gates-parking' }), GUARD)
    expect(gatehouse.buildingId).toBeUndefined()
  })

  test('take the SLA targets of the site policy, the seed elsewhere; a later change leaves running clocks alone', async () => {
    const { store } = await workOrderStore()
    const targets = { responseMin: 10, arrivalMin: 60, resolutionMin: 600 }

    const policy = store.setSlaPolicy('xingfuli', 'civil', 'P2', targets, SUPERVISOR)
    const civil = store.createWorkOrder(request({ category: 'civil', title: '外墙脱落' }), GUARD)
    store.setSlaPolicy('xingfuli', 'civil', 'P2', { ...targets, resolutionMin: 6000 }, SUPERVISOR)

    expect(policy).toMatchObject({ custom: true, updatedBy: '李主管', targets })
    expect(store.getWorkOrder(civil.id)?.clocks.map((clock) => clock.targetMin)).toEqual([10, 60, 600])
    const policies = store.slaPolicies('xingfuli')
    expect(policies).toHaveLength(9 * 4)
    expect(policies.filter((entry) => entry.custom)).toHaveLength(1)
    expect(policies.find((entry) => entry.category === 'civil' && entry.priority === 'P3')?.custom).toBe(false)
    expectCode(
      () =>
        store.setSlaPolicy('xingfuli', 'civil', 'P2', { responseMin: 90, arrivalMin: 60, resolutionMin: 600 }, ADMIN),
      'FM_ERR_WO_INVALID',
    )
    expectCode(
      () => store.setSlaPolicy('xingfuli', 'civil', 'P2', { ...targets, responseMin: 0 }, ADMIN),
      'FM_ERR_WO_INVALID',
    )
  })
})

describe('the state machine (WORK_ORDER_ACTIONS × WORK_ORDER_STATES)', () => {
  test.each(WORK_ORDER_ACTION_NAMES)(
    '%s leads from each allowed state and is refused from every other',
    async (name) => {
      const { store } = await workOrderStore()
      const action = WORK_ORDER_ACTIONS[name]

      for (const state of WORK_ORDER_STATES) {
        const workOrder = workOrderIn(store, state)
        if ((action.from as readonly string[]).includes(state)) {
          const after = store.actOnWorkOrder(workOrder.id, inputFor(name), ADMIN)
          expect(after.state, `${name} from ${state}`).toBe(action.to)
          expect(store.workOrderEvents(workOrder.id).at(-1)).toMatchObject({ type: name, from: state, to: action.to })
        } else {
          const error = expectCode(
            () => store.actOnWorkOrder(workOrder.id, inputFor(name), ADMIN),
            'FM_ERR_WO_TRANSITION',
          )
          expect(error.message).toContain(`state ${state}`)
          expect(error.message).toContain(action.from.join(', '))
          expect(store.getWorkOrder(workOrder.id)?.state).toBe(state)
        }
      }
    },
  )

  test('answer an unknown work order FM_ERR_WO_NOT_FOUND', async () => {
    const { store } = await workOrderStore()
    expectCode(() => store.actOnWorkOrder(999, { action: 'triage' }, ADMIN), 'FM_ERR_WO_NOT_FOUND')
  })
})

describe('who may act (ROLE_PERMISSIONS)', () => {
  const actors: [string, WorkOrderActor][] = [
    ['admin', ADMIN],
    ['supervisor', SUPERVISOR],
    ['the assigned technician', TECH],
    ['another technician', OTHER_TECH],
    ['a guard', GUARD],
    ['a viewer', VIEWER],
  ]

  test.each(WORK_ORDER_ACTION_NAMES)('%s: each role as the table says', async (name) => {
    const { store } = await workOrderStore()
    const action = WORK_ORDER_ACTIONS[name]
    const [from] = action.from

    for (const [who, actor] of actors) {
      const workOrder = workOrderIn(store, from)
      const isAssignee = workOrder.assignee?.username === actor.username
      const allowed =
        actor.permissions.includes(action.permission) ||
        (action.assignee && isAssignee && actor.permissions.includes('workorders.work'))
      if (allowed) {
        expect(store.actOnWorkOrder(workOrder.id, inputFor(name), actor).state, `${who} may ${name}`).toBe(action.to)
      } else {
        expectCode(() => store.actOnWorkOrder(workOrder.id, inputFor(name), actor), 'FM_ERR_WO_FORBIDDEN')
      }
    }
  })

  test('the assigned technician works their own queue, and only theirs', async () => {
    const { store } = await workOrderStore()
    const assigned = workOrderIn(store, 'assigned')

    expectCode(() => store.actOnWorkOrder(assigned.id, { action: 'accept' }, OTHER_TECH), 'FM_ERR_WO_FORBIDDEN')
    const done = walk(
      store,
      assigned.id,
      [{ action: 'accept' }, { action: 'arrive' }, { action: 'resolve', reason: '已修复' }],
      TECH,
    )
    expect(done).toMatchObject({ state: 'resolved', resolution: { note: '已修复' } })
    expectCode(() => store.actOnWorkOrder(assigned.id, { action: 'verify' }, TECH), 'FM_ERR_WO_FORBIDDEN')
  })
})

describe('the effects of each action', () => {
  test('assign needs an enabled technician whose scope covers the place; decline gives it back', async () => {
    const { store } = await workOrderStore()
    const workOrder = workOrderIn(store, 'new', { deviceId: 'pump-1' })

    expectCode(() => store.actOnWorkOrder(workOrder.id, { action: 'assign' }, ADMIN), 'FM_ERR_WO_INVALID')
    expectCode(
      () => store.actOnWorkOrder(workOrder.id, { action: 'assign', assignee: 'zhou' }, ADMIN),
      'FM_ERR_WO_INVALID',
    )
    // 刘工 only covers building b9
    expectCode(
      () => store.actOnWorkOrder(workOrder.id, { action: 'assign', assignee: 'liu' }, ADMIN),
      'FM_ERR_WO_INVALID',
    )
    const zhao = store.getUserByUsername('zhao')
    store.updateUser(zhao?.id ?? '', { disabled: true })
    expectCode(
      () => store.actOnWorkOrder(workOrder.id, { action: 'assign', assignee: 'zhao' }, ADMIN),
      'FM_ERR_WO_INVALID',
    )

    const assigned = store.actOnWorkOrder(workOrder.id, { action: 'assign', assignee: 'wang' }, SUPERVISOR)
    expect(assigned.assignee).toEqual({ username: 'wang', displayName: '王工' })
    expectCode(() => store.actOnWorkOrder(workOrder.id, { action: 'decline' }, TECH), 'FM_ERR_WO_INVALID')
    const declined = store.actOnWorkOrder(workOrder.id, { action: 'decline', reason: '不是我的专业' }, TECH)
    expect(declined.state).toBe('triaged')
    expect(declined.assignee).toBeUndefined()
  })

  test('hold needs a hold reason and a note; resume clears the hold', async () => {
    const { store, clock } = await workOrderStore()
    const working = workOrderIn(store, 'in_progress')

    expectCode(() => store.actOnWorkOrder(working.id, { action: 'hold', reason: '等配件' }, TECH), 'FM_ERR_WO_INVALID')
    expectCode(
      () => store.actOnWorkOrder(working.id, { action: 'hold', holdReason: 'parts' }, TECH),
      'FM_ERR_WO_INVALID',
    )
    clock.advance(MIN)
    const held = store.actOnWorkOrder(working.id, { action: 'hold', holdReason: 'parts', reason: '等阀芯到货' }, TECH)
    const resumed = store.actOnWorkOrder(working.id, { action: 'resume' }, TECH)

    expect(held.hold).toEqual({ reason: 'parts', since: T + MIN, note: '等阀芯到货' })
    expect(resumed.hold).toBeUndefined()
  })

  test('triage corrects category and priority and takes the clocks of the new pair', async () => {
    const { store } = await workOrderStore()
    const workOrder = workOrderIn(store, 'new', { category: 'civil', priority: 'P3' })

    const triaged = store.actOnWorkOrder(
      workOrder.id,
      { action: 'triage', category: 'lift', priority: 'P1' },
      SUPERVISOR,
    )

    expect(triaged).toMatchObject({ category: 'lift', priority: 'P1' })
    expect(triaged.clocks.map((clock) => clock.targetMin)).toEqual([5, 30, 240])
  })

  test('a returned resolution is no longer a first-time pass', async () => {
    const { store } = await workOrderStore()
    const resolved = workOrderIn(store, 'resolved')

    expectCode(() => store.actOnWorkOrder(resolved.id, { action: 'return' }, SUPERVISOR), 'FM_ERR_WO_INVALID')
    const returned = store.actOnWorkOrder(resolved.id, { action: 'return', reason: '仍在滴水' }, SUPERVISOR)

    expect(returned).toMatchObject({ state: 'in_progress', firstTimePass: false, rework: false })
    expect(returned.resolvedAt).toBeUndefined()
  })

  test('reopen within 30 days of verification is rework; after that it is refused', async () => {
    const { store, clock } = await workOrderStore()
    const early = workOrderIn(store, 'verified')
    const late = workOrderIn(store, 'verified')

    clock.advance(REOPEN_WINDOW_MS)
    const reopened = store.actOnWorkOrder(early.id, { action: 'reopen', reason: '又漏了' }, SUPERVISOR)
    clock.advance(1)
    expectCode(
      () => store.actOnWorkOrder(late.id, { action: 'reopen', reason: '又漏了' }, SUPERVISOR),
      'FM_ERR_WO_REOPEN_EXPIRED',
    )

    expect(early).toMatchObject({ firstTimePass: true, verifiedAt: T })
    expect(reopened).toMatchObject({ state: 'in_progress', rework: true, firstTimePass: false })
    expect(reopened.verifiedAt).toBeUndefined()
  })
})

describe('alarm work orders', () => {
  const SPEC = { category: 'water-power', priority: 'P1' } as const

  function raiseLowLevel(store: Store, ts = T): AlarmView {
    const raised = store.raiseAlarm({
      deviceId: 'tank-1',
      ruleId: 'water-tank.level-low-low',
      priority: 'P1',
      latch: false,
      ack: 'required',
      value: 12,
      ts,
    })
    if (!raised) throw new Error('not raised')
    return raised.alarm
  }

  test('open one work order per (device, rule): 100 re-triggers count 100 on it, the timeline once a minute', async () => {
    const { store } = await workOrderStore()
    const alarm = raiseLowLevel(store)

    const first = store.openAlarmWorkOrder(alarm, SPEC, T)
    for (let n = 1; n <= 100; n += 1) {
      expect(store.openAlarmWorkOrder(alarm, SPEC, T + n * 1000).created).toBe(false)
    }

    expect(first.created).toBe(true)
    expect(first.workOrder).toMatchObject({
      origin: 'alarm',
      title: '生活水箱：水箱液位超低',
      createdBy: { username: 'system', displayName: 'system' },
      alarm: { id: alarm.id, ruleId: 'water-tank.level-low-low', retriggers: 0 },
      buildingId: 'b1',
      roomId: 'pump-room',
    })
    const open = store.listWorkOrders({ open: true }).items
    expect(open).toHaveLength(1)
    expect(open[0]?.alarm?.retriggers).toBe(100)
    expect(store.openWorkOrderFor('tank-1', 'water-tank.level-low-low')?.id).toBe(first.workOrder.id)
    const retriggered = store.workOrderEvents(first.workOrder.id).filter((event) => event.type === 'retriggered')
    expect(retriggered.map((event) => event.at)).toEqual([T + 1000, T + 61_000])
  })

  test('two stores on one file opening the same alarm at once end with one work order', async () => {
    const dir = await provisionedDataDir()
    const ingest = openStore({ file: dataFiles(dir).operational })
    const api = openStore({ file: dataFiles(dir).operational })
    try {
      const alarm = raiseLowLevel(ingest)
      const results = [ingest.openAlarmWorkOrder(alarm, SPEC, T), api.openAlarmWorkOrder(alarm, SPEC, T)]
      expect(results.map((result) => result.created)).toEqual([true, false])
      expect(api.listWorkOrders({ open: true }).items).toHaveLength(1)
      expect(ingest.getWorkOrder(results[0]?.workOrder.id ?? 0)?.alarm?.retriggers).toBe(1)
    } finally {
      ingest.close()
      api.close()
    }
  })

  test('the database refuses a second open work order of one (device, rule), whoever writes', async () => {
    const dir = await provisionedDataDir()
    const store = openStore({ file: dataFiles(dir).operational })
    const { workOrder } = store.openAlarmWorkOrder(raiseLowLevel(store), SPEC, T)
    store.close()
    const db = new Database(dataFiles(dir).operational)
    try {
      const copy = db.prepare(
        `INSERT INTO work_orders (number, site_id, device_id, origin, category, priority, state, title, alarm_id,
           rule_id, created_by, created_by_name, created_at, updated_at, sla_targets)
         SELECT 'WO-x', site_id, device_id, origin, category, priority, 'new', title, alarm_id, rule_id, created_by,
           created_by_name, created_at, updated_at, sla_targets FROM work_orders WHERE id = ?`,
      )
      expect(() => copy.run(workOrder.id)).toThrow(/UNIQUE/)
      expect(() => db.prepare('UPDATE work_order_events SET note = ?').run('edited')).toThrow(/append-only/)
    } finally {
      db.close()
    }
  })

  test('a new work order once the previous one is verified', async () => {
    const { store } = await workOrderStore()
    const alarm = raiseLowLevel(store)
    const first = store.openAlarmWorkOrder(alarm, SPEC, T).workOrder
    store.clearAlarm('tank-1', 'water-tank.level-low-low', T + MIN)
    walk(store, first.id, PATHS.verified)

    const next = store.openAlarmWorkOrder(raiseLowLevel(store, T + HOUR), SPEC, T + HOUR)

    expect(next.created).toBe(true)
    expect(next.workOrder.id).not.toBe(first.id)
  })

  test('verify is refused while the alarm is active, unless a supervisor overrides with a reason', async () => {
    const { store } = await workOrderStore()
    const alarm = raiseLowLevel(store)
    const { workOrder } = store.openAlarmWorkOrder(alarm, SPEC, T)
    walk(store, workOrder.id, PATHS.resolved)

    expectCode(() => store.actOnWorkOrder(workOrder.id, { action: 'verify' }, SUPERVISOR), 'FM_ERR_WO_ALARM_ACTIVE')
    expectCode(
      () => store.actOnWorkOrder(workOrder.id, { action: 'verify', override: true }, SUPERVISOR),
      'FM_ERR_WO_INVALID',
    )
    const verified = store.actOnWorkOrder(
      workOrder.id,
      { action: 'verify', override: true, reason: '浮球阀已换，液位计故障另行报修' },
      SUPERVISOR,
    )

    expect(verified.state).toBe('verified')
    expect(store.workOrderEvents(workOrder.id).at(-1)).toMatchObject({
      type: 'verify',
      by: '李主管',
      note: '浮球阀已换，液位计故障另行报修',
      detail: { override: true, alarmId: alarm.id },
    })
  })

  test('verify needs no override once the alarm cleared', async () => {
    const { store } = await workOrderStore()
    const { workOrder } = store.openAlarmWorkOrder(raiseLowLevel(store), SPEC, T)
    walk(store, workOrder.id, PATHS.resolved)
    store.clearAlarm('tank-1', 'water-tank.level-low-low', T + MIN)

    expect(store.actOnWorkOrder(workOrder.id, { action: 'verify' }, SUPERVISOR).state).toBe('verified')
  })
})

describe('SLA clocks and escalation', () => {
  /** civil P2: response 30 min, arrival 8 h, resolution 3 days; on site at 1 h, on hold from 2 h to 5 h. */
  function heldFor(store: Store, clock: { advance(ms: number): void }, holdReason: 'resident' | 'parts') {
    const workOrder = workOrderIn(store, 'new', { category: 'civil', title: '卫生间渗水' })
    clock.advance(10 * MIN)
    walk(store, workOrder.id, [{ action: 'assign', assignee: 'wang' }, { action: 'accept' }])
    clock.advance(50 * MIN)
    store.actOnWorkOrder(workOrder.id, { action: 'arrive' }, TECH)
    clock.advance(HOUR)
    store.actOnWorkOrder(workOrder.id, { action: 'hold', holdReason, reason: '约明天上门' }, TECH)
    clock.advance(3 * HOUR)
    store.actOnWorkOrder(workOrder.id, { action: 'resume' }, TECH)
    return workOrder.id
  }

  test('waiting for the resident pauses the resolution clock; waiting for parts does not', async () => {
    const { store, clock } = await workOrderStore()
    const resident = heldFor(store, clock, 'resident')
    clock.advance(-5 * HOUR)
    const parts = heldFor(store, clock, 'parts')

    const during = store.getWorkOrder(resident, T + 3 * HOUR)?.clocks.find((c) => c.clock === 'resolution')
    const pausedView = store.getWorkOrder(resident, T + 6 * HOUR)?.clocks
    const runningView = store.getWorkOrder(parts, T + 6 * HOUR)?.clocks

    expect(during).toMatchObject({ paused: true, pausedMs: HOUR })
    expect(pausedView?.find((c) => c.clock === 'resolution')).toMatchObject({
      paused: false,
      pausedMs: 3 * HOUR,
      dueAt: T + 3 * DAY + 3 * HOUR,
    })
    expect(runningView?.find((c) => c.clock === 'resolution')).toMatchObject({ pausedMs: 0, dueAt: T + 3 * DAY })
    expect(pausedView?.find((c) => c.clock === 'response')).toMatchObject({ metAt: T + 10 * MIN })
    expect(pausedView?.find((c) => c.clock === 'arrival')).toMatchObject({ metAt: T + HOUR })
  })

  test('escalate once per clock near its due time, and record each breach once', async () => {
    const { store } = await workOrderStore()
    // water-power P2: response 5 min, arrival 30 min, resolution 4 h
    const workOrder = workOrderIn(store, 'new')
    const events = (type: string) =>
      store
        .workOrderEvents(workOrder.id)
        .filter((event) => event.type === type)
        .map((event) => [event.detail?.clock, event.at])

    expect(store.escalateWorkOrders(T + 3 * MIN)).toEqual([])
    const escalated = store.escalateWorkOrders(T + 4 * MIN + 1)
    expect(store.escalateWorkOrders(T + 4 * MIN + 2)).toEqual([])
    const breached = store.escalateWorkOrders(T + 5 * MIN)
    store.escalateWorkOrders(T + 5 * MIN + 1)
    store.escalateWorkOrders(T + 40 * MIN)
    store.escalateWorkOrders(T + 41 * MIN)

    expect(escalated.map((view) => [view.id, view.escalatedAt])).toEqual([[workOrder.id, T + 4 * MIN + 1]])
    expect(breached.map((view) => view.escalatedAt)).toEqual([T + 4 * MIN + 1])
    expect(events('escalated')).toEqual([
      ['response', T + 4 * MIN + 1],
      ['arrival', T + 40 * MIN],
    ])
    expect(events('breached')).toEqual([
      ['response', T + 5 * MIN],
      ['arrival', T + 40 * MIN],
    ])
    // closed work orders are left alone
    walk(store, workOrder.id, [{ action: 'cancel', reason: '重复报修' }])
    expect(store.escalateWorkOrders(T + DAY)).toEqual([])
  })
})

describe('photos, technicians and lists', () => {
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 7)])

  test('keep photos of an open work order, checked to be the image they claim', async () => {
    const { store } = await workOrderStore()
    const workOrder = workOrderIn(store, 'in_progress')

    const { id } = store.addWorkOrderPhoto(workOrder.id, { contentType: 'image/png', bytes: PNG }, TECH)

    expect(store.getWorkOrderPhoto(workOrder.id, id)).toMatchObject({ id, contentType: 'image/png', by: '王工', at: T })
    expect(store.getWorkOrderPhoto(workOrder.id, id)?.bytes.equals(PNG)).toBe(true)
    expect(store.getWorkOrderPhoto(workOrder.id + 1, id)).toBeUndefined()
    const jpegClaim = { contentType: 'image/jpeg', bytes: PNG } as const
    expectCode(() => store.addWorkOrderPhoto(workOrder.id, jpegClaim, TECH), 'FM_ERR_PHOTO_INVALID')
    const huge = { contentType: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]) } as const
    expectCode(() => store.addWorkOrderPhoto(workOrder.id, huge, TECH), 'FM_ERR_PHOTO_INVALID')
    expectCode(
      () => store.addWorkOrderPhoto(workOrder.id, { contentType: 'image/png', bytes: PNG }, VIEWER),
      'FM_ERR_WO_FORBIDDEN',
    )
    const cancelled = workOrderIn(store, 'cancelled')
    expectCode(
      () => store.addWorkOrderPhoto(cancelled.id, { contentType: 'image/png', bytes: PNG }, TECH),
      'FM_ERR_WO_TRANSITION',
    )
  })

  test('list the technicians of a site with their trades and open work', async () => {
    const { store } = await workOrderStore()
    workOrderIn(store, 'assigned')
    workOrderIn(store, 'in_progress')
    workOrderIn(store, 'verified')

    expect(store.setTrades('wang', ['lift', 'water-power', 'lift'])).toEqual(['water-power', 'lift'])
    expectCode(() => store.setTrades('nobody', ['lift']), 'FM_ERR_WO_INVALID')

    expect(store.technicians('xingfuli', 'b1')).toEqual([
      { username: 'wang', displayName: '王工', trades: ['water-power', 'lift'], open: 2 },
      { username: 'zhao', displayName: '赵工', trades: [], open: 0 },
    ])
    expect(store.technicians('xingfuli').map((technician) => technician.username)).toEqual(['liu', 'wang', 'zhao'])
    expect(store.technicians('elsewhere')).toEqual([])
  })

  test('filter work orders and page through them newest first', async () => {
    const { store, clock } = await workOrderStore()
    const ids: number[] = []
    for (let n = 0; n < 7; n += 1) {
      ids.push(workOrderIn(store, n % 2 === 0 ? 'new' : 'assigned', { priority: n < 3 ? 'P1' : 'P2' }).id)
      clock.advance(n < 4 ? MIN : 0)
    }

    const first = store.listWorkOrders({ limit: 3 })
    const second = store.listWorkOrders({ limit: 3, cursor: first.nextCursor ?? '' })
    const third = store.listWorkOrders({ limit: 3, cursor: second.nextCursor ?? '' })

    expect([...first.items, ...second.items, ...third.items].map((view) => view.id)).toEqual([...ids].reverse())
    expect(third.nextCursor).toBeUndefined()
    expect(store.listWorkOrders({ assignee: 'wang' }).items).toHaveLength(3)
    expect(store.listWorkOrders({ states: ['new'], priority: 'P1' }).items.map((view) => view.id)).toEqual([
      ids[2],
      ids[0],
    ])
    expect(store.listWorkOrders({ siteIds: [] }).items).toEqual([])
    expect(store.listWorkOrders({ createdFrom: T + 4 * MIN }).items).toHaveLength(3)
    expect(store.listWorkOrders({ buildingIds: ['b1'] }).items).toEqual([])
    expectCode(() => store.listWorkOrders({ cursor: 'drop table' }), 'FM_ERR_WO_INVALID')
  })
})

test('an actor without any work-order permission cannot act even on their own name', async () => {
  const { store } = await workOrderStore()
  const assigned = workOrderIn(store, 'assigned')
  const guardNamedWang = actorOf('guard', 'wang')

  expectCode(() => store.actOnWorkOrder(assigned.id, { action: 'accept' }, guardNamedWang), 'FM_ERR_WO_FORBIDDEN')
})
