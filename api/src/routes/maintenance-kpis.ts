/**
 * The maintenance KPIs of a site for a month, in the site's time zone (`devices.read`, the whole site in scope):
 * `GET /api/maintenance-kpis?siteId=&month=YYYY-MM`, narrowed to one building, category or technician, or as CSV;
 * `GET /api/maintenance-kpis/trend` for the charts. The definitions are in maintenance-kpis.ts and docs/maintenance.md.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ID_PATTERN, MaintenanceKpis, WORK_ORDER_CATEGORIES, type WorkOrderView } from '@fm/protocol'
import type { Store } from '@fm/store'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { assertCovers, requirePermission, signedIn } from '../auth/guards.ts'
import { apiError } from '../errors.ts'
import {
  computeMaintenanceKpis,
  type KpiDimension,
  type MaintenanceKpiInput,
  maintenanceKpisBy,
  maintenanceKpisCsv,
} from '../maintenance-kpis.ts'
import { monthRange } from '../month-range.ts'
import { errorResponses } from './schemas.ts'

const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, in the site’s time zone' })

const KpiQuery = Type.Object(
  {
    siteId: Type.String({ pattern: ID_PATTERN }),
    month: Type.Optional(Month),
    buildingId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    category: Type.Optional(Type.Enum(WORK_ORDER_CATEGORIES)),
    technician: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a username' })),
    format: Type.Optional(Type.Enum(['json', 'csv'])),
  },
  { additionalProperties: false },
)

const TrendQuery = Type.Object(
  {
    siteId: Type.String({ pattern: ID_PATTERN }),
    months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: 6 })),
  },
  { additionalProperties: false },
)

/** Work orders read per page while gathering a site's. */
const PAGE = 500

/** Every work order of the site, newest first, paging through the store. */
function siteWorkOrders(store: Store, siteId: string, now: number): WorkOrderView[] {
  const all: WorkOrderView[] = []
  let cursor: string | undefined
  do {
    const page = store.listWorkOrders({ siteIds: [siteId], limit: PAGE, ...(cursor ? { cursor } : {}) }, now)
    all.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return all
}

/** The month `YYYY-MM` that holds `ms` in `timeZone`. */
function monthOf(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(ms)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}`
}

/** The month `count` months before `month`. */
function monthsBefore(month: string, count: number): string {
  const [year = 0, index = 1] = month.split('-').map(Number)
  const total = year * 12 + (index - 1) - count
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`
}

export const maintenanceKpiRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, now }) => {
  const read = requirePermission('devices.read')

  /** What the KPIs are computed from, for the whole site as of now; the period is set per call. */
  function inputs(siteId: string): { input: Omit<MaintenanceKpiInput, 'from' | 'to'>; timeZone: string } {
    const site = store.listSites().find((candidate) => candidate.id === siteId)
    if (!site) throw apiError('FM_ERR_SITE_NOT_FOUND', siteId)
    const at = now()
    const workOrders = siteWorkOrders(store, siteId, at)
    return {
      timeZone: site.timezone,
      input: {
        siteId,
        now: at,
        workOrders,
        timelines: new Map(workOrders.map((workOrder) => [workOrder.id, store.workOrderEvents(workOrder.id)])),
        devices: store.listDeviceViews({ siteId }).map((device) => ({
          id: device.id,
          kind: device.kind,
          online: device.online,
          ...(device.buildingId === undefined ? {} : { buildingId: device.buildingId }),
        })),
        alarms: store.listAlarms({ siteIds: [siteId] }),
        plans: store.pmPlans(siteId),
      },
    }
  }

  app.get(
    '/maintenance-kpis',
    {
      preHandler: read,
      schema: {
        tags: ['maintenance'],
        summary: 'The maintenance KPIs of a site for a month (零修及时率, 零修合格率, MTTR, PM compliance, …)',
        description:
          'The current month by default. `buildingId`, `category` or `technician` narrow it to one of them. Each ' +
          'rate has its numerator and denominator. With `format=csv`, a spreadsheet of every rate.',
        querystring: KpiQuery,
        response: { 200: MaintenanceKpis, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request, reply) => {
      const { siteId, buildingId, category, technician } = request.query
      assertCovers(signedIn(request), siteId)
      const { input, timeZone } = inputs(siteId)
      const month = request.query.month ?? monthOf(input.now, timeZone)
      const whole = { ...input, ...monthRange(month, timeZone) }
      const narrowed = (dimension: KpiDimension, key: string) =>
        maintenanceKpisBy(whole, dimension).find((breakdown) => breakdown.key === key)?.kpis ??
        computeMaintenanceKpis({ ...whole, workOrders: [], devices: [], alarms: [] })
      const kpis =
        buildingId !== undefined
          ? narrowed('building', buildingId)
          : category !== undefined
            ? narrowed('category', category)
            : technician !== undefined
              ? narrowed('technician', technician)
              : computeMaintenanceKpis(whole)
      if (request.query.format !== 'csv') return kpis
      const breakdowns = (['building', 'category', 'technician'] as const).flatMap((dimension) =>
        maintenanceKpisBy(whole, dimension),
      )
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="maintenance-kpis-${siteId}-${month}.csv"`)
        .send(maintenanceKpisCsv(kpis, breakdowns))
    },
  )

  app.get(
    '/maintenance-kpis/trend',
    {
      preHandler: read,
      schema: {
        tags: ['maintenance'],
        summary: 'The maintenance KPIs of a site month by month, oldest first, for the charts',
        querystring: TrendQuery,
        response: {
          200: Type.Object({ items: Type.Array(MaintenanceKpis) }),
          ...errorResponses(400, 401, 403, 404, 500),
        },
      },
    },
    (request) => {
      const { siteId } = request.query
      assertCovers(signedIn(request), siteId)
      const { input, timeZone } = inputs(siteId)
      const current = monthOf(input.now, timeZone)
      const months = request.query.months ?? 6
      return {
        items: Array.from({ length: months }, (_, index) =>
          computeMaintenanceKpis({ ...input, ...monthRange(monthsBefore(current, months - 1 - index), timeZone) }),
        ),
      }
    },
  )
}
