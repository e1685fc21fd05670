/**
 * Work orders over REST. Reading (`devices.read`, within the user's scope): the list with filters, one work order,
 * its timeline, its photos. Reporting a fault: anyone who operates the site (CREATE_WORK_ORDER_PERMISSIONS). Acting
 * on one: `POST /api/work-orders/:id/actions`, where the store's state machine decides (WORK_ORDER_ACTIONS: the
 * state, the permission, whether only the assignee may) and refuses with a code whoever asks.
 *
 * A resident's phone number is shown only to those who dispatch (`workorders.manage`) and to the assigned technician.
 * Every change is audited, pushed to the dashboards at once and published for the other api instances.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ALARM_PRIORITIES,
  ChecklistResult,
  CREATE_WORK_ORDER_PERMISSIONS,
  CreateWorkOrderInput,
  ID_PATTERN,
  ROLE_PERMISSIONS,
  roleCan,
  WORK_ORDER_CATEGORIES,
  WORK_ORDER_ORIGINS,
  WORK_ORDER_STATES,
  WorkOrderActionInput,
  type WorkOrderChange,
  WorkOrderEvent,
  type WorkOrderState,
  WorkOrderView,
  workOrderChangeTopic,
} from '@fm/protocol'
import { type Store, type UserRecord, WorkOrderError } from '@fm/store'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { audit, userActor } from '../auth/audit.ts'
import { assertCovers, requirePermission, signedIn } from '../auth/guards.ts'
import { apiError } from '../errors.ts'
import type { Live } from '../live.ts'
import { sitesToRead } from './alarms.ts'
import { errorResponses } from './schemas.ts'

/** The largest photo a technician uploads; the dashboard scales photos down to about 1600 px before. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
const MAX_PAGE = 500

export const WorkOrderParams = Type.Object(
  { id: Type.Integer({ minimum: 1, description: 'work order id' }) },
  { additionalProperties: false },
)
const PhotoParams = Type.Object(
  { id: Type.Integer({ minimum: 1 }), photoId: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
)

const ListQuery = Type.Object(
  {
    siteId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    buildingId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    deviceId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a household (房号): its repairs' })),
    state: Type.Optional(
      Type.String({
        pattern: `^(${WORK_ORDER_STATES.join('|')})(,(${WORK_ORDER_STATES.join('|')}))*$`,
        description: 'comma-separated states',
      }),
    ),
    open: Type.Optional(Type.Boolean({ description: 'only work orders still being worked on' })),
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a username, or `me`' })),
    priority: Type.Optional(Type.Enum(ALARM_PRIORITIES)),
    category: Type.Optional(Type.Enum(WORK_ORDER_CATEGORIES)),
    origin: Type.Optional(Type.Enum(WORK_ORDER_ORIGINS)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 64, description: '`nextCursor` of the previous page' })),
  },
  { additionalProperties: false },
)

const WorkOrderPage = Type.Object({
  items: Type.Array(WorkOrderView, { description: 'newest first' }),
  nextCursor: Type.Optional(Type.String()),
})

/** Everything a work order's route audits; docs/access.md explains them. */
export const WORK_ORDER_AUDIT = {
  create: 'workorder.create',
  action: (action: string) => `workorder.${action}`,
  checklist: 'workorder.checklist',
  photo: 'workorder.photo',
} as const

/** Whether the user sees the resident's phone number: a dispatcher, or the technician sent to the household. */
function seesResidentPhone(user: UserRecord, workOrder: WorkOrderView): boolean {
  return roleCan(user.role, 'workorders.manage') || workOrder.assignee?.username === user.username
}

/** The work order as this user may see it. */
export function forUser(user: UserRecord, workOrder: WorkOrderView): WorkOrderView {
  if (!workOrder.resident?.phone || seesResidentPhone(user, workOrder)) return workOrder
  return { ...workOrder, resident: { name: workOrder.resident.name } }
}

