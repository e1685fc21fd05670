/**
 * `GET /api/sites/:siteId/alarm-kpis`: the alarm-system KPIs of a site over a period (`devices.read`, within the
 * scope), as JSON or, with `format=csv`, as a spreadsheet export. The figures are computed in alarm-kpis.ts from the
 * journal and the alarms; a user scoped to some buildings gets the figures of the devices in them only.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type AlarmJournalEntry, AlarmKpis, FLOOD_WINDOW_MS, ID_PATTERN } from '@fm/protocol'
import { type AlarmJournalQuery, MAX_JOURNAL_LIMIT, type Store } from '@fm/store'
import { Type } from 'typebox'
import { alarmKpisCsv, computeAlarmKpis, KPI_TRANSITIONS } from '../alarm-kpis.ts'
import type { RouteDeps } from '../app.ts'
import { requirePermission, requireSite, signedIn } from '../auth/guards.ts'
import { apiError } from '../errors.ts'
import { deviceCoverage, Time } from './alarms.ts'
import { errorResponses } from './schemas.ts'

export const DEFAULT_KPI_PERIOD_MS = 24 * 60 * 60 * 1000
export const MAX_KPI_PERIOD_MS = 400 * 24 * 60 * 60 * 1000

const KpiQuery = Type.Object(
  {
    from: Type.Optional(Time('start, epoch ms, inclusive; default 24 h before `to`')),
    to: Type.Optional(Time('end, epoch ms, exclusive; default now')),
    format: Type.Optional(Type.Enum(['json', 'csv'], { default: 'json', description: 'csv: a spreadsheet export' })),
  },
  { additionalProperties: false },
)

const SiteOnly = Type.Object(
  { siteId: Type.String({ pattern: ID_PATTERN, description: 'site id' }) },
  { additionalProperties: false },
)

/** Every entry of the query, however many: page after page, newest first, then in the journal's order. */
function wholeJournal(store: Store, query: AlarmJournalQuery): AlarmJournalEntry[] {
  const pages: AlarmJournalEntry[][] = []
  let beforeId: number | undefined
  for (;;) {
    const page = store.alarmJournal({ ...query, limit: MAX_JOURNAL_LIMIT, ...(beforeId ? { beforeId } : {}) })
    pages.push(page)
    const last = page.at(-1)
    if (!last || page.length < MAX_JOURNAL_LIMIT) break
    beforeId = last.id
  }
  return pages.flat().reverse()
}

export const alarmKpiRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, now }) => {
  app.get(
    '/sites/:siteId/alarm-kpis',
    {
      preHandler: [requirePermission('devices.read'), requireSite()],
      schema: {
        tags: ['alarms'],
        summary: 'The alarm-system KPIs of a site (ISA-18.2, EEMUA 191) over a period; `format=csv` to export',
        description:
          'Alarms per 10 minutes, flood periods, standing and chattering alarms, the 10 most frequent, the ' +
          'priority distribution (targets 5 / 15 / 80 %) and the time to acknowledge, overall and per operator. ' +
          'The last 24 h by default; at most 400 days, and `from` before `to`, else 400 FM_ERR_ALARM_RANGE_INVALID. ' +
          'With `format=csv` the answer is `text/csv` rows of `metric,subject,value`.',
        params: SiteOnly,
        querystring: KpiQuery,
        response: { 200: AlarmKpis, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request, reply) => {
      const user = signedIn(request)
      const { siteId } = request.params
      const to = request.query.to ?? now()
      const from = request.query.from ?? to - DEFAULT_KPI_PERIOD_MS
      if (from >= to) throw apiError('FM_ERR_ALARM_RANGE_INVALID', '`from` must be before `to`')
      if (to - from > MAX_KPI_PERIOD_MS) throw apiError('FM_ERR_ALARM_RANGE_INVALID', 'a period spans at most 400 days')
      if (!store.listSites().some((site) => site.id === siteId)) throw apiError('FM_ERR_SITE_NOT_FOUND', siteId)

      const covers = user.scope.buildingIds.length === 0 ? () => true : deviceCoverage(store, user.scope)
      const journal = wholeJournal(store, {
        siteIds: [siteId],
        from: from - FLOOD_WINDOW_MS,
        to,
        transitions: KPI_TRANSITIONS,
      }).filter((entry) => covers(entry.deviceId))
      const alarms = store.listAlarms({ siteIds: [siteId] }).filter((alarm) => covers(alarm.deviceId))
      const kpis = computeAlarmKpis({ siteId, from, to, journal, alarms })
      if (request.query.format !== 'csv') return kpis

      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="alarm-kpis-${siteId}-${day(from)}-${day(to)}.csv"`)
        .send(alarmKpisCsv(kpis))
    },
  )
}
