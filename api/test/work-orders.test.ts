/**
 * Work orders through the real HTTP API and store: every action from every state (the legal ones move it on, the
 * others are refused 409 whoever asks), who may do each (the permission, or being the assigned technician), reporting
 * a fault, what a guard sees of a resident, photos, and the live push.
 */
import {
  type PmPlan,
  ROLE_PERMISSIONS,
  USER_ROLES,
  type UserRole,
  WORK_ORDER_ACTIONS,
  WORK_ORDER_STATES,
  type WorkOrderActionName,
  type WorkOrderChange,
  type WorkOrderState,
  type WorkOrderView,
} from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, connectRecorder, SITE_ID } from './fixtures.ts'
import { addUser, type Cookies, expectError, send, signIn, startGuardedApi } from './sign-in.ts'

afterEach(closeAll)

type Api = Awaited<ReturnType<typeof startGuardedApi>>

interface People {
  api: Api
  /** every role, the technician `li.na` being the one work orders are assigned to */
  as: Record<UserRole | 'otherTechnician', Cookies>
}

async function people(): Promise<People> {
  const api = await startGuardedApi()
  const as = {} as People['as']
  for (const role of USER_ROLES) {
    const username = role === 'technician' ? 'li.na' : `${role}.one`
    await addUser(api, username, role)
    as[role] = await signIn(api, username)
  }
  await addUser(api, 'sun.qiang', 'technician')
  as.otherTechnician = await signIn(api, 'sun.qiang')
  return { api, as }
}

const REPORT = {
  siteId: SITE_ID,
  deviceId: 'pump-1',
  origin: 'guard',
  category: 'water-power',
  priority: 'P2',
  title: '1#加压泵异响',
  description: '巡逻时听到泵房有异常噪音',
} as const

/** What each action needs besides its name. */
function inputFor(action: WorkOrderActionName): Record<string, unknown> {
  const input: Record<string, unknown> = { action }
  if (WORK_ORDER_ACTIONS[action].reason) input.reason = `测试：${action}`
  if (action === 'assign') input.assignee = 'li.na'
  if (action === 'hold') input.holdReason = 'parts'
  return input
}

/** The legal actions that bring a new work order to each state, as the people who may do them. */
const PATH_TO: Record<WorkOrderState, WorkOrderActionName[]> = {
  new: [],
  triaged: ['triage'],
  assigned: ['assign'],
  accepted: ['assign', 'accept'],
  in_progress: ['assign', 'accept', 'arrive'],
  on_hold: ['assign', 'accept', 'arrive', 'hold'],
  resolved: ['assign', 'accept', 'arrive', 'resolve'],
  verified: ['assign', 'accept', 'arrive', 'resolve', 'verify'],
  cancelled: ['cancel'],
  rejected: ['reject'],
}

/** Who does an action on the way: the assigned technician for theirs, else the supervisor. */
const doer = ({ as }: People, action: WorkOrderActionName) =>
  WORK_ORDER_ACTIONS[action].assignee ? as.technician : as.supervisor

async function report(p: People, cookies = p.as.guard): Promise<WorkOrderView> {
  const response = await send(p.api, cookies, { method: 'POST', url: '/api/work-orders', payload: REPORT })
  expect(response.statusCode, response.body).toBe(201)
  return response.json<WorkOrderView>()
}

function act(p: People, cookies: Cookies, id: number, action: WorkOrderActionName) {
  return send(p.api, cookies, { method: 'POST', url: `/api/work-orders/${id}/actions`, payload: inputFor(action) })
}

async function workOrderIn(p: People, state: WorkOrderState): Promise<WorkOrderView> {
  let workOrder = await report(p)
  for (const action of PATH_TO[state]) {
    const response = await act(p, doer(p, action), workOrder.id, action)
    expect(response.statusCode, `${action}: ${response.body}`).toBe(200)
    workOrder = response.json<WorkOrderView>()
  }
  expect(workOrder.state).toBe(state)
  return workOrder
}

describe('the work-order state machine over the API', () => {
  for (const state of WORK_ORDER_STATES) {
    it(`from ${state}: the legal actions move it on, every other is refused 409 FM_ERR_WO_TRANSITION`, async () => {
      const p = await people()
      for (const [name, action] of Object.entries(WORK_ORDER_ACTIONS) as [
        WorkOrderActionName,
        (typeof WORK_ORDER_ACTIONS)[WorkOrderActionName],
      ][]) {
        const workOrder = await workOrderIn(p, state)
        const response = await act(p, doer(p, name), workOrder.id, name)
        if ((action.from as readonly WorkOrderState[]).includes(state)) {
          expect(response.statusCode, `${name} from ${state}: ${response.body}`).toBe(200)
          expect(response.json<WorkOrderView>().state).toBe(action.to)
        } else {
          expect(expectError(response, 409, 'FM_ERR_WO_TRANSITION', `${name} from ${state}`)).toContain(state)
        }
      }
    })
  }
})

