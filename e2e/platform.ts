/**
 * Starts the whole platform in one test process, each service through the same factory its `main.ts` uses, on
 * free loopback ports, with real SQLite files in a temporary data folder and the demo compound's simulators.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp, createLive, loadConfig as loadApiConfig } from '@fm/api'
import { createBroker, loadConfig as loadBrokerConfig } from '@fm/broker'
import { createIngest, loadConfig as loadIngestConfig } from '@fm/ingest'
import type { SiteManifest } from '@fm/protocol'
import { DEMO_MANIFEST_PATH, loadManifest, startCompound } from '@fm/simulators'
import { dataFiles, openStore, openTimeSeries, type Store } from '@fm/store'
import { type Logger, pino } from 'pino'

export interface Platform {
  dataDir: string
  manifest: SiteManifest
  mqttUrl: string
  mqttPort: number
  wsPort: number
  apiUrl: string
  store: ReturnType<typeof openStore>
  ingest: ReturnType<typeof createIngest>
  broker: Awaited<ReturnType<typeof createBroker>>
  compound?: Awaited<ReturnType<typeof startCompound>>
  /**
   * The `Cookie` header of an admin over all sites, signed in through the real login route: what the tests send to
   * read the REST API and to open a live socket.
   */
  operatorCookie: string
  /** The first admin `admin`, created as the api's main.ts creates it, with its generated password. */
  firstAdmin: { username: string; password: string }
  stop(): Promise<void>
}

export const OPERATOR = { username: 'e2e.operator', password: 'e2e-operator-password-1' } as const

/** Signs in through `POST /api/auth/login` and answers the session cookie as a `Cookie` header. */
export async function signIn(apiUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (response.status !== 200) throw new Error(`signing in as ${username} answered ${response.status}`)
  const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith('fm_session='))
  if (!session) throw new Error('the login answer set no session cookie')
  return session.split(';')[0] ?? ''
}

export interface PlatformOptions {
  /** Start the demo compound's simulators (default true). */
  simulators?: boolean
  /** Report interval of every simulated device, to keep tests short. */
  intervalMs?: number
  /** Folder of the built dashboard the api serves. */
  dashboardDir?: string
  /** More sites to provision besides the demo compound (benchmarks). */
  extraManifests?: SiteManifest[]
}

export interface ServiceBroker {
  broker: Awaited<ReturnType<typeof createBroker>>
  mqttUrl: string
  /** Fresh MQTT passwords of the ingest and api services, known to this broker only. */
  passwords: { ingest: string; api: string }
}

/**
 * For load generators: each of their connections stands in for many devices and publishes far beyond what one
 * device may (broker/src/rate-limit.ts); the limits themselves are tested in broker/test/protection.test.ts.
 */
export const LOAD_GENERATOR_ENV = { FM_BROKER_RATE_LIMITS: 'default=1000000/1000000' } as const

/**
 * The real broker on a free loopback port, authenticating devices against `store` and the two services; `env` adds
 * or overrides FM_BROKER_* settings.
 */
export async function startServiceBroker(
  store: Store,
  logger: Logger,
  env: Record<string, string> = {},
): Promise<ServiceBroker> {
  const passwords = { ingest: randomBytes(16).toString('hex'), api: randomBytes(16).toString('hex') }
  const broker = await createBroker(
    loadBrokerConfig({
      FM_BROKER_HOST: '127.0.0.1',
      FM_BROKER_PORT: '0',
      FM_BROKER_WS_PORT: '0',
      FM_BROKER_SERVICE_CREDENTIALS: `ingest:${passwords.ingest},api:${passwords.api}`,
      ...env,
    }),
    { store, logger },
  )
  return { broker, mqttUrl: `mqtt://127.0.0.1:${broker.tcpPort}`, passwords }
}

/** Closes what has been opened so far, newest first, whether startup finished or failed half-way. */
class Teardown {
  readonly #steps: (() => unknown)[] = []

  add(step: () => unknown): void {
    this.#steps.push(step)
  }

