/** `GET /api/sites` and `GET /api/sites/:siteId`: the compounds and buildings this platform watches. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Site } from '@fm/protocol'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { apiError } from '../errors.ts'
import { errorResponses, SiteParams } from './schemas.ts'

export const siteRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store }) => {
  app.get(
    '/sites',
    {
      schema: {
        tags: ['sites'],
        summary: 'List the sites with their buildings and equipment rooms',
        response: { 200: Type.Array(Site), ...errorResponses(500) },
      },
    },
    () => store.listSites(),
  )

  app.get(
    '/sites/:siteId',
    {
      schema: {
        tags: ['sites'],
        summary: 'One site with its buildings and equipment rooms',
        params: SiteParams,
        response: { 200: Site, ...errorResponses(400, 404, 500) },
      },
    },
    (request) => {
      const { siteId } = request.params
      const site = store.listSites().find((candidate) => candidate.id === siteId)
      if (!site) throw apiError('FM_ERR_SITE_NOT_FOUND', siteId)
      return site
    },
  )
}