/** The work order, within the user's scope; 404 for an unknown id, 403 outside the scope. */
export function workOrderInScope(store: Store, user: UserRecord, id: number, now: number): WorkOrderView {
  const workOrder = store.getWorkOrder(id, now)
  if (!workOrder) throw apiError('FM_ERR_WO_NOT_FOUND', `work order ${id} not found`)
  assertCovers(user, workOrder.siteId, workOrder.buildingId)
  return workOrder
}

const actorOf = (user: UserRecord) => ({
  username: user.username,
  displayName: user.displayName,
  permissions: ROLE_PERMISSIONS[user.role],
})

/** Pushes a change to the dashboards now and publishes it for the other api instances. */
export async function announceWorkOrder(live: Live, workOrder: WorkOrderView, type: string, ts: number) {
  const change: WorkOrderChange = { workOrder, type, ts }
  live.workOrderChanged(change)
  return live.publishServiceMessage(workOrderChangeTopic('api', workOrder.siteId), JSON.stringify(change))
}

/**
 * Runs a change of the store's work orders or PM plans. A refusal (`WorkOrderError`) is audited as `failed` with its
 * code and reason, and answered as the api error of the same code; anything else is thrown as it is.
 */
export function storeChange<T>(
  store: Store,
  request: FastifyRequest,
  { action, siteId, target }: { action: string; siteId: string; target: { type: string; id: string } },
  run: () => T,
): T {
  try {
    return run()
  } catch (error) {
    if (!(error instanceof WorkOrderError)) throw error
    const answer = apiError(error.code, error.message)
    audit(store, request, {
      actor: userActor(signedIn(request)),
      action,
      outcome: 'failed',
      siteId,
      target,
      detail: { code: answer.code, reason: answer.message },
    })
    throw answer
  }
}