  async run(): Promise<void> {
    const errors: unknown[] = []
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step()
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'the platform did not stop cleanly')
  }
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const teardown = new Teardown()
  try {
    return await start(options, teardown)
  } catch (error) {
    await teardown.run().catch(() => undefined)
    throw error
  }
}

async function start(options: PlatformOptions, teardown: Teardown): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fm-e2e-'))
  teardown.add(() => rmSync(dataDir, { recursive: true, force: true }))
  const logger = pino({ level: process.env.FM_TEST_LOG_LEVEL ?? 'silent' })
  const files = dataFiles(dataDir)
  const manifest = await loadManifest(DEMO_MANIFEST_PATH)

  const store = openStore({ file: files.operational })
  teardown.add(() => store.close())
  await store.provisionSite(manifest)
  for (const extra of options.extraManifests ?? []) await store.provisionSite(extra)

  const { broker, mqttUrl, passwords } = await startServiceBroker(store, logger.child({ service: 'broker' }))
  teardown.add(() => broker.close())

  const ingestStore = openStore({ file: files.operational })
  teardown.add(() => ingestStore.close())
  const ingestSeries = openTimeSeries({ file: files.timeseries })
  teardown.add(() => ingestSeries.close())
  const ingest = createIngest(
    loadIngestConfig({ FM_DATA_DIR: dataDir, FM_MQTT_URL: mqttUrl, FM_INGEST_MQTT_PASSWORD: passwords.ingest }),
    { store: ingestStore, timeseries: ingestSeries, logger: logger.child({ service: 'ingest' }) },
  )
  teardown.add(() => ingest.stop())
  await ingest.start()

  const apiStore = openStore({ file: files.operational })
  teardown.add(() => apiStore.close())
  const apiSeries = openTimeSeries({ file: files.timeseries, readOnly: true })
  teardown.add(() => apiSeries.close())
  const apiConfig = loadApiConfig({
    FM_DATA_DIR: dataDir,
    FM_MQTT_URL: mqttUrl,
    FM_API_MQTT_PASSWORD: passwords.api,
    FM_API_HOST: '127.0.0.1',
    FM_API_PORT: '0',
    ...(options.dashboardDir ? { FM_API_DASHBOARD_DIR: options.dashboardDir } : {}),
  })
  const live = createLive({
    mqttUrl,
    username: apiConfig.mqttUsername,
    password: passwords.api,
    store: apiStore,
    logger: logger.child({ service: 'api-live' }),
  })
  teardown.add(() => live.stop())
  await live.start()
  const app = await buildApp(apiConfig, { store: apiStore, timeseries: apiSeries, live, logger })
  teardown.add(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const apiPort = typeof address === 'object' && address ? address.port : 0
  const apiUrl = `http://127.0.0.1:${apiPort}`
  const first = await apiStore.ensureFirstAdmin()
  if (!first.created) throw new Error('a fresh platform has an admin already')
  const firstAdmin = { username: first.username, password: first.password }
  await store.createUser({
    ...OPERATOR,
    displayName: 'E2E operator',
    role: 'admin',
    scope: { allSites: true, siteIds: [], buildingIds: [] },
  })
  const operatorCookie = await signIn(apiUrl, OPERATOR.username, OPERATOR.password)

  const compound =
    options.simulators === false
      ? undefined
      : await startCompound({
          mqttUrl,
          manifest,
          seed: 7,
          logger: logger.child({ service: 'simulators' }),
          ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
        })
  if (compound) teardown.add(() => compound.stop())

  return {
    dataDir,
    manifest,
    mqttUrl,
    mqttPort: Number(new URL(mqttUrl).port),
    wsPort: broker.wsPort,
    apiUrl,
    store,
    ingest,
    broker,
    ...(compound ? { compound } : {}),
    operatorCookie,
    firstAdmin,
    // Reverse order of startup: devices, the api, ingest (which flushes), the broker, the stores, the folder.
    stop: () => teardown.run(),
  }
}