describe('who may do what', () => {
  it('lets each action be done by its permission or the assignee, and refuses everyone else 403', async () => {
    const p = await people()
    const actors = [...USER_ROLES, 'otherTechnician'] as const
    for (const [name, action] of Object.entries(WORK_ORDER_ACTIONS) as [
      WorkOrderActionName,
      (typeof WORK_ORDER_ACTIONS)[WorkOrderActionName],
    ][]) {
      const from = action.from[0] as WorkOrderState
      for (const actor of actors) {
        const workOrder = await workOrderIn(p, from)
        const role: UserRole = actor === 'otherTechnician' ? 'technician' : actor
        const permitted = ROLE_PERMISSIONS[role].includes(action.permission)
        const isAssignee = actor === 'technician' && workOrder.assignee?.username === 'li.na'
        const allowed =
          permitted || (action.assignee && isAssignee && ROLE_PERMISSIONS[role].includes('workorders.work'))
        const response = await act(p, p.as[actor], workOrder.id, name)
        if (allowed) expect(response.statusCode, `${actor} ${name} from ${from}: ${response.body}`).toBe(200)
        else expectError(response, 403, 'FM_ERR_WO_FORBIDDEN', `${actor} ${name} from ${from}`)
      }
    }
  })

  it('lets anyone who operates the site report a fault, not a viewer, and only within their scope', async () => {
    const p = await people()
    for (const role of ['admin', 'supervisor', 'technician', 'guard'] as const) await report(p, p.as[role])
    const viewer = await send(p.api, p.as.viewer, { method: 'POST', url: '/api/work-orders', payload: REPORT })
    expectError(viewer, 403, 'FM_ERR_FORBIDDEN')
    await addUser(p.api, 'elsewhere', 'guard', { allSites: false, siteIds: ['hexie'], buildingIds: [] })
    const outside = await send(p.api, await signIn(p.api, 'elsewhere'), {
      method: 'POST',
      url: '/api/work-orders',
      payload: REPORT,
    })
    expectError(outside, 403, 'FM_ERR_SCOPE_FORBIDDEN')
    const unknown = await send(p.api, p.as.guard, {
      method: 'POST',
      url: '/api/work-orders',
      payload: { ...REPORT, deviceId: 'no-such-pump' },
    })
    expectError(unknown, 404, 'FM_ERR_DEVICE_NOT_FOUND')
  })

  it("shows a resident's phone to dispatchers and the assigned technician only", async () => {
    const p = await people()
    const created = await send(p.api, p.as.supervisor, {
      method: 'POST',
      url: '/api/work-orders',
      payload: {
        siteId: SITE_ID,
        buildingId: 'b1',
        unit: '1-2-1502',
        resident: { name: '张阿姨', phone: '13800138000' },
        origin: 'request',
        category: 'civil',
        priority: 'P2',
        title: '卫生间天花板渗水',
      },
    })
    expect(created.statusCode, created.body).toBe(201)
    const { id } = created.json<WorkOrderView>()
    const seen = async (cookies: Cookies) =>
      (await send(p.api, cookies, { url: `/api/work-orders/${id}` })).json<WorkOrderView>().resident
    expect(await seen(p.as.supervisor)).toEqual({ name: '张阿姨', phone: '13800138000' })
    expect(await seen(p.as.guard)).toEqual({ name: '张阿姨' })
    expect(await seen(p.as.technician)).toEqual({ name: '张阿姨' })
    expect((await act(p, p.as.supervisor, id, 'assign')).statusCode).toBe(200)
    expect(await seen(p.as.technician)).toEqual({ name: '张阿姨', phone: '13800138000' })
    expect(await seen(p.as.otherTechnician)).toEqual({ name: '张阿姨' })
  })
})

describe('photos', () => {
  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  )

  it('takes an image as the body and serves it back; refuses other types and oversize bodies', async () => {
    const p = await people()
    const workOrder = await workOrderIn(p, 'in_progress')
    const url = `/api/work-orders/${workOrder.id}/photos`
    const upload = await send(p.api, p.as.technician, {
      method: 'POST',
      url: `${url}?stage=after`,
      headers: { 'content-type': 'image/png' },
      payload: PNG,
    })
    expect(upload.statusCode, upload.body).toBe(201)
    const { id } = upload.json<{ id: number }>()
    const events = (await send(p.api, p.as.viewer, { url: `/api/work-orders/${workOrder.id}/events` })).json<{
      items: { type: string; detail?: Record<string, unknown> }[]
    }>().items
    expect(events.find((event) => event.type === 'photo')?.detail).toMatchObject({ photoId: id, stage: 'after' })
    const photo = await send(p.api, p.as.viewer, { url: `${url}/${id}` })
    expect(photo.statusCode).toBe(200)
    expect(photo.headers['content-type']).toBe('image/png')
    expect(photo.rawPayload.equals(PNG)).toBe(true)

    const text = await send(p.api, p.as.technician, {
      method: 'POST',
      url,
      headers: { 'content-type': 'text/plain' },
      payload: 'not an image',
    })
    expectError(text, 415, 'FM_ERR_MEDIA_TYPE_UNSUPPORTED')
    const fake = await send(p.api, p.as.technician, {
      method: 'POST',
      url,
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.from('plain text pretending to be a JPEG'),
    })
    expectError(fake, 400, 'FM_ERR_PHOTO_INVALID')
    const huge = await send(p.api, p.as.technician, {
      method: 'POST',
      url,
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.alloc(5 * 1024 * 1024 + 1),
    })
    expectError(huge, 413, 'FM_ERR_BODY_TOO_LARGE')
    expectError(await send(p.api, p.as.viewer, { url: `${url}/9999` }), 404, 'FM_ERR_WO_NOT_FOUND')
  })
})

