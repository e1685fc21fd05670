/**
 * Real parts for the api tests: an Aedes broker on a loopback port, SQLite stores in a temp folder with a small
 * compound, the live view, the app, MQTT "devices", socket.io clients and a TCP proxy that can stop reading. Everything
 * a test opens is closed in `closeAll` (registered with `afterEach`), newest first.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer, type Socket as TcpSocket, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type {
  BrokerStatus,
  DeviceDelta,
  DeviceKind,
  DeviceView,
  LiveSnapshot,
  ServerToClientEvents,
  SiteManifest,
} from '@fm/protocol'
import { dataFiles, openStore, openTimeSeries, type PasswordCost, type Store, type TimeSeriesStore } from '@fm/store'
import { Aedes, type AedesOptions, type Client } from 'aedes'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { afterAll } from 'vitest'
import { type App, buildApp } from '../src/app.ts'
import { type ApiConfig, type Env, loadConfig } from '../src/config.ts'
import { createLive, type Live } from '../src/live.ts'

export const SITE_ID = 'xingfuli'
/** Short, so that live tests are quick; the product default is LIVE_FLUSH_INTERVAL_MS. */
export const TEST_FLUSH_INTERVAL_MS = 50
/** scrypt at 64 KiB: the auth tests hash dozens of passwords, which the production cost would take seconds for. */
export const TEST_PASSWORD_COST: PasswordCost = { N: 64, r: 8, p: 1 }

const closers: (() => unknown)[] = []

export function defer(close: () => unknown): void {
  closers.push(close)
}

export async function closeAll(): Promise<void> {
  for (let close = closers.pop(); close; close = closers.pop()) await close()
}

/** 幸福里小区: one building, a pump room and a gatehouse. */
export function compound(): SiteManifest {
  return {
    site: { id: SITE_ID, name: '幸福里小区', name_en: 'Xingfuli Compound', timezone: 'Asia/Shanghai', city: '武汉' },
    buildings: [{ id: 'b1', name: '1栋', name_en: 'Building 1', floors: 33 }],
    rooms: [
      { id: 'pump-room', name: '生活泵房', type: 'domestic-pump-room', building: 'b1' },
      { id: 'gatehouse', name: '东门岗亭', type: 'gatehouse' },
    ],
    devices: [
      { id: 'tank-1', kind: 'water-tank', name: '生活水箱', room: 'pump-room', password: 'tank-1-password-x' },
      { id: 'pump-1', kind: 'pump', name: '1#加压泵', room: 'pump-room', password: 'pump-1-password-x' },
      { id: 'gate-east', kind: 'gate', name: '东门道闸', room: 'gatehouse', password: 'gate-password-xx' },
    ],
  }
}

export function tempDir(prefix = 'fm-api-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  defer(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A folder shaped like a Vite build: `index.html` and a hashed asset. */
export function builtDashboard(): string {
  const dir = tempDir('fm-dashboard-')
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Facility Monitor</title><div id="root"></div>')
  writeFileSync(join(dir, 'assets', 'index-3f2a1b.js'), 'console.log("dashboard")')
  return dir
}

export interface TestBroker {
  url: string
  /** Closes the connections of the clients whose id starts with `prefix`, as a broker restart would. */
  dropClients(prefix: string): void
  /**
   * Publishes from inside the broker, as our broker publishes its own status (`fm/services/broker/status`): no MQTT
   * client, and so no ACL, is involved; no service role may publish there.
   */
  publish(topic: string, payload: string, options?: { retain?: boolean }): Promise<void>
}

export async function startBroker(options: AedesOptions = {}): Promise<TestBroker> {
  const aedes = await Aedes.createBroker(options)
  const clients = new Set<Client>()
  aedes.on('client', (client) => clients.add(client))
  aedes.on('clientDisconnect', (client) => clients.delete(client))
  const server = createServer(aedes.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  defer(async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()))
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropClients(prefix) {
      for (const client of clients) if (client.id.startsWith(prefix)) client.close()
    },
    publish(topic, payload, { retain = false } = {}) {
      const packet = {
        cmd: 'publish' as const,
        topic,
        payload: Buffer.from(payload),
        qos: 1 as const,
        retain,
        dup: false,
      }
      return new Promise((resolve, reject) => aedes.publish(packet, (error) => (error ? reject(error) : resolve())))
    },
  }
}

