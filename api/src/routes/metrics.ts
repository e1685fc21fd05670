/**
 * `GET /metrics`: Prometheus text exposition of the api and, from their retained status, the broker and ingest (see
 * `metrics.ts`). At the root, where Prometheus looks by default, not under `/api`, and left out of the OpenAPI
 * document, which describes the REST API for the dashboard and integrators; api/README.md lists the metrics.
 *
 * Public for now, like `/api/health`: nothing here names a device, a site or a person. The identity issue will put
 * it behind authentication (or a separate listener) with the rest.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteDeps } from '../app.ts'
import { createMetricsRegistry } from '../metrics.ts'

export const metricsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const registry = createMetricsRegistry(deps.live)
  app.get(
    '/metrics',
    {
      // Scraped every few seconds: keep it out of the info log, as health.
      logLevel: 'warn',
      schema: { hide: true },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  )
}
