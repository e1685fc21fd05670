/** People, work orders in every state, and a compound with fire pumps, for the work-order and PM tests. */
import {
  type CreateWorkOrderInput,
  ROLE_PERMISSIONS,
  type SiteManifest,
  type UserRole,
  type UserScope,
  type WorkOrderActionInput,
  type WorkOrderState,
  type WorkOrderView,
} from '@fm/protocol'
import { expect } from 'vitest'
import { type Store, type WorkOrderActor, WorkOrderError } from '../src/index.ts'
import {
  CHEAP_PASSWORD_COST,
  openTestStore,
  provisionedDataDir,
  type TestClock,
  tempDataDir,
  testClock,
} from './fixtures.ts'

/** 2026-11-27 20:00 UTC: already the 28th in Wuhan. */
export const T = Date.UTC(2026, 10, 27, 20, 0, 0)
export const MIN = 60_000
export const HOUR = 60 * MIN
export const DAY = 24 * HOUR

export function actorOf(role: UserRole, username: string, displayName = username): WorkOrderActor {
  return { username, displayName, permissions: ROLE_PERMISSIONS[role] }
}

export const ADMIN = actorOf('admin', 'admin', '管理员')
export const SUPERVISOR = actorOf('supervisor', 'li', '李主管')
/** the technician the work orders below are assigned to */
export const TECH = actorOf('technician', 'wang', '王工')
export const OTHER_TECH = actorOf('technician', 'zhao', '赵工')
export const GUARD = actorOf('guard', 'zhou', '周保安')
export const VIEWER = actorOf('viewer', 'qian', '钱')

const PASSWORD = 'a-long-test-password-7'

async function addPeople(store: Store, siteId: string): Promise<void> {
  const site: UserScope = { allSites: false, siteIds: [siteId], buildingIds: [] }
  const people: [string, string, UserRole, UserScope][] = [
    ['wang', '王工', 'technician', site],
    ['zhao', '赵工', 'technician', site],
    ['liu', '刘工', 'technician', { ...site, buildingIds: ['b9'] }],
    ['zhou', '周保安', 'guard', site],
  ]
  for (const [username, displayName, role, scope] of people) {
    await store.createUser({ username, displayName, role, scope, password: PASSWORD })
  }
}

/** The provisioned compound (幸福里) with a clock at T and its people. */
export async function workOrderStore(): Promise<{ store: Store; clock: TestClock }> {
  const clock = testClock(T)
  const store = openTestStore(await provisionedDataDir(), { now: clock.now, passwordCost: CHEAP_PASSWORD_COST })
  await addPeople(store, 'xingfuli')
  return { store, clock }
}

export function request(overrides: Partial<CreateWorkOrderInput> = {}): CreateWorkOrderInput {
  return {
    siteId: 'xingfuli',
    origin: 'request',
    category: 'water-power',
    priority: 'P2',
    title: '厨房水龙头漏水',
    unit: '1-2-502',
    resident: { name: '张女士', phone: '13800000000' },
    ...overrides,
  }
}

const ASSIGN: WorkOrderActionInput = { action: 'assign', assignee: 'wang' }
const TO_IN_PROGRESS: WorkOrderActionInput[] = [ASSIGN, { action: 'accept' }, { action: 'arrive' }]
const TO_RESOLVED: WorkOrderActionInput[] = [...TO_IN_PROGRESS, { action: 'resolve', reason: '更换阀芯' }]

/** The actions that bring a new work order to each state. */
export const PATHS: Readonly<Record<WorkOrderState, readonly WorkOrderActionInput[]>> = {
  new: [],
  triaged: [{ action: 'triage' }],
  assigned: [ASSIGN],
  accepted: [ASSIGN, { action: 'accept' }],
  in_progress: TO_IN_PROGRESS,
  on_hold: [...TO_IN_PROGRESS, { action: 'hold', holdReason: 'parts', reason: '等阀芯' }],
  resolved: TO_RESOLVED,
  verified: [...TO_RESOLVED, { action: 'verify' }],
  cancelled: [{ action: 'cancel', reason: '重复报修' }],
  rejected: [{ action: 'reject', reason: '业主自行维修' }],
}

export function walk(store: Store, id: number, inputs: readonly WorkOrderActionInput[], actor = ADMIN): WorkOrderView {
  let view = store.getWorkOrder(id)
  for (const input of inputs) view = store.actOnWorkOrder(id, input, actor)
  if (!view) throw new Error(`no work order ${id}`)
  return view
}

/** A reported work order walked to `state` by an admin, assigned (when it is) to 王工. */
export function workOrderIn(store: Store, state: WorkOrderState, overrides: Partial<CreateWorkOrderInput> = {}) {
  const created = store.createWorkOrder(request(overrides), SUPERVISOR)
  return walk(store, created.id, PATHS[state])
}

export function expectCode(run: () => unknown, code: string): WorkOrderError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(WorkOrderError)
    expect((error as WorkOrderError).code, (error as Error).message).toBe(code)
    return error as WorkOrderError
  }
  throw new Error(`expected ${code}`)
}

/** 湖畔苑: fire pumps marked by role, one marked only by its name, a domestic pump, a tank, a gate, fire water. */
export function lakeside(): SiteManifest {
  return {
    site: { id: 'lakeside', name: '湖畔苑', timezone: 'Asia/Shanghai', city: '武汉' },
    buildings: [{ id: 'b9', name: '9栋' }],
    rooms: [
      { id: 'pump-room-fire', name: '消防泵房', type: 'fire-pump-room', building: 'b9' },
      { id: 'pump-room-dw', name: '生活泵房', type: 'domestic-pump-room', building: 'b9' },
      { id: 'gatehouse', name: '南门岗亭', type: 'gatehouse' },
    ],
    devices: [
      { id: 'pump-fire-1', kind: 'pump', name: '消火栓泵1#', room: 'pump-room-fire', attributes: { role: 'hydrant' } },
      { id: 'pump-fire-old', kind: 'pump', name: '老消防泵', room: 'pump-room-fire' },
      {
        id: 'pump-jockey-1',
        kind: 'pump',
        name: '消火栓稳压泵',
        room: 'pump-room-fire',
        attributes: { role: 'jockey' },
      },
      { id: 'pump-dw-1', kind: 'pump', name: '生活变频泵1#', room: 'pump-room-dw', attributes: { role: 'duty' } },
      { id: 'tank-1', kind: 'water-tank', name: '生活水箱', room: 'pump-room-dw' },
      { id: 'fw-pool', kind: 'fire-water', name: '消防水池', room: 'pump-room-fire' },
      { id: 'fap-1', kind: 'fire-alarm-panel', name: '火灾报警控制器', building: 'b9' },
      { id: 'gate-1', kind: 'gate', name: '南门道闸', room: 'gatehouse' },
    ],
  }
}

/** 湖畔苑 provisioned at T (its PM plans seeded then), with its people. */
export async function pmStore(): Promise<{ store: Store; clock: TestClock }> {
  const clock = testClock(T)
  const store = openTestStore(tempDataDir(), { now: clock.now, passwordCost: CHEAP_PASSWORD_COST })
  await store.provisionSite(lakeside())
  await addPeople(store, 'lakeside')
  return { store, clock }
}
