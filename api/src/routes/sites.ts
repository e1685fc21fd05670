/**
 * `GET /api/sites` and `GET /api/sites/:siteId`: the compounds and buildings this platform watches, as far as the
 * user's scope reaches (`devices.read`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Site } from '@fm/protocol'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { requirePermission, requireSite, signedIn } from '../auth/guards.ts'
import { sitesInScope } from '../auth/scope.ts'
import { apiError } from '../errors.ts'
import { errorResponses, SiteParams } from './schemas.ts'

export const siteRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store }) => {
  const read = requirePermission('devices.read')

  app.get(
    '/sites',
    {
      preHandler: read,
      schema: {
        tags: ['sites'],
        summary: 'List the sites of your scope with their buildings and equipment rooms',
        description: 'A user scoped to some buildings gets only those buildings and their rooms.',
        response: { 200: Type.Array(Site), ...errorResponses(401, 403, 500) },
      },
    },
    (request) => sitesInScope(signedIn(request).scope, store.listSites()),
  )

  app.get(
    '/sites/:siteId',
    {
      preHandler: [read, requireSite()],
      schema: {
        tags: ['sites'],
        summary: 'One site with its buildings and equipment rooms, as far as your scope reaches',
        params: SiteParams,
        response: { 200: Site, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => {
      const { siteId } = request.params
      const [site] = sitesInScope(
        signedIn(request).scope,
        store.listSites().filter((candidate) => candidate.id === siteId),
      )
      if (!site) throw apiError('FM_ERR_SITE_NOT_FOUND', siteId)
      return site
    },
  )
}
