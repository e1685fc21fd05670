/**
 * `GET /api/devices` and `GET /api/devices/:deviceId`: registry facts with the latest values and availability,
 * served from the live view (the same state the socket streams), so REST and socket never disagree.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DEVICE_KINDS, DeviceView, ID_PATTERN } from '@fm/protocol'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
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
  app.get(
    '/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'List devices with their latest values and online state',
        querystring: DeviceListQuery,
        response: { 200: Type.Array(DeviceView), ...errorResponses(400, 500) },
      },
    },
    (request) => {
      const { siteId, kind } = request.query
      const filter: DeviceFilter = {}
      if (siteId !== undefined) filter.siteId = siteId
      if (kind !== undefined) filter.kind = kind
      return live.devices(filter)
    },
  )

  app.get(
    '/devices/:deviceId',
    {
      schema: {
        tags: ['devices'],
        summary: 'One device with its latest values and online state',
        params: DeviceParams,
        response: { 200: DeviceView, ...errorResponses(400, 404, 500) },
      },
    },
    (request) => {
      const device = live.device(request.params.deviceId)
      if (!device) throw apiError('FM_ERR_DEVICE_NOT_FOUND', request.params.deviceId)
      return device
    },
  )
}
