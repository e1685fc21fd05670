/**
 * From a fault to a verified repair, through the whole platform: the demo compound's pump model trips, its readings
 * go over the real broker to ingest, which raises the alarm and opens a work order; a supervisor dispatches it and a
 * technician works it over the REST API, as the dashboard does. Then a usage plan: the pump's run hours pass the
 * plan's threshold, one PM work order opens, and once it is verified the next is counted from the run hours at
 * completion. One clock, moved by the test, serves the simulation, the store, ingest and the api.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  deviceTopic,
  encodePayload,
  type PmPlan,
  type PmSchedule,
  type SiteManifest,
  type WorkOrderChange,
  type WorkOrderView,
} from '@fm/protocol'
import { createSimulation, DEMO_MANIFEST_PATH, loadManifest, type Simulation } from '@fm/simulators'
import { dataFiles, openStore } from '@fm/store'
import type { MqttClient } from 'mqtt'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  device,
  type Services,
  signIn,
  startServices,
  type Watch,
  watchAlarms,
  watchWorkOrders,
} from './alarm-platform.ts'
import { startServiceBroker } from './platform.ts'

const SITE = 'cuihu'
const PUMP = 'pump-low-1'
/** Wednesday 10 June 2026, 09:00 in Wuhan. */
const START = Date.UTC(2026, 5, 10, 1, 0)
const RETRIGGERS = 100
const SUPERVISOR = {
  username: 'wang.jun',
  password: 'loop-supervisor-1',
  displayName: '王军',
  role: 'supervisor',
} as const
const ADMIN = { username: 'zhou.min', password: 'loop-admin-pass-1', displayName: '周敏', role: 'admin' } as const
const TECHNICIAN = {
  username: 'li.na',
  password: 'loop-technician-1',
  displayName: '李娜',
  role: 'technician',
} as const
const credentials = ({ username, password }: { username: string; password: string }) => ({ username, password })
const logger = pino({ level: process.env.FM_TEST_LOG_LEVEL ?? 'silent' })

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup()
})
const defer = (close: () => unknown) => {
  cleanups.push(close)
}

interface Loop {
  services: Services
  /** Signs everyone in again: two simulated hours idle end a session, as they would a technician's. */
  signInAgain(): Promise<void>
  workOrders: Watch<WorkOrderChange>
  alarms: Awaited<ReturnType<typeof watchAlarms>>
  admin: string
  supervisor: string
  technician: string
  /** Moves the clock by `ms`, steps the pump's model there and publishes its reading; answers the values. */
  report(ms: number): Promise<Record<string, unknown>>
  simulation: Simulation
  now(): number
}

let manifest: SiteManifest
let loop: Loop

async function startLoop(): Promise<Loop> {
  manifest = await loadManifest(DEMO_MANIFEST_PATH)
  const dataDir = mkdtempSync(join(tmpdir(), 'fm-maintenance-'))
  defer(() => rmSync(dataDir, { recursive: true, force: true }))
  let clock = START
  const now = () => clock
  const store = openStore({ file: dataFiles(dataDir).operational, now })
  defer(() => store.close())
  await store.provisionSite(manifest)
  for (const person of [ADMIN, SUPERVISOR, TECHNICIAN]) {
    await store.createUser({ ...person, scope: { allSites: false, siteIds: [SITE], buildingIds: [] } })
  }
  const { broker, mqttUrl, passwords } = await startServiceBroker(store, logger)
  defer(() => broker.close())
  const services = await startServices(dataDir, mqttUrl, passwords, now, logger)
  defer(() => services.stop())
  const workOrders = await watchWorkOrders(mqttUrl, passwords.api, defer)
  const alarms = await watchAlarms(mqttUrl, passwords.api, defer)
  const spec = manifest.devices.find((candidate) => candidate.id === PUMP)
  if (!spec?.password) throw new Error(`the demo compound has no ${PUMP} with a password`)
  const client: MqttClient = await device(mqttUrl, PUMP, defer, spec.password)
  const topic = deviceTopic({ siteId: SITE, kind: 'pump', deviceId: PUMP }, 'telemetry')
  const simulation = createSimulation(manifest, 7, START)
  const sessions = async () => ({
    admin: await signIn(services.apiUrl, credentials(ADMIN)),
    supervisor: await signIn(services.apiUrl, credentials(SUPERVISOR)),
    technician: await signIn(services.apiUrl, credentials(TECHNICIAN)),
  })
  const loop: Loop = {
    services,
    workOrders,
    alarms,
    ...(await sessions()),
    async signInAgain() {
      Object.assign(loop, await sessions())
    },
    simulation,
    now,
    async report(ms) {
      clock += ms
      const values = simulation.step(clock).get(PUMP)?.values
      if (!values) throw new Error(`the simulation has no ${PUMP}`)
      await client.publishAsync(topic, encodePayload(values, clock), { qos: 1 })
      return values as Record<string, unknown>
    },
  }
  return loop
}

