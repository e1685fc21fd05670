/**
 * `GET /api/devices/:deviceId/history` (time series at a resolution picked for the chart) and
 * `GET /api/devices/:deviceId/events` (what happened, newest first). Both read the stores, not the live view.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type DeviceKind, History, StoredEvent, telemetryFields } from '@fm/protocol'
import type { DeviceRecord, HistoryQuery, Store } from '@fm/store'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { assertCovers, requirePermission, signedIn } from '../auth/guards.ts'
import { apiError } from '../errors.ts'
import { DeviceParams, errorResponses } from './schemas.ts'

export const DEFAULT_HISTORY_SPAN_MS = 60 * 60 * 1000
export const MAX_HISTORY_SPAN_DAYS = 400
/**
 * The bucket width follows from span / maxPoints, and the time-series store reads the coarsest tier whose buckets
 * tile it. With at most 2 000 points, raw samples serve only ranges under about 33 hours (steps under a minute); a
 * longer range comes from the 1-minute roll-ups, one over about 42 days (steps of an hour or more) from the 1-hour
 * ones: a 400-day chart reads about 9 600 roll-up rows per field, not the 400 days of raw samples.
 */
export const MAX_HISTORY_POINTS = 2_000
const DAY_MS = 24 * 60 * 60 * 1000

/** The largest time a JavaScript Date can hold, epoch ms. */
const MAX_TIME_MS = 8.64e15

const Time = (description: string) =>
  Type.Union([Type.Integer({ minimum: 0, maximum: MAX_TIME_MS }), Type.String({ format: 'date-time' })], {
    description: `${description}: epoch milliseconds or an ISO 8601 date-time with offset`,
  })

const HistoryQueryString = Type.Object(
  {
    from: Type.Optional(Time('start, inclusive; default one hour before `to`')),
    to: Type.Optional(Time('end, exclusive; default now')),
    fields: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9_]+(,[a-z0-9_]+)*$',
        maxLength: 2_000,
        description: 'comma-separated telemetry fields of the device kind; all of them when absent',
      }),
    ),
    maxPoints: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_HISTORY_POINTS, default: 500, description: 'points per series' }),
    ),
  },
  { additionalProperties: false },
)

const EventsQueryString = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    before: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'only events before this time, epoch ms' }),
    ),
    beforeId: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'with `before`: the id of the last event of the previous page, to page through a burst',
      }),
    ),
  },
  { additionalProperties: false },
)

function epochMs(value: number | string): number {
  return typeof value === 'number' ? value : Date.parse(value)
}

/** Resolves the time range with its defaults and checks it; throws `FM_ERR_HISTORY_RANGE_INVALID`. */
export function historyRange(from: number | string | undefined, to: number | string | undefined, now: number) {
  const end = to === undefined ? now : epochMs(to)
  const start = from === undefined ? end - DEFAULT_HISTORY_SPAN_MS : epochMs(from)
  if (!(start < end)) throw apiError('FM_ERR_HISTORY_RANGE_INVALID', `from (${start}) must be before to (${end})`)
  if (end - start > MAX_HISTORY_SPAN_DAYS * DAY_MS) {
    throw apiError('FM_ERR_HISTORY_RANGE_INVALID', `the range spans more than ${MAX_HISTORY_SPAN_DAYS} days`)
  }
  return { from: start, to: end }
}

/** Splits and checks `fields` against the kind's catalogue; throws `FM_ERR_HISTORY_FIELD_UNKNOWN`. */
export function historyFields(kind: DeviceKind, fields: string | undefined): string[] | undefined {
  if (fields === undefined) return undefined
  const known = telemetryFields(kind).map((field) => field.key)
  const requested = [...new Set(fields.split(','))]
  const unknown = requested.find((field) => !known.includes(field))
  if (unknown !== undefined) throw apiError('FM_ERR_HISTORY_FIELD_UNKNOWN', unknown, kind, known.join(', '))
  return requested
}

/** 404 for a device that does not exist, 403 for one outside the user's scope. */
function visibleDevice(store: Store, request: FastifyRequest, deviceId: string): DeviceRecord {
  const device = store.getDevice(deviceId)
  if (!device) throw apiError('FM_ERR_DEVICE_NOT_FOUND', deviceId)
  assertCovers(signedIn(request), device.siteId, device.buildingId)
  return device
}

export const historyRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, timeseries }) => {
  app.get(
    '/devices/:deviceId/history',
    {
      preHandler: requirePermission('history.read'),
      schema: {
        tags: ['history'],
        summary: 'Time series of a device, in buckets sized for a chart',
        description:
          `Per field: mean, min, max and count per bucket. The range may span up to ${MAX_HISTORY_SPAN_DAYS} days. ` +
          '`tier` tells whether the buckets were computed from raw samples or from the 1-minute or 1-hour roll-ups.',
        params: DeviceParams,
        querystring: HistoryQueryString,
        response: { 200: History, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => {
      const device = visibleDevice(store, request, request.params.deviceId)
      const { from, to, fields, maxPoints } = request.query
      const query: HistoryQuery = { deviceId: device.id, kind: device.kind, ...historyRange(from, to, Date.now()) }
      const selected = historyFields(device.kind, fields)
      if (selected) query.fields = selected
      if (maxPoints !== undefined) query.maxPoints = maxPoints
      return timeseries.history(query)
    },
  )

  app.get(
    '/devices/:deviceId/events',
    {
      preHandler: requirePermission('events.read'),
      schema: {
        tags: ['history'],
        summary: 'Events of a device (fire points, plates, patrol scans), newest first',
        params: DeviceParams,
        querystring: EventsQueryString,
        response: { 200: Type.Array(StoredEvent), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => {
      const device = visibleDevice(store, request, request.params.deviceId)
      const { limit, before, beforeId } = request.query
      const options: { limit?: number; before?: number; beforeId?: number } = {}
      if (limit !== undefined) options.limit = limit
      if (before !== undefined) options.before = before
      if (beforeId !== undefined) options.beforeId = beforeId
      return store.listEvents(device.id, options)
    },
  )
}
