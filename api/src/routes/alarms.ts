/**
 * Reading alarms (`devices.read`, within the user's scope): `GET /api/alarms` (the open ones by default, as a console
 * lists them), `GET /api/alarms/:id`, its journal `GET /api/alarms/:id/journal`, and the journal of a site or device
 * over a period, `GET /api/alarm-journal`. The actions on alarms are in alarm-actions.ts.
 *
 * The journal names devices, not buildings: for a user scoped to some buildings, the entries of devices outside them
 * are left out of each page, so a page may hold fewer entries than its limit while `next` says there are more.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ALARM_PRIORITIES,
  AlarmJournalEntry,
  AlarmView,
  ID_PATTERN,
  scopeCovers,
  scopeIncludesSite,
  type UserScope,
} from '@fm/protocol'
import { type AlarmJournalQuery, DEFAULT_JOURNAL_LIMIT, type Store, type UserRecord } from '@fm/store'
import { type Static, Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { assertCovers, requirePermission, signedIn } from '../auth/guards.ts'
import { apiError } from '../errors.ts'
import { errorResponses } from './schemas.ts'

/** Most journal entries one page holds. */
export const MAX_JOURNAL_PAGE = 1_000
/** The largest time a JavaScript Date can hold, epoch ms. */
const MAX_TIME_MS = 8.64e15

export const Time = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description })

export const AlarmParams = Type.Object(
  { id: Type.Integer({ minimum: 1, description: 'alarm id' }) },
  { additionalProperties: false },
)

const AlarmListQuery = Type.Object(
  {
    siteId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'only alarms of this site' })),
    open: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'true: not normal, or shelved, or out of service (a console); false: every alarm instance',
      }),
    ),
    priority: Type.Optional(Type.Enum(ALARM_PRIORITIES)),
    deviceId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'only alarms of this device' })),
  },
  { additionalProperties: false },
)

const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_JOURNAL_PAGE, default: DEFAULT_JOURNAL_LIMIT })),
  beforeId: Type.Optional(Type.Integer({ minimum: 1, description: 'cursor: `next.beforeId` of the previous page' })),
}

const AlarmJournalQueryString = Type.Object(
  {
    siteId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'only entries of this site' })),
    deviceId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'only entries of this device' })),
    from: Type.Optional(Time('only entries at or after this time, epoch ms')),
    to: Type.Optional(Time('only entries before this time, epoch ms')),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export const AlarmJournalPage = Type.Object({
  entries: Type.Array(AlarmJournalEntry, { description: 'newest first' }),
  next: Type.Optional(Type.Object({ beforeId: Type.Integer() }, { description: 'present while older entries match' })),
})
export type AlarmJournalPage = Static<typeof AlarmJournalPage>

/** The alarm, within the user's scope; 404 for an unknown id, 403 outside the scope. */
export function alarmInScope(store: Store, user: UserRecord, id: number): AlarmView {
  const alarm = store.getAlarm(id)
  if (!alarm) throw apiError('FM_ERR_ALARM_NOT_FOUND', `alarm ${id} not found`)
  assertCovers(user, alarm.siteId, alarm.buildingId)
  return alarm
}

/**
 * Whether the scope covers the device with this id, for what names only a device (journal entries): looked up once
 * per device and request. Every device of the scope's sites when it names no buildings.
 */
export function deviceCoverage(store: Store, scope: UserScope): (deviceId: string) => boolean {
  const known = new Map<string, boolean>()
  return (deviceId) => {
    let covered = known.get(deviceId)
    if (covered === undefined) {
      const device = store.getDevice(deviceId)
      covered = device !== undefined && scopeCovers(scope, device.siteId, device.buildingId)
      known.set(deviceId, covered)
    }
    return covered
  }
}

/** The sites to read of: `siteId` when given (403 outside the scope), else the scope's; undefined for all sites. */
export function sitesToRead(scope: UserScope, siteId: string | undefined): string[] | undefined {
  if (siteId !== undefined) {
    if (!scopeIncludesSite(scope, siteId)) throw apiError('FM_ERR_SCOPE_FORBIDDEN', `site "${siteId}"`)
    return [siteId]
  }
  return scope.allSites ? undefined : scope.siteIds
}

