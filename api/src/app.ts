/**
 * The api as a Fastify instance, built but not listening (tests use `inject`, `main.ts` calls `listen`).
 *
 * The walk of one request: socket.io takes `/socket.io/*` off the HTTP server before Fastify sees it → routing
 * (`/api/*` routes and `/metrics`, then the dashboard's files) → the session cookie resolves `request.user` →
 * schema validation of params, query and body (400 `FM_ERR_VALIDATION`, unknown keys refused) → the route's guards
 * (`requirePermission`, …) → handler → response serialised through the route's schema → any throw becomes an
 * `ErrorResponse` in `handleError`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fastifySwagger } from '@fastify/swagger'
import { fastifySwaggerUi } from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ErrorResponse } from '@fm/protocol'
import type { Store, TimeSeriesStore } from '@fm/store'
import { type FastifyBaseLogger, type FastifyInstance, fastify, type RawServerDefault } from 'fastify'
import type { Logger } from 'pino'
import { Server } from 'socket.io'
import packageJson from '../package.json' with { type: 'json' }
import { startSuppressionExpiry } from './alarm-changes.ts'
import { authRoutes } from './auth/routes.ts'
import { registerSessions, SESSION_COOKIE } from './auth/session.ts'
import type { ApiConfig } from './config.ts'
import { registerDashboard } from './dashboard.ts'
import { handleError } from './error-handler.ts'
import type { Live, LiveServer } from './live.ts'
import { LiveSessions } from './live-sessions.ts'
import { alarmActionRoutes } from './routes/alarm-actions.ts'
import { alarmKpiRoutes } from './routes/alarm-kpis.ts'
import { alarmRuleRoutes } from './routes/alarm-rules.ts'
import { alarmRoutes } from './routes/alarms.ts'
import { auditRoutes } from './routes/audit.ts'
import { deviceAdminRoutes } from './routes/device-admin.ts'
import { deviceRoutes } from './routes/devices.ts'
import { healthRoutes } from './routes/health.ts'
import { historyRoutes } from './routes/history.ts'
import { maintenanceRoutes } from './routes/maintenance.ts'
import { maintenanceKpiRoutes } from './routes/maintenance-kpis.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { siteRoutes } from './routes/sites.ts'
import { userRoutes } from './routes/users.ts'
import { workOrderRoutes } from './routes/work-orders.ts'

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface ApiDeps {
  store: Store
  timeseries: TimeSeriesStore
  live: Live
  logger: FastifyBaseLogger
  /** The clock, epoch ms; the same as the store's. Default `Date.now`; tests pass one they move. */
  now?: () => number
  /** How often live sockets' sessions are checked again; LIVE_SESSION_CHECK_MS by default. */
  liveSessionCheckMs?: number
  /** How often due shelves and out-of-service periods are ended; SUPPRESSION_EXPIRY_CHECK_MS by default. */
  suppressionExpiryCheckMs?: number
}

/** What every route plugin receives. */
export interface RouteDeps {
  config: Readonly<ApiConfig>
  store: Store
  timeseries: TimeSeriesStore
  live: Live
  /** Its `check()` closes the live sockets of ended sessions and changed users at once; see live-sessions.ts. */
  liveSessions: Pick<LiveSessions, 'check'>
  version: string
  now: () => number
}

export const API_VERSION: string = packageJson.version
const BODY_LIMIT_BYTES = 64 * 1024

const OPENAPI_TAGS = [
  { name: 'auth', description: "Signing in and out, the signed-in user, changing one's password" },
  { name: 'health', description: 'Is the platform working?' },
  { name: 'sites', description: 'Compounds (小区) and buildings, with their equipment rooms' },
  { name: 'devices', description: 'Equipment with its latest values and availability' },
  { name: 'history', description: 'Time series and events of one device' },
  {
    name: 'alarms',
    description: 'Alarms, their journal, rules and KPIs; acknowledging, shelving, resetting, out of service',
  },
  { name: 'users', description: 'Users administration: accounts, roles, scopes, passwords (users.manage)' },
  { name: 'audit', description: 'The audit log: who did what, where and when (audit.read)' },
]