describe('live', () => {
  it('pushes every change to the sockets whose scope covers the work order', async () => {
    const p = await people()
    const watcher = await connectRecorder(p.api, undefined, p.as.viewer)
    await watcher.next('snapshot')
    const workOrder = await report(p)
    const created = (await watcher.next(
      'workOrder',
      (change: WorkOrderChange) => change.workOrder.id === workOrder.id,
    )) as WorkOrderChange
    expect(created).toMatchObject({ type: 'created', workOrder: { id: workOrder.id, state: 'new' } })
    await act(p, p.as.supervisor, workOrder.id, 'triage')
    const triaged = (await watcher.next(
      'workOrder',
      (change: WorkOrderChange) => change.workOrder.id === workOrder.id && change.type === 'triage',
    )) as WorkOrderChange
    expect(triaged.workOrder.state).toBe('triaged')
  })
})

describe('starting a PM plan now', () => {
  it('opens the plan’s work order with its checklist for a supervisor, once, and not for a technician', async () => {
    const p = await people()
    const plans = (await send(p.api, p.as.technician, { url: `/api/pm-plans?siteId=${SITE_ID}` })).json<{
      items: PmPlan[]
    }>().items
    const service = plans.find((plan) => plan.trigger.usage?.field === 'run_hours_h')
    if (!service) throw new Error('no run-hours plan')
    const start = (cookies: Cookies) =>
      send(p.api, cookies, {
        method: 'POST',
        url: `/api/pm-plans/${service.id}/work-orders`,
        payload: { deviceId: 'pump-1' },
      })
    expectError(await start(p.as.technician), 403, 'FM_ERR_FORBIDDEN')
    const started = await start(p.as.supervisor)
    expect(started.statusCode, started.body).toBe(201)
    expect(started.json<WorkOrderView>()).toMatchObject({ origin: 'pm', pmPlanId: service.id, deviceId: 'pump-1' })
    expect(started.json<WorkOrderView>().checklist?.length).toBeGreaterThan(0)
    expectError(await start(p.as.supervisor), 400, 'FM_ERR_WO_INVALID')
  })
})

describe('trades and household history', () => {
  it('lets a dispatcher set a technician’s trades, and lists a household’s repairs by its unit', async () => {
    const p = await people()
    const set = (cookies: Cookies, username: string) =>
      send(p.api, cookies, {
        method: 'PUT',
        url: `/api/technicians/${username}/trades`,
        payload: { trades: ['water-power', 'lift'] },
      })
    expectError(await set(p.as.technician, 'li.na'), 403, 'FM_ERR_FORBIDDEN')
    expectError(await set(p.as.supervisor, 'guard.one'), 404, 'FM_ERR_USER_NOT_FOUND')
    const saved = await set(p.as.supervisor, 'li.na')
    expect(saved.json()).toEqual({ username: 'li.na', trades: ['water-power', 'lift'] })
    const technicians = (await send(p.api, p.as.supervisor, { url: `/api/technicians?siteId=${SITE_ID}` })).json<{
      items: { username: string; trades: string[] }[]
    }>().items
    expect(technicians.find((t) => t.username === 'li.na')?.trades.sort()).toEqual(['lift', 'water-power'])

    const household = {
      ...REPORT,
      deviceId: undefined,
      buildingId: 'b1',
      unit: '1-1-801',
      origin: 'request',
      category: 'civil',
    }
    for (const title of ['厨房下水道堵塞', '阳台窗户关不严']) {
      const created = await send(p.api, p.as.supervisor, {
        method: 'POST',
        url: '/api/work-orders',
        payload: { ...household, title },
      })
      expect(created.statusCode, created.body).toBe(201)
    }
    await report(p)
    const history = (await send(p.api, p.as.supervisor, { url: '/api/work-orders?unit=1-1-801' })).json<{
      items: WorkOrderView[]
    }>().items
    expect(history.map((workOrder) => workOrder.title).sort()).toEqual(['厨房下水道堵塞', '阳台窗户关不严'].sort())
  })
})