let template: Promise<string> | undefined

/**
 * The compound provisioned once per test file: provisioning hashes every device password with scrypt, which is
 * slow on purpose, so each test starts from a copy of this database instead.
 */
function provisionedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-api-template-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const store = openStore({ file: dataFiles(dir).operational })
    try {
      await store.provisionSite(compound())
    } finally {
      store.close()
    }
    return dir
  })()
  return template
}

/** `now` is the store's clock (lockouts, session expiry, audit times); a test moves it instead of sleeping. */
export async function openStores(
  options: { now?: () => number } = {},
): Promise<{ dataDir: string; store: Store; timeseries: TimeSeriesStore }> {
  const templateFile = dataFiles(await provisionedTemplate()).operational
  const dataDir = tempDir()
  const files = dataFiles(dataDir)
  for (const suffix of ['', '-wal']) {
    if (existsSync(templateFile + suffix)) copyFileSync(templateFile + suffix, files.operational + suffix)
  }
  const store = openStore({
    file: files.operational,
    passwordCost: TEST_PASSWORD_COST,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  defer(() => store.close())
  const timeseries = openTimeSeries({ file: files.timeseries })
  defer(() => timeseries.close())
  return { dataDir, store, timeseries }
}

/** A healthy broker's status, as it publishes it on `fm/services/broker/status`, fresh now. */
export function brokerStatus(overrides: Partial<BrokerStatus> = {}): BrokerStatus {
  const now = Date.now()
  return {
    online: true,
    ts: now,
    intervalMs: 5_000,
    startedAt: now - 3_600_000,
    connections: { clients: 42, devices: 39, max: 10_000, authPending: 1 },
    messages: { inTotal: 120_000, outTotal: 240_500, inPerSec: 33.5, outPerSec: 67 },
    throttled: { clients: 0, total: 17 },
    dropped: { 'auth-failed': 4, 'slow-consumer': 1 },
    queues: { outgoingBytes: 2_048, largestOutgoingBytes: 1_024, slowConsumerLimitBytes: 8 * 1024 * 1024 },
    memory: { rssBytes: 95_000_000, heapUsedBytes: 41_000_000 },
    ...overrides,
  }
}

export const testLogger = pino({ level: process.env.FM_TEST_LOG_LEVEL ?? 'silent' })

export interface Api {
  app: App
  /**
   * A request as the fixtures' operator: an admin over all sites, created and signed in on the first call. Tests of
   * who may do what sign in their own users (sign-in.ts) and call `app.inject`.
   */
  inject(request: InjectOptions | string): Promise<LightMyRequestResponse>
  /** The operator's session cookie, for sockets and raw HTTP; created on the first call. */
  operatorCookies(): Promise<Record<string, string>>
  live: Live
  store: Store
  timeseries: TimeSeriesStore
  config: Readonly<ApiConfig>
  brokerUrl: string
  broker: TestBroker
}

export interface ApiOptions {
  dashboardDir?: string
  registryReloadMinIntervalMs?: number
  /** Hooks of the test broker, e.g. an `authorizeSubscribe` that refuses. */
  aedes?: AedesOptions
  stuckTimeoutMs?: number
  /** More environment for `loadConfig`, e.g. `FM_API_LOGIN_ATTEMPTS_PER_MIN`. */
  env?: Env
  /** The clock of the store and the app; a test moves it instead of sleeping. */
  now?: () => number
  /** Runs on the built app before `ready`, e.g. to add a route that only the test needs. */
  beforeReady?: (app: App) => void | Promise<void>
  /** How often live sockets' sessions are checked again; the product's default when undefined. */
  liveSessionCheckMs?: number
  /** Sites provisioned besides the fixtures' compound, before the live view loads the registry. */
  moreSites?: SiteManifest[]
  /** How often due shelves and out-of-service periods are ended; the product's default when undefined. */
  suppressionExpiryCheckMs?: number
  /** Runs on the store once the sites are provisioned, before the live view loads it (alarms raised meanwhile). */
  seed?: (store: Store) => void | Promise<void>
}

export const OPERATOR_USERNAME = 'test.operator'

/** A session for an admin over all sites, made in the store directly: it leaves the login route's counters alone. */
async function operatorSession(store: Store): Promise<Record<string, string>> {
  const operator =
    store.getUserByUsername(OPERATOR_USERNAME) ??
    (await store.createUser({
      username: OPERATOR_USERNAME,
      displayName: 'Test operator',
      role: 'admin',
      scope: { allSites: true, siteIds: [], buildingIds: [] },
      password: 'operator-password-for-tests',
    }))
  return { fm_session: store.createSession(operator.id).token }
}

/** The whole api on real parts; `dashboardDir` defaults to a folder without a build. */
export async function startApi(options: ApiOptions = {}): Promise<Api> {
  const broker = await startBroker(options.aedes)
  const { dataDir, store, timeseries } = await openStores(options.now === undefined ? {} : { now: options.now })
  for (const manifest of options.moreSites ?? []) await store.provisionSite(manifest)
  await options.seed?.(store)
  const config = loadConfig({
    FM_DATA_DIR: dataDir,
    FM_MQTT_URL: broker.url,
    FM_API_MQTT_PASSWORD: 'not-checked-by-the-test-broker',
    FM_API_DASHBOARD_DIR: options.dashboardDir ?? join(dataDir, 'no-dashboard'),
    ...options.env,
  })
  const live = createLive({
    mqttUrl: config.mqttUrl,
    username: config.mqttUsername,
    password: config.mqttPassword,
    store,
    logger: testLogger,
    flushIntervalMs: TEST_FLUSH_INTERVAL_MS,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.registryReloadMinIntervalMs === undefined
      ? {}
      : { registryReloadMinIntervalMs: options.registryReloadMinIntervalMs }),
    ...(options.stuckTimeoutMs === undefined ? {} : { stuckTimeoutMs: options.stuckTimeoutMs }),
  })
  await live.start()
  defer(() => live.stop())
  const app = await buildApp(config, {
    store,
    timeseries,
    live,
    logger: testLogger,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.liveSessionCheckMs === undefined ? {} : { liveSessionCheckMs: options.liveSessionCheckMs }),
    ...(options.suppressionExpiryCheckMs === undefined
      ? {}
      : { suppressionExpiryCheckMs: options.suppressionExpiryCheckMs }),
  })
  defer(() => app.close())
  await options.beforeReady?.(app)
  await app.ready()
  let cookies: Promise<Record<string, string>> | undefined
  const operatorCookies = () => {
    cookies ??= operatorSession(store)
    return cookies
  }
  const inject = async (request: InjectOptions | string) => {
    const options = typeof request === 'string' ? { url: request } : request
    return app.inject({ ...options, cookies: { ...(await operatorCookies()), ...options.cookies } })
  }
  return { app, inject, operatorCookies, live, store, timeseries, config, brokerUrl: broker.url, broker }
}