async function registerOpenApi(app: App): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Facility Monitor API',
        description:
          'REST API of an open-source platform that property-management companies run to watch the equipment of ' +
          'their compounds and buildings live: water tanks, pumps, electrical panels, fire systems, gates. ' +
          'Live updates come over socket.io (`snapshot`, then `deltas`, `events`, `alarms` and `flood`); see ' +
          'docs/protocol.md.',
        version: API_VERSION,
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      tags: OPENAPI_TAGS,
    },
    // Name shared schemas by their $id (`#/components/schemas/ErrorResponse`) rather than `def-0`.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' })
}

/**
 * socket.io shares the HTTP server; it exists from `ready` until `close`. Its handshake carries the session cookie:
 * `liveSessions` admits signed-in users only and closes their sockets when their session ends.
 */
function attachSocketIo(app: App, live: Live, liveSessions: LiveSessions): void {
  let io: LiveServer | undefined
  app.addHook('onReady', async () => {
    io = new Server(app.server, { serveClient: false, maxHttpBufferSize: 64 * 1024 })
    liveSessions.attach(io)
    live.attach(io)
  })
  // Before the HTTP server closes: open websockets would otherwise hold `close` forever.
  app.addHook('preClose', async () => {
    liveSessions.close()
    await io?.close()
  })
}

export async function buildApp(config: Readonly<ApiConfig>, deps: ApiDeps): Promise<App> {
  const app = fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Unknown keys are refused (with `additionalProperties: false` in the schemas), never silently dropped;
    // query strings arrive as text, so scalars are coerced to the schema's types.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    // X-Forwarded-* set `request.ip` and `request.protocol` only when they come from a trusted proxy (config.ts)
    trustProxy: config.trustProxy,
    // HTTPS with a configured certificate; socket.io shares the server, so it is wss then
    ...(config.tls ? { https: { ...config.tls, minVersion: 'TLSv1.2' as const } } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setErrorHandler(handleError)
  app.addSchema(ErrorResponse)
  await registerOpenApi(app)

  const { store, timeseries, live } = deps
  await registerSessions(app, store)
  const liveSessions = new LiveSessions({
    store,
    readToken: (header) => (header === undefined ? undefined : app.parseCookie(header)[SESSION_COOKIE]),
    logger: deps.logger.child({ part: 'live-sessions' }) as Logger,
    ...(deps.liveSessionCheckMs === undefined ? {} : { checkIntervalMs: deps.liveSessionCheckMs }),
  })
  const routeDeps: RouteDeps = {
    config,
    store,
    timeseries,
    live,
    liveSessions,
    version: API_VERSION,
    now: deps.now ?? Date.now,
  }
  for (const routes of [authRoutes, healthRoutes, siteRoutes, deviceRoutes, historyRoutes, userRoutes, auditRoutes]) {
    await app.register(routes, { prefix: '/api', ...routeDeps })
  }
  await app.register(deviceAdminRoutes, { prefix: '/api', ...routeDeps })
  for (const routes of [
    alarmRoutes,
    alarmActionRoutes,
    alarmRuleRoutes,
    alarmKpiRoutes,
    workOrderRoutes,
    maintenanceRoutes,
    maintenanceKpiRoutes,
  ]) {
    await app.register(routes, { prefix: '/api', ...routeDeps })
  }
  await app.register(metricsRoutes, routeDeps)
  await registerDashboard(app, config.dashboardDir)
  attachSocketIo(app, live, liveSessions)
  let stopExpiry: (() => void) | undefined
  app.addHook('onReady', async () => {
    stopExpiry = startSuppressionExpiry({
      store,
      live,
      now: routeDeps.now,
      logger: deps.logger,
      ...(deps.suppressionExpiryCheckMs === undefined ? {} : { intervalMs: deps.suppressionExpiryCheckMs }),
    })
  })
  app.addHook('onClose', async () => stopExpiry?.())
  return app
}