export const workOrderRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, live, now }) => {
  const read = requirePermission('devices.read')
  const report = async (request: FastifyRequest) => {
    const user = signedIn(request)
    await read(request)
    if (!CREATE_WORK_ORDER_PERMISSIONS.some((permission) => roleCan(user.role, permission))) {
      throw apiError('FM_ERR_FORBIDDEN', CREATE_WORK_ORDER_PERMISSIONS.join(' or '))
    }
  }

  const change = <T>(request: FastifyRequest, action: string, siteId: string, target: string, run: () => T): T =>
    storeChange(store, request, { action, siteId, target: { type: 'work-order', id: target } }, run)

  // Photos arrive as the image itself, up to MAX_PHOTO_BYTES, on this plugin's routes only.
  app.addContentTypeParser(
    [...PHOTO_TYPES],
    { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES },
    (_request, body, done) => done(null, body),
  )

  app.get(
    '/work-orders',
    {
      preHandler: read,
      schema: {
        tags: ['work orders'],
        summary: 'Work orders of the sites and buildings in scope',
        description: 'Newest first. `assignee=me` is the technician’s own queue.',
        querystring: ListQuery,
        response: { 200: WorkOrderPage, ...errorResponses(400, 401, 403, 500) },
      },
    },
    async (request) => {
      const user = signedIn(request)
      const query = request.query
      if (query.buildingId !== undefined && query.siteId !== undefined)
        assertCovers(user, query.siteId, query.buildingId)
      const siteIds = sitesToRead(user.scope, query.siteId)
      const page = store.listWorkOrders(
        {
          ...(siteIds === undefined ? {} : { siteIds }),
          ...(user.scope.buildingIds.length > 0 ? { buildingIds: user.scope.buildingIds } : {}),
          ...(query.buildingId === undefined ? {} : { buildingId: query.buildingId }),
          ...(query.deviceId === undefined ? {} : { deviceId: query.deviceId }),
          ...(query.unit === undefined ? {} : { unit: query.unit }),
          ...(query.state === undefined ? {} : { states: query.state.split(',') as WorkOrderState[] }),
          ...(query.open === undefined ? {} : { open: query.open }),
          ...(query.assignee === undefined
            ? {}
            : { assignee: query.assignee === 'me' ? user.username : query.assignee }),
          ...(query.priority === undefined ? {} : { priority: query.priority }),
          ...(query.category === undefined ? {} : { category: query.category }),
          ...(query.origin === undefined ? {} : { origin: query.origin }),
          limit: query.limit ?? 100,
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        },
        now(),
      )
      return { ...page, items: page.items.map((workOrder) => forUser(user, workOrder)) }
    },
  )

  app.get(
    '/work-orders/:id',
    {
      preHandler: read,
      schema: {
        tags: ['work orders'],
        summary: 'One work order with its SLA clocks',
        params: WorkOrderParams,
        response: { 200: WorkOrderView, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const user = signedIn(request)
      return forUser(user, workOrderInScope(store, user, request.params.id, now()))
    },
  )

  app.get(
    '/work-orders/:id/events',
    {
      preHandler: read,
      schema: {
        tags: ['work orders'],
        summary: 'The timeline of a work order: every transition, note, escalation and breach, oldest first',
        params: WorkOrderParams,
        response: {
          200: Type.Object({ items: Type.Array(WorkOrderEvent) }),
          ...errorResponses(400, 401, 403, 404, 500),
        },
      },
    },
    async (request) => {
      const workOrder = workOrderInScope(store, signedIn(request), request.params.id, now())
      return { items: store.workOrderEvents(workOrder.id) }
    },
  )

  app.post(
    '/work-orders',
    {
      preHandler: report,
      schema: {
        tags: ['work orders'],
        summary: 'Report a fault or a resident’s request',
        description: 'Needs one of `workorders.manage`, `workorders.work`, `alarms.respond`, and the place in scope.',
        body: CreateWorkOrderInput,
        response: { 201: WorkOrderView, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request, reply) => {
      const user = signedIn(request)
      const input = request.body
      const device = input.deviceId === undefined ? undefined : store.getDevice(input.deviceId)
      if (input.deviceId !== undefined && !device) throw apiError('FM_ERR_DEVICE_NOT_FOUND', input.deviceId)
      assertCovers(user, input.siteId, device?.buildingId ?? input.buildingId)
      const ts = now()
      const workOrder = change(request, WORK_ORDER_AUDIT.create, input.siteId, 'new', () =>
        store.createWorkOrder(input, actorOf(user), ts),
      )
      audit(store, request, {
        actor: userActor(user),
        action: WORK_ORDER_AUDIT.create,
        outcome: 'ok',
        siteId: workOrder.siteId,
        target: { type: 'work-order', id: String(workOrder.id) },
        after: workOrder,
      })
      await announceWorkOrder(live, workOrder, 'created', ts)
      return reply.code(201).send(forUser(user, workOrder))
    },
  )

  app.post(
    '/work-orders/:id/actions',
    {
      preHandler: read,
      schema: {
        tags: ['work orders'],
        summary: 'Move a work order on: triage, assign, accept, arrive, hold, resume, resolve, verify, …',
        description:
          'WORK_ORDER_ACTIONS in protocol/src/work-orders.ts says from which states, with which permission, and ' +
          'whether only the assigned technician may. Verifying while the alarm is active needs `override` and a reason.',
        params: WorkOrderParams,
        body: WorkOrderActionInput,
        response: { 200: WorkOrderView, ...errorResponses(400, 401, 403, 404, 409, 500) },
      },
    },
    async (request) => {
      const user = signedIn(request)
      const before = workOrderInScope(store, user, request.params.id, now())
      const action = WORK_ORDER_AUDIT.action(request.body.action)
      const ts = now()
      const after = change(request, action, before.siteId, String(before.id), () =>
        store.actOnWorkOrder(before.id, request.body, actorOf(user), ts),
      )
      audit(store, request, {
        actor: userActor(user),
        action,
        outcome: 'ok',
        siteId: after.siteId,
        target: { type: 'work-order', id: String(after.id) },
        detail: request.body,
        before,
        after,
      })
      await announceWorkOrder(live, after, request.body.action, ts)
      return forUser(user, after)
    },
  )

  app.put(
    '/work-orders/:id/checklist',
    {
      preHandler: read,
      schema: {
        tags: ['work orders'],
        summary: 'Record checklist results (pass/fail, readings, photos) while working',
        params: WorkOrderParams,
        body: Type.Object({ results: Type.Array(ChecklistResult, { maxItems: 200 }) }, { additionalProperties: false }),
        response: { 200: WorkOrderView, ...errorResponses(400, 401, 403, 404, 409, 500) },
      },
    },
    async (request) => {
      const user = signedIn(request)
      const before = workOrderInScope(store, user, request.params.id, now())
      const ts = now()
      const after = change(request, WORK_ORDER_AUDIT.checklist, before.siteId, String(before.id), () =>
        store.recordChecklist(before.id, request.body.results, actorOf(user), ts),
      )
      audit(store, request, {
        actor: userActor(user),
        action: WORK_ORDER_AUDIT.checklist,
        outcome: 'ok',
        siteId: after.siteId,
        target: { type: 'work-order', id: String(after.id) },
        detail: { results: request.body.results.length },
      })
      await announceWorkOrder(live, after, 'checklist', ts)
      return forUser(user, after)
    },
  )

  app.post(
    '/work-orders/:id/photos',
    {
      preHandler: read,
      bodyLimit: MAX_PHOTO_BYTES,
      schema: {
        tags: ['work orders'],
        summary: 'Add a photo (before, after, a checklist item): the image itself as the body',
        params: WorkOrderParams,
        querystring: Type.Object(
          { stage: Type.Optional(Type.Enum(['before', 'after', 'checklist'], { description: 'what it shows' })) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.Integer() }),
          ...errorResponses(400, 401, 403, 404, 409, 500),
        },
      },
    },
    async (request, reply) => {
      const user = signedIn(request)
      const workOrder = workOrderInScope(store, user, request.params.id, now())
      // JSON and text have parsers of their own: they arrive here, and are no photo
      const contentType = PHOTO_TYPES.find((type) => request.headers['content-type']?.startsWith(type))
      const bytes = request.body
      if (!contentType) throw apiError('FM_ERR_MEDIA_TYPE_UNSUPPORTED', String(request.headers['content-type']))
      if (!Buffer.isBuffer(bytes) || bytes.byteLength === 0) throw apiError('FM_ERR_PHOTO_INVALID', 'an empty photo')
      const photo = change(request, WORK_ORDER_AUDIT.photo, workOrder.siteId, String(workOrder.id), () =>
        store.addWorkOrderPhoto(
          workOrder.id,
          { contentType, bytes, ...(request.query.stage === undefined ? {} : { stage: request.query.stage }) },
          actorOf(user),
          now(),
        ),
      )
      audit(store, request, {
        actor: userActor(user),
        action: WORK_ORDER_AUDIT.photo,
        outcome: 'ok',
        siteId: workOrder.siteId,
        target: { type: 'work-order', id: String(workOrder.id) },
        detail: { photoId: photo.id, bytes: bytes.byteLength, contentType },
      })
      return reply.code(201).send(photo)
    },
  )

  app.get(
    '/work-orders/:id/photos/:photoId',
    {
      preHandler: read,
      schema: {
        tags: ['work orders'],
        summary: 'A photo of a work order',
        params: PhotoParams,
        response: {
          200: Type.String({ format: 'binary', description: 'the image, as JPEG, PNG or WebP' }),
          ...errorResponses(400, 401, 403, 404, 500),
        },
      },
    },
    async (request, reply) => {
      const workOrder = workOrderInScope(store, signedIn(request), request.params.id, now())
      const photo = store.getWorkOrderPhoto(workOrder.id, request.params.photoId)
      if (!photo) throw apiError('FM_ERR_WO_NOT_FOUND', `photo ${request.params.photoId} of work order ${workOrder.id}`)
      return reply
        .type(photo.contentType)
        .header('cache-control', 'private, max-age=86400, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(photo.bytes)
    },
  )
}
