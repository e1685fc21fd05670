/**
 * Real parts for the api tests: an Aedes broker on a loopback port, SQLite stores in a temp folder with a small
 * compound, the live view, the app, MQTT "devices" and socket.io clients. Everything a test opens is closed in
 * `closeAll` (registered with `afterEach`), newest first.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DeviceKind, ServerToClientEvents, SiteManifest } from '@fm/protocol'
import { dataFiles, openStore, openTimeSeries, type Store, type TimeSeriesStore } from '@fm/store'
import { Aedes, type AedesOptions, type Client } from 'aedes'
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { afterAll } from 'vitest'
import { type App, buildApp } from '../src/app.ts'
import { type ApiConfig, loadConfig } from '../src/config.ts'
import { createLive, type Live } from '../src/live.ts'

export const SITE_ID = 'xingfuli'
/** Short, so that live tests are quick; the product default is LIVE_FLUSH_INTERVAL_MS. */
export const TEST_FLUSH_INTERVAL_MS = 50

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

export async function openStores(): Promise<{ dataDir: string; store: Store; timeseries: TimeSeriesStore }> {
  const templateFile = dataFiles(await provisionedTemplate()).operational
  const dataDir = tempDir()
  const files = dataFiles(dataDir)
  for (const suffix of ['', '-wal']) {
    if (existsSync(templateFile + suffix)) copyFileSync(templateFile + suffix, files.operational + suffix)
  }
  const store = openStore({ file: files.operational })
  defer(() => store.close())
  const timeseries = openTimeSeries({ file: files.timeseries })
  defer(() => timeseries.close())
  return { dataDir, store, timeseries }
}

export const testLogger = pino({ level: process.env.FM_TEST_LOG_LEVEL ?? 'silent' })

export interface Api {
  app: App
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
}

/** The whole api on real parts; `dashboardDir` defaults to a folder without a build. */
export async function startApi(options: ApiOptions = {}): Promise<Api> {
  const broker = await startBroker(options.aedes)
  const { dataDir, store, timeseries } = await openStores()
  const config = loadConfig({
    FM_DATA_DIR: dataDir,
    FM_MQTT_URL: broker.url,
    FM_API_MQTT_PASSWORD: 'not-checked-by-the-test-broker',
    FM_API_DASHBOARD_DIR: options.dashboardDir ?? join(dataDir, 'no-dashboard'),
  })
  const live = createLive({
    mqttUrl: config.mqttUrl,
    username: config.mqttUsername,
    password: config.mqttPassword,
    store,
    logger: testLogger,
    flushIntervalMs: TEST_FLUSH_INTERVAL_MS,
    ...(options.registryReloadMinIntervalMs === undefined
      ? {}
      : { registryReloadMinIntervalMs: options.registryReloadMinIntervalMs }),
  })
  await live.start()
  defer(() => live.stop())
  const app = await buildApp(config, { store, timeseries, live, logger: testLogger })
  defer(() => app.close())
  await app.ready()
  return { app, live, store, timeseries, config, brokerUrl: broker.url, broker }
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
export interface Recorder {
  socket: Socket<ServerToClientEvents>
  received: Received[]
  next<E extends EventName>(event: E, matches?: (data: EventData<E>) => boolean): Promise<EventData<E>>
}

export async function connectRecorder(api: Api): Promise<Recorder> {
  const address = await api.app.listen({ host: '127.0.0.1', port: 0 })
  const socket: Socket<ServerToClientEvents> = connectSocket(address, { transports: ['websocket'], autoConnect: false })
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
