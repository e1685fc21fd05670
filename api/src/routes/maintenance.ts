/**
 * What maintenance is planned against: the technicians a supervisor dispatches to (`workorders.manage`), the SLA
 * policy of each category and priority (read by everyone in scope, changed by `rules.manage`, audited), and the
 * preventive-maintenance plans with their schedules (read by everyone in scope; intervals changed by `rules.manage`,
 * since a city's rule may be stricter than the seeded library).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ALARM_PRIORITIES,
  ID_PATTERN,
  PmPlan,
  PmSchedule,
  SlaPolicy,
  SlaTargets,
  scopeIncludesSite,
  WORK_ORDER_CATEGORIES,
  WorkOrderView,
} from '@fm/protocol'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { audit, userActor } from '../auth/audit.ts'
import { assertCovers, type Guard, requirePermission, requireSite, signedIn } from '../auth/guards.ts'
import { apiError } from '../errors.ts'
import { errorResponses } from './schemas.ts'
import { announceWorkOrder, storeChange } from './work-orders.ts'

const SiteQuery = Type.Object({ siteId: Type.String({ pattern: ID_PATTERN }) }, { additionalProperties: false })

const Technician = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  trades: Type.Array(Type.Enum(WORK_ORDER_CATEGORIES)),
  open: Type.Integer({ description: 'work orders of theirs still open' }),
})

const PolicyParams = Type.Object(
  {
    siteId: Type.String({ pattern: ID_PATTERN }),
    category: Type.Enum(WORK_ORDER_CATEGORIES),
    priority: Type.Enum(ALARM_PRIORITIES),
  },
  { additionalProperties: false },
)

const PlanPatch = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    everyDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660 })),
    usageEvery: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e9 })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const MAINTENANCE_AUDIT = {
  slaPolicy: 'sla-policy.update',
  pmPlan: 'pm-plan.update',
  pmStart: 'pm-plan.start',
  trades: 'technician.trades',
} as const

export const maintenanceRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, live, now }) => {
  const read = requirePermission('devices.read')
  const dispatch = requirePermission('workorders.manage')
  const manageRules = requirePermission('rules.manage')
  /** The site of the query string, within the user's scope (the schema has checked the query before). */
  const siteInScope: Guard = async (request) => {
    const { siteId } = request.query as { siteId: string }
    if (!scopeIncludesSite(signedIn(request).scope, siteId))
      throw apiError('FM_ERR_SCOPE_FORBIDDEN', `site "${siteId}"`)
    if (!store.listSites().some((site) => site.id === siteId)) throw apiError('FM_ERR_SITE_NOT_FOUND', siteId)
  }

  app.get(
    '/technicians',
    {
      preHandler: [dispatch, siteInScope],
      schema: {
        tags: ['maintenance'],
        summary: 'The technicians of a site, with their trades and open work orders, to dispatch to',
        querystring: SiteQuery,
        response: { 200: Type.Object({ items: Type.Array(Technician) }), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => ({ items: store.technicians(request.query.siteId) }),
  )

  app.get(
    '/sla-policies',
    {
      preHandler: [read, siteInScope],
      schema: {
        tags: ['maintenance'],
        summary: 'The response, arrival and resolution targets of every category and priority at a site',
        querystring: SiteQuery,
        response: { 200: Type.Object({ items: Type.Array(SlaPolicy) }), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => ({ items: store.slaPolicies(request.query.siteId) }),
  )

  app.put(
    '/sla-policies/:siteId/:category/:priority',
    {
      preHandler: [manageRules, requireSite()],
      schema: {
        tags: ['maintenance'],
        summary: 'Change a site’s targets for one category and priority (new work orders take them)',
        params: PolicyParams,
        body: Type.Object({ targets: SlaTargets }, { additionalProperties: false }),
        response: { 200: SlaPolicy, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const user = signedIn(request)
      const { siteId, category, priority } = request.params
      assertCovers(user, siteId)
      if (!store.listSites().some((site) => site.id === siteId)) throw apiError('FM_ERR_SITE_NOT_FOUND', siteId)
      const before = store.slaPolicies(siteId).find((p) => p.category === category && p.priority === priority)
      const after = store.setSlaPolicy(
        siteId,
        category,
        priority,
        request.body.targets,
        { username: user.username, displayName: user.displayName },
        now(),
      )
      audit(store, request, {
        actor: userActor(user),
        action: MAINTENANCE_AUDIT.slaPolicy,
        outcome: 'ok',
        siteId,
        target: { type: 'sla-policy', id: `${category}/${priority}` },
        ...(before ? { before } : {}),
        after,
      })
      return after
    },
  )

  app.get(
    '/pm-plans',
    {
      preHandler: [read, siteInScope],
      schema: {
        tags: ['maintenance'],
        summary: 'A site’s preventive-maintenance plans and when each is due per device',
        querystring: SiteQuery,
        response: {
          200: Type.Object({ items: Type.Array(PmPlan), schedules: Type.Array(PmSchedule) }),
          ...errorResponses(400, 401, 403, 404, 500),
        },
      },
    },
    async (request) => ({
      items: store.pmPlans(request.query.siteId),
      schedules: store.pmSchedules(request.query.siteId),
    }),
  )

  app.patch(
    '/pm-plans/:id',
    {
      preHandler: manageRules,
      schema: {
        tags: ['maintenance'],
        summary: 'Tighten or relax a plan’s interval, or switch it off',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        body: PlanPatch,
        response: { 200: PmPlan, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const user = signedIn(request)
      const before = store.getPmPlan(request.params.id)
      if (!before) throw apiError('FM_ERR_PM_PLAN_NOT_FOUND', String(request.params.id))
      assertCovers(user, before.siteId)
      const { usageEvery, ...rest } = request.body
      const patch = { ...rest, ...(usageEvery === undefined ? {} : { usage: { every: usageEvery } }) }
      const target = { type: 'pm-plan', id: String(before.id) }
      const after = storeChange(
        store,
        request,
        { action: MAINTENANCE_AUDIT.pmPlan, siteId: before.siteId, target },
        () => store.updatePmPlan(before.id, patch, { username: user.username, displayName: user.displayName }, now()),
      )
      audit(store, request, {
        actor: userActor(user),
        action: MAINTENANCE_AUDIT.pmPlan,
        outcome: 'ok',
        siteId: before.siteId,
        target,
        before,
        after,
      })
      return after
    },
  )

  app.post(
    '/pm-plans/:id/work-orders',
    {
      preHandler: dispatch,
      schema: {
        tags: ['maintenance'],
        summary: 'Start a plan’s work order now, ahead of its schedule (before a holiday, after a repair)',
        description: 'For one device the plan covers, or without `deviceId` for a plan of the site itself.',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        body: Type.Object(
          { deviceId: Type.Optional(Type.String({ pattern: ID_PATTERN })) },
          { additionalProperties: false },
        ),
        response: { 201: WorkOrderView, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request, reply) => {
      const user = signedIn(request)
      const plan = store.getPmPlan(request.params.id)
      if (!plan) throw apiError('FM_ERR_PM_PLAN_NOT_FOUND', `PM plan ${request.params.id} not found`)
      const device = request.body.deviceId === undefined ? undefined : store.getDevice(request.body.deviceId)
      assertCovers(user, plan.siteId, device?.buildingId)
      const ts = now()
      const target = { type: 'pm-plan', id: String(plan.id) }
      const actor = { username: user.username, displayName: user.displayName }
      const workOrder = storeChange(
        store,
        request,
        { action: MAINTENANCE_AUDIT.pmStart, siteId: plan.siteId, target },
        () => store.startPmWorkOrder(plan.id, request.body.deviceId, actor, ts),
      )
      audit(store, request, {
        actor: userActor(user),
        action: MAINTENANCE_AUDIT.pmStart,
        outcome: 'ok',
        siteId: plan.siteId,
        target,
        after: workOrder,
      })
      await announceWorkOrder(live, workOrder, 'created', ts)
      return reply.code(201).send(workOrder)
    },
  )

  app.put(
    '/technicians/:username/trades',
    {
      preHandler: dispatch,
      schema: {
        tags: ['maintenance'],
        summary: 'The trades of a technician: the categories of work orders they are dispatched for first',
        params: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        body: Type.Object(
          { trades: Type.Array(Type.Enum(WORK_ORDER_CATEGORIES), { maxItems: WORK_ORDER_CATEGORIES.length }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ username: Type.String(), trades: Type.Array(Type.Enum(WORK_ORDER_CATEGORIES)) }),
          ...errorResponses(400, 401, 403, 404, 500),
        },
      },
    },
    async (request) => {
      const user = signedIn(request)
      const technician = store.getUserByUsername(request.params.username)
      // a user out of the dispatcher's sites is as unknown to them as one that does not exist
      const shared =
        technician?.role === 'technician' &&
        (user.scope.allSites || technician.scope.siteIds.some((siteId) => user.scope.siteIds.includes(siteId)))
      if (!technician || !shared) throw apiError('FM_ERR_USER_NOT_FOUND', request.params.username)
      const trades = store.setTrades(technician.username, request.body.trades)
      audit(store, request, {
        actor: userActor(user),
        action: MAINTENANCE_AUDIT.trades,
        outcome: 'ok',
        target: { type: 'user', id: technician.id },
        after: { trades },
      })
      return { username: technician.username, trades }
    },
  )
}