async function call(cookie: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${loop.services.apiUrl}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** An action the test expects to succeed; answers the work order after it. */
async function act(cookie: string, id: number, input: Record<string, unknown>): Promise<WorkOrderView> {
  const answer = await call(cookie, 'POST', `/api/work-orders/${id}/actions`, input)
  expect(answer.status, JSON.stringify(answer.body)).toBe(200)
  return answer.body as unknown as WorkOrderView
}

beforeEach(async () => {
  loop = await startLoop()
})

describe('the maintenance loop', () => {
  it(`opens one work order for a pump trip however often it re-triggers (${RETRIGGERS}), and verifies it only once the alarm cleared`, async () => {
    await loop.report(1000)
    loop.simulation.injectFault(PUMP, 'trip')
    expect(await loop.report(1000)).toMatchObject({ fault: true })
    const opened = await loop.workOrders.next(
      ({ workOrder, type }) =>
        type === 'created' && workOrder.deviceId === PUMP && workOrder.alarm?.ruleId === 'pump.fault',
    )
    expect(opened.workOrder).toMatchObject({ origin: 'alarm', category: 'water-power', priority: 'P1', state: 'new' })

    // The pump resets and trips again, a hundred times, and nobody acknowledges: one alarm, one work order.
    for (let retrigger = 1; retrigger <= RETRIGGERS; retrigger += 1) {
      loop.simulation.clearFault(PUMP)
      expect(await loop.report(1000)).toMatchObject({ fault: false })
      loop.simulation.injectFault(PUMP, 'trip')
      expect(await loop.report(1000)).toMatchObject({ fault: true })
    }
    await loop.workOrders.next(
      ({ workOrder }) => workOrder.id === opened.workOrder.id && workOrder.alarm?.retriggers === RETRIGGERS,
    )
    const all = await call(loop.supervisor, 'GET', `/api/work-orders?deviceId=${PUMP}`)
    expect((all.body.items as WorkOrderView[]).map((workOrder) => workOrder.id)).toEqual([opened.workOrder.id])

    const id = opened.workOrder.id
    // The supervisor dispatches; the technician takes it, arrives and repairs.
    await act(loop.supervisor, id, { action: 'triage' })
    await act(loop.supervisor, id, { action: 'assign', assignee: TECHNICIAN.username })
    // only the assignee accepts from the technician's side; the supervisor may not verify what is not resolved
    expect(
      (await call(loop.supervisor, 'POST', `/api/work-orders/${id}/actions`, { action: 'verify' })).body.code,
    ).toBe('FM_ERR_WO_TRANSITION')
    await act(loop.technician, id, { action: 'accept' })
    await act(loop.technician, id, { action: 'arrive' })
    const resolved = await act(loop.technician, id, {
      action: 'resolve',
      reason: '电机过载跳闸，复位热继电器，检查电机绝缘正常',
      cause: 'motor overload',
      laborMin: 40,
    })
    expect(resolved.state).toBe('resolved')
    expect(resolved.clocks.map((clock) => [clock.clock, clock.metAt !== undefined])).toEqual([
      ['response', true],
      ['arrival', true],
      ['resolution', true],
    ])

    // The pump still reports its trip: the alarm is active, and the repair cannot be verified…
    const refused = await call(loop.supervisor, 'POST', `/api/work-orders/${id}/actions`, { action: 'verify' })
    expect(refused.status).toBe(409)
    expect(refused.body.code).toBe('FM_ERR_WO_ALARM_ACTIVE')
    // …and the technician may not verify their own work at all
    const own = await call(loop.technician, 'POST', `/api/work-orders/${id}/actions`, { action: 'verify' })
    expect(own.status).toBe(403)

    // Reset on site: the trip clears, the alarm returns to normal, and the supervisor verifies.
    const seen = loop.alarms.changes.length
    loop.simulation.clearFault(PUMP)
    expect(await loop.report(1000)).toMatchObject({ fault: false })
    await loop.alarms.next(({ alarm, transition }) => alarm.deviceId === PUMP && transition === 'cleared', seen)
    const verified = await act(loop.supervisor, id, { action: 'verify' })
    expect(verified).toMatchObject({ state: 'verified', firstTimePass: true, rework: false })

    const events = await call(loop.supervisor, 'GET', `/api/work-orders/${id}/events`)
    const types = (events.body.items as { type: string }[]).map((event) => event.type)
    expect(types.filter((type) => type !== 'retriggered')).toEqual([
      'created',
      'triage',
      'assign',
      'accept',
      'arrive',
      'resolve',
      'verify',
    ])
  })

  it('opens a PM work order once when the pump passes its run hours, and counts the next from completion', async () => {
    const plans = await call(loop.supervisor, 'GET', `/api/pm-plans?siteId=${SITE}`)
    const plan = (plans.body.items as PmPlan[]).find(
      (candidate) => candidate.trigger.usage?.field === 'run_hours_h' && candidate.kind === 'pump',
    )
    if (!plan) throw new Error('the PM library has no run-hours plan for pumps')
    // A site's stricter interval is an admin's to set (rules.manage): 2 hours of running, so that the test does not
    // run for thousands of simulated hours.
    expect((await call(loop.supervisor, 'PATCH', `/api/pm-plans/${plan.id}`, { usageEvery: 2 })).status).toBe(403)
    expect((await call(loop.admin, 'PATCH', `/api/pm-plans/${plan.id}`, { usageEvery: 2 })).status).toBe(200)

    const isPlanWorkOrder = (workOrder: WorkOrderView) => workOrder.pmPlanId === plan.id && workOrder.deviceId === PUMP
    const opened = () =>
      loop.workOrders.changes.filter((change) => change.type === 'created' && isPlanWorkOrder(change.workOrder))
    const first = (await loop.report(1000)).run_hours_h as number
    // The duty pump runs: every ten minutes a reading, until the plan's work order opens.
    let hours = first
    while (opened().length === 0) {
      expect(hours, 'the pump should have passed 2 run hours by now').toBeLessThan(first + 3)
      hours = (await loop.report(10 * 60_000)).run_hours_h as number
      if (hours >= first + 2)
        await loop.workOrders.next((change) => change.type === 'created' && isPlanWorkOrder(change.workOrder))
    }
    expect(hours).toBeGreaterThanOrEqual(first + 2)
    const workOrder = opened()[0]?.workOrder
    if (!workOrder) throw new Error('no PM work order')
    expect(workOrder).toMatchObject({ origin: 'pm', state: 'new' })
    expect(workOrder.checklist?.length).toBeGreaterThan(0)
    await loop.signInAgain()

    // Another half hour of running: still that one work order.
    for (let reading = 0; reading < 3; reading += 1) await loop.report(10 * 60_000)
    const listed = await call(loop.supervisor, 'GET', `/api/work-orders?deviceId=${PUMP}&origin=pm`)
    expect(listed.status, JSON.stringify(listed.body)).toBe(200)
    expect((listed.body.items as WorkOrderView[]).filter(isPlanWorkOrder).map((item) => item.id)).toEqual([
      workOrder.id,
    ])

    // The technician does the maintenance with its checklist; the supervisor verifies.
    await act(loop.supervisor, workOrder.id, { action: 'assign', assignee: TECHNICIAN.username })
    await act(loop.technician, workOrder.id, { action: 'accept' })
    await act(loop.technician, workOrder.id, { action: 'arrive' })
    const results = []
    for (const item of workOrder.checklist ?? []) {
      if (item.type === 'pass-fail') results.push({ itemId: item.id, pass: true })
      else if (item.type === 'number') results.push({ itemId: item.id, value: item.min ?? item.max ?? 0 })
      else results.push({ itemId: item.id, photoId: await uploadPhoto(loop.technician, workOrder.id) })
    }
    const recorded = await call(loop.technician, 'PUT', `/api/work-orders/${workOrder.id}/checklist`, { results })
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200)
    await act(loop.technician, workOrder.id, { action: 'resolve', reason: '按保养清单完成，轴承加注润滑脂' })
    const done = (await loop.report(10 * 60_000)).run_hours_h as number
    await act(loop.supervisor, workOrder.id, { action: 'verify' })

    // The next is counted from the run hours at completion (the last reading ingest had stored by then, which may
    // lag the one just sent by a flush), not from the threshold the first one crossed.
    await loop.signInAgain()
    const schedules = await call(loop.supervisor, 'GET', `/api/pm-plans?siteId=${SITE}`)
    const base = (schedules.body.schedules as PmSchedule[]).find(
      (candidate) => candidate.planId === plan.id && candidate.deviceId === PUMP,
    )?.usageBase
    if (base === undefined) throw new Error('the schedule has no usage base after completion')
    expect(base).toBeGreaterThan(first + 2)
    expect(base).toBeLessThanOrEqual(done)
    expect(opened()).toHaveLength(1)
    let before = hours
    while (opened().length === 1) {
      before = hours
      hours = (await loop.report(10 * 60_000)).run_hours_h as number
      expect(hours, 'the next PM should be due 2 run hours after completion').toBeLessThan(base + 3)
      if (hours >= base + 2) {
        await loop.workOrders.next(
          (change) =>
            change.type === 'created' && isPlanWorkOrder(change.workOrder) && change.workOrder.id !== workOrder.id,
        )
      }
    }
    // opened by the first reading at or past base + 2, not one before
    expect(before).toBeLessThan(base + 2)
    expect(hours).toBeGreaterThanOrEqual(base + 2)
    expect(opened()[1]?.workOrder.createdAt).toBe(loop.now())
  })
})

/** A small photo, as a technician's phone sends one; answers its id. */
async function uploadPhoto(cookie: string, workOrderId: number): Promise<number> {
  const response = await fetch(`${loop.services.apiUrl}/api/work-orders/${workOrderId}/photos`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'image/png' },
    body: PIXEL,
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as { id: number }).id
}

/** A 1×1 PNG. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)