/** An MQTT client that publishes as a device (or as ingest) would. */
export async function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectAsync(url, { reconnectPeriod: 0, ...options })
  defer(() => client.endAsync(true))
  return client
}

export function deviceTopic(kind: DeviceKind, deviceId: string, channel: string): string {
  return `fm/v1/${SITE_ID}/${kind}/${deviceId}/${channel}`
}

type EventName = keyof ServerToClientEvents
type EventData<E extends EventName> = Parameters<ServerToClientEvents[E]>[0]
export interface Received {
  event: EventName
  data: unknown
}

/**
 * A socket.io client that records every event in arrival order. `next` resolves with the first recorded event
 * that matches, waiting for one if none has arrived yet.
 */
/**
 * What a test's client may send: anything, as a hand-written client could. The dashboard sends nothing
 * (`ClientToServerEvents` is empty), and the api refuses whatever arrives.
 */
export type HandWrittenClientEvents = Record<string, (...args: unknown[]) => void>

export interface Recorder {
  socket: Socket<ServerToClientEvents, HandWrittenClientEvents>
  received: Received[]
  next<E extends EventName>(event: E, matches?: (data: EventData<E>) => boolean): Promise<EventData<E>>
}

/** The app's URL on loopback; it starts listening on the first call. */
export async function listen(api: Api): Promise<string> {
  if (!api.app.server.listening) await api.app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`
}

/** The `Cookie` header a browser would send with these cookies. */
export function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ')
}

/**
 * `address` defaults to the app's own; a `StallingProxy`'s to put one between. `cookies` default to the operator's
 * (an admin over all sites); `null` connects without any.
 */
export async function connectRecorder(
  api: Api,
  address?: string,
  cookies?: Record<string, string> | null,
): Promise<Recorder> {
  address ??= await listen(api)
  const sent = cookies === undefined ? await api.operatorCookies() : cookies
  const socket: Socket<ServerToClientEvents, HandWrittenClientEvents> = connectSocket(address, {
    transports: ['websocket'],
    autoConnect: false,
    ...(sent ? { extraHeaders: { cookie: cookieHeader(sent) } } : {}),
  })
  defer(() => socket.disconnect())
  const received: Received[] = []
  const waiters = new Set<(entry: Received) => boolean>()
  socket.onAny((event: EventName, data: unknown) => {
    const entry = { event, data }
    received.push(entry)
    for (const waiter of waiters) if (waiter(entry)) waiters.delete(waiter)
  })
  socket.connect()
  return {
    socket,
    received,
    next(event, matches = () => true) {
      return new Promise((resolve) => {
        const waiter = (entry: Received) => {
          if (entry.event !== event || !matches(entry.data as EventData<typeof event>)) return false
          resolve(entry.data as EventData<typeof event>)
          return true
        }
        if (!received.some(waiter)) waiters.add(waiter)
      })
    },
  }
}

/** What a client knows of each device: its last snapshot with every later delta applied in order, as the dashboard. */
export function clientState(recorder: Recorder): Map<string, LiveFields> {
  const state = new Map<string, LiveFields>()
  for (const { event, data } of recorder.received) {
    if (event === 'snapshot') {
      state.clear()
      for (const device of (data as LiveSnapshot).devices) state.set(device.id, liveFields(device))
    } else if (event === 'deltas') {
      for (const delta of data as DeviceDelta[]) {
        const current = state.get(delta.id)
        if (!current) continue
        state.set(delta.id, {
          online: delta.online ?? current.online,
          lastSeen: delta.lastSeen ?? current.lastSeen,
          values: { ...current.values, ...delta.values },
          valuesTs: delta.valuesTs ?? current.valuesTs,
        })
      }
    }
  }
  return state
}

export type LiveFields = Pick<DeviceView, 'online' | 'lastSeen' | 'values' | 'valuesTs'>

export function liveFields({ online, lastSeen, values, valuesTs }: DeviceView): LiveFields {
  return { online, lastSeen, values, valuesTs }
}

/**
 * A TCP proxy in front of `target` whose `pause()` stops reading what the server sends, as a browser tab that is
 * frozen or behind a dead link: the server's writes pile up in the kernel buffers until it can write no more.
 */
export interface StallingProxy {
  url: string
  pause(): void
  resume(): void
}

export async function stallingProxy(target: string): Promise<StallingProxy> {
  const { hostname, port } = new URL(target)
  const upstreams = new Set<TcpSocket>()
  const sockets = new Set<TcpSocket>()
  let paused = false
  const server = createServer((downstream) => {
    const upstream = tcpConnect(Number(port), hostname)
    upstreams.add(upstream)
    if (paused) upstream.pause()
    // by hand rather than `pipe`, whose drain handling would resume a paused upstream
    downstream.on('data', (chunk) => upstream.write(chunk))
    upstream.on('data', (chunk) => downstream.write(chunk))
    upstream.on('end', () => downstream.end())
    downstream.on('end', () => upstream.end())
    for (const side of [upstream, downstream]) {
      sockets.add(side)
      side.on('close', () => {
        sockets.delete(side)
        upstreams.delete(side)
      })
      side.on('error', () => {
        upstream.destroy()
        downstream.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  defer(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pause() {
      paused = true
      for (const upstream of upstreams) upstream.pause()
    },
    resume() {
      paused = false
      for (const upstream of upstreams) upstream.resume()
    },
  }
}

/** One sample of a Prometheus text exposition, by name and labels as written (`fm_broker_connections{kind="devices"}`). */
export async function scrape(api: Api): Promise<Map<string, number>> {
  const response = await api.inject('/metrics')
  const samples = new Map<string, number>()
  for (const line of response.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    samples.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return samples
}
