/**
 * `GET /api/devices` and `GET /api/devices/:deviceId`: registry facts with the latest values and availability,
 * served from the live view (the same state the socket streams), so REST and socket never disagree. Only the devices
 * of the user's scope (`devices.read`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DEVICE_KINDS, DeviceView, ID_PATTERN, scopeIncludesSite } from '@fm/protocol'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { assertCovers, requirePermission, signedIn } from '../auth/guards.ts'
import { coversDevice } from '../auth/scope.ts'
import { apiError } from '../errors.ts'
import type { DeviceFilter } from '../live-state.ts'
import { DeviceParams, errorResponses } from './schemas.ts'

const DeviceListQuery = Type.Object(
  {
    siteId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'only devices of this site' })),
    kind: Type.Optional(Type.Enum(DEVICE_KINDS, { description: 'only devices of this kind' })),
  },
  { additionalProperties: false },
)

export const deviceRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { live }) => {
  const read = requirePermission('devices.read')

  app.get(
    '/devices',
    {
      preHandler: read,
      schema: {
        tags: ['devices'],
        summary: 'List the devices of your scope with their latest values and online state',
        description: 'A `siteId` outside your scope answers 403 FM_ERR_SCOPE_FORBIDDEN.',
        querystring: DeviceListQuery,
        response: { 200: Type.Array(DeviceView), ...errorResponses(400, 401, 403, 500) },
      },
    },
    (request) => {
      const { scope } = signedIn(request)
      const { siteId, kind } = request.query
      const filter: DeviceFilter = {}
      if (siteId !== undefined) {
        if (!scopeIncludesSite(scope, siteId)) throw apiError('FM_ERR_SCOPE_FORBIDDEN', `site "${siteId}"`)
        filter.siteId = siteId
      }
      if (kind !== undefined) filter.kind = kind
      return live.devices(filter).filter((device) => coversDevice(scope, device))
    },
  )

  app.get(
    '/devices/:deviceId',
    {
      preHandler: read,
      schema: {
        tags: ['devices'],
        summary: 'One device with its latest values and online state',
        params: DeviceParams,
        response: { 200: DeviceView, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => {
      const device = live.device(request.params.deviceId)
      if (!device) throw apiError('FM_ERR_DEVICE_NOT_FOUND', request.params.deviceId)
      assertCovers(signedIn(request), device.siteId, device.buildingId)
      return device
    },
  )
}
