/**
 * `GET /metrics`: Prometheus text exposition of the api and, from their retained status, the broker and ingest (see
 * `metrics.ts`). At the root, where Prometheus looks by default, not under `/api`, and left out of the OpenAPI
 * document, which describes the REST API for the dashboard and integrators; api/README.md lists the metrics.
 *
 * Who may scrape: Prometheus with the bearer token of `FM_API_METRICS_TOKEN` (`authorization` in its scrape config),
 * or a signed-in user with `system.read`. The figures name no device nor person, but they tell how the platform is
 * built and how loaded it is: not for anyone on the network.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { RouteDeps } from '../app.ts'
import { requirePermission } from '../auth/guards.ts'
import { createMetricsRegistry } from '../metrics.ts'
import { errorResponses } from './schemas.ts'

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function hasBearerToken(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false
  const offered = Buffer.from(header.slice('Bearer '.length), 'utf8')
  const expected = Buffer.from(token, 'utf8')
  return offered.length === expected.length && timingSafeEqual(offered, expected)
}

export const metricsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const registry = createMetricsRegistry(deps.live)
  const { metricsToken } = deps.config
  const systemRead = requirePermission('system.read')
  app.get(
    '/metrics',
    {
      // Scraped every few seconds: keep it out of the info log, as health.
      logLevel: 'warn',
      preHandler: async (request) => {
        if (metricsToken !== undefined && hasBearerToken(request, metricsToken)) return
        await systemRead(request)
      },
      schema: { hide: true, response: errorResponses(401, 403) },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  )
}