export const alarmRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store }) => {
  const read = requirePermission('devices.read')

  /** A page of the journal, newest first, with the cursor to the one before it while older entries match. */
  function journalPage(query: AlarmJournalQuery, covers: (deviceId: string) => boolean): AlarmJournalPage {
    const limit = query.limit ?? DEFAULT_JOURNAL_LIMIT
    const raw = store.alarmJournal({ ...query, limit })
    const entries = raw.filter((entry) => covers(entry.deviceId))
    const last = raw.at(-1)
    if (!last || raw.length < limit) return { entries }
    const older = store.alarmJournal({ ...query, beforeId: last.id, limit: 1 })
    return older.length > 0 ? { entries, next: { beforeId: last.id } } : { entries }
  }

  app.get(
    '/alarms',
    {
      preHandler: read,
      schema: {
        tags: ['alarms'],
        summary: 'The alarms of your scope: by default the open ones, highest priority first, then oldest',
        description:
          'A `siteId` or `deviceId` outside your scope answers 403 FM_ERR_SCOPE_FORBIDDEN; an unknown device 404 ' +
          'FM_ERR_DEVICE_NOT_FOUND. `open=false` lists every alarm instance, one per (device, rule) that ever alarmed.',
        querystring: AlarmListQuery,
        response: { 200: Type.Array(AlarmView), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => {
      const user = signedIn(request)
      const { siteId, open = true, priority, deviceId } = request.query
      const siteIds = sitesToRead(user.scope, siteId)
      if (deviceId !== undefined) {
        const device = store.getDevice(deviceId)
        if (!device) throw apiError('FM_ERR_DEVICE_NOT_FOUND', deviceId)
        assertCovers(user, device.siteId, device.buildingId)
      }
      return store
        .listAlarms({ ...(siteIds ? { siteIds } : {}), ...(deviceId === undefined ? {} : { deviceId }), open })
        .filter((alarm) => priority === undefined || alarm.priority === priority)
        .filter((alarm) => scopeCovers(user.scope, alarm.siteId, alarm.buildingId))
    },
  )

  app.get(
    '/alarms/:id',
    {
      preHandler: read,
      schema: {
        tags: ['alarms'],
        summary: 'One alarm with its state, suppression and, for a fire alarm, the steps recorded',
        params: AlarmParams,
        response: { 200: AlarmView, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => alarmInScope(store, signedIn(request), request.params.id),
  )

  app.get(
    '/alarms/:id/journal',
    {
      preHandler: read,
      schema: {
        tags: ['alarms'],
        summary: 'Every transition of one alarm, newest first, a page at a time',
        description: 'Who acknowledged, shelved (and why), reset or recorded a fire step, and when.',
        params: AlarmParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: AlarmJournalPage, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => {
      const alarm = alarmInScope(store, signedIn(request), request.params.id)
      const { limit, beforeId } = request.query
      return journalPage({ alarmId: alarm.id, limit, ...(beforeId === undefined ? {} : { beforeId }) }, () => true)
    },
  )

  app.get(
    '/alarm-journal',
    {
      preHandler: read,
      schema: {
        tags: ['alarms'],
        summary: 'The alarm journal of your scope, or of one site or device, over a period, newest first',
        description:
          'Pass `next.beforeId` of a page to read the one before it. A `siteId` or `deviceId` outside your scope ' +
          'answers 403 FM_ERR_SCOPE_FORBIDDEN; `from` not before `to` 400 FM_ERR_ALARM_RANGE_INVALID.',
        querystring: AlarmJournalQueryString,
        response: { 200: AlarmJournalPage, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => {
      const user = signedIn(request)
      const { siteId, deviceId, from, to, limit, beforeId } = request.query
      if (from !== undefined && to !== undefined && from >= to) {
        throw apiError('FM_ERR_ALARM_RANGE_INVALID', '`from` must be before `to`')
      }
      const siteIds = sitesToRead(user.scope, siteId)
      if (deviceId !== undefined) {
        const device = store.getDevice(deviceId)
        if (!device) throw apiError('FM_ERR_DEVICE_NOT_FOUND', deviceId)
        assertCovers(user, device.siteId, device.buildingId)
      }
      const query: AlarmJournalQuery = { from, to, limit }
      if (siteIds) query.siteIds = siteIds
      if (deviceId !== undefined) query.deviceId = deviceId
      if (beforeId !== undefined) query.beforeId = beforeId
      const covers = user.scope.buildingIds.length === 0 ? () => true : deviceCoverage(store, user.scope)
      return journalPage(query, covers)
    },
  )
}
