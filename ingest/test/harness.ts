/**
 * Real parts for the ingest tests: an Aedes broker on a loopback port, SQLite stores in a temp folder provisioned
 * with a small compound, device clients, and a logger whose lines the test can read. Everything opened here is
 * closed when the test finishes (Vitest runs those hooks last-registered first).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type Channel,
  type DeviceAddress,
  deviceTopic,
  type IngestStatus,
  type SiteManifest,
  serviceStatusTopic,
} from '@fm/protocol'
import { dataFiles, openStore, openTimeSeries, type Store, type TimeSeriesStore } from '@fm/store'
import { Aedes, type AedesOptions, type Client } from 'aedes'
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'
import { type Logger, pino } from 'pino'
import { onTestFinished } from 'vitest'
import {
  createIngest,
  type Ingest,
  type IngestConfig,
  loadConfig,
  openSpool,
  type Spool,
  spoolFile,
} from '../src/index.ts'

export const SITE = 'xingfuli'

/** 幸福里小区 with one device of each kind the tests use. */
export function compound(): SiteManifest {
  return {
    site: { id: SITE, name: '幸福里小区', name_en: 'Xingfuli Compound', timezone: 'Asia/Shanghai', city: '武汉' },
    buildings: [{ id: 'b1', name: '1栋', floors: 33 }],
    rooms: [
      { id: 'pump-room', name: '生活泵房', type: 'domestic-pump-room', building: 'b1' },
      { id: 'power-room', name: '配电房', type: 'power-room', building: 'b1' },
      { id: 'gatehouse', name: '东门岗亭', type: 'gatehouse' },
    ],
    devices: [
      { id: 'tank-1', kind: 'water-tank', name: '生活水箱', room: 'pump-room' },
      { id: 'pump-1', kind: 'pump', name: '1#加压泵', room: 'pump-room' },
      { id: 'panel-1', kind: 'electrical-panel', name: '低压配电柜', room: 'power-room' },
      { id: 'gate-east', kind: 'gate', name: '东门道闸', room: 'gatehouse' },
      { id: 'cp-1', kind: 'patrol-checkpoint', name: '1栋巡更点', building: 'b1' },
    ],
  }
}

export const TANK: DeviceAddress = { siteId: SITE, kind: 'water-tank', deviceId: 'tank-1' }
export const PUMP: DeviceAddress = { siteId: SITE, kind: 'pump', deviceId: 'pump-1' }
export const PANEL: DeviceAddress = { siteId: SITE, kind: 'electrical-panel', deviceId: 'panel-1' }
export const GATE: DeviceAddress = { siteId: SITE, kind: 'gate', deviceId: 'gate-east' }
export const CHECKPOINT: DeviceAddress = { siteId: SITE, kind: 'patrol-checkpoint', deviceId: 'cp-1' }

export interface TestBroker {
  url: string
  port: number
  /** Payloads of the QoS 1 messages a client acknowledged (PUBACK), in order. */
  acked(clientId: string): string[]
  /** Closes a client's socket from the broker's side, as a network failure would. */
  dropClient(clientId: string): void
  close(): Promise<void>
}

export async function startBroker(options: { port?: number; aedes?: AedesOptions } = {}): Promise<TestBroker> {
  const aedes = await Aedes.createBroker(options.aedes)
  const acks = new Map<string, string[]>()
  const clients = new Map<string, Client>()
  aedes.on('client', (client) => clients.set(client.id, client))
  aedes.on('ack', (packet, client) => {
    if (!packet || !client || !('payload' in packet)) return
    const list = acks.get(client.id) ?? []
    list.push(packet.payload.toString())
    acks.set(client.id, list)
  })
  const server = createServer(aedes.handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => aedes.close(() => server.close(() => resolve())))
    return closing
  }
  onTestFinished(close)
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    close,
    acked: (clientId) => acks.get(clientId) ?? [],
    dropClient: (clientId) => clients.get(clientId)?.close(),
  }
}

/** A loopback port that was free a moment ago, for a broker that starts after its client. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface TestStores {
  dir: string
  store: Store
  timeseries: TimeSeriesStore
  spool: Spool
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fm-ingest-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The spool of a data folder, closed when the test finishes; opening it again is what a restarted ingest does. */
export function openTestSpool(dir: string, limitBytes = 64 * 1024 * 1024): Spool {
  const spool = openSpool({ file: spoolFile(dir), limitBytes })
  onTestFinished(() => spool.close())
  return spool
}

export async function openStores(): Promise<TestStores> {
  const dir = tempDir()
  const files = dataFiles(dir)
  const store = openStore({ file: files.operational })
  onTestFinished(() => store.close())
  const timeseries = openTimeSeries({ file: files.timeseries })
  onTestFinished(() => timeseries.close())
  await store.provisionSite(compound())
  return { dir, store, timeseries, spool: openTestSpool(dir) }
}

export type LogLine = { level: number; msg: string } & Record<string, unknown>

export function captureLogs(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) })
  return { logger, lines }
}

/** Without FM_DATA_DIR in `env`, a fresh temporary folder: a spool opened by ingest itself lands there. */
export function testConfig(url: string, env: Record<string, string> = {}): IngestConfig {
  return loadConfig({
    FM_DATA_DIR: env.FM_DATA_DIR ?? tempDir(),
    FM_MQTT_URL: url,
    FM_INGEST_MQTT_PASSWORD: 'not-checked-by-the-test-broker',
    FM_INGEST_FLUSH_INTERVAL_MS: '20',
    FM_INGEST_STATUS_INTERVAL_MS: '100',
    ...env,
  })
}

export interface RunningIngest {
  ingest: Ingest
  lines: LogLine[]
}

/** Creates ingest with a log the test can read; stops it when the test ends. Call `ingest.start()` yourself. */
export function makeIngest(
  config: IngestConfig,
  stores: Pick<TestStores, 'store' | 'timeseries'> & Partial<Pick<TestStores, 'spool'>>,
  now?: () => number,
): RunningIngest {
  const { logger, lines } = captureLogs()
  const ingest = createIngest(config, { ...stores, logger, ...(now ? { now } : {}) })
  onTestFinished(() => ingest.stop())
  return { ingest, lines }
}

export async function startIngest(url: string, stores: TestStores, env: Record<string, string> = {}) {
  const running = makeIngest(testConfig(url, env), stores)
  await running.ingest.start()
  return running
}

export async function connectDevice(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectAsync(url, { clientId: `device-${crypto.randomUUID()}`, reconnectPeriod: 0, ...options })
  onTestFinished(() => client.endAsync())
  return client
}

/** Publishes as a device does, at QoS 1; resolves on the broker's PUBACK. */
export async function publish(
  client: MqttClient,
  address: DeviceAddress,
  channel: Channel,
  body: object | string | Buffer,
): Promise<void> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
  await client.publishAsync(deviceTopic(address, channel), payload, { qos: 1 })
}

/** Follows the retained ingest status; `latest` is the last one received. */
export async function watchIngestStatus(url: string): Promise<{ latest: () => IngestStatus | undefined }> {
  const client = await connectDevice(url)
  let latest: IngestStatus | undefined
  client.on('message', (_topic, payload) => {
    latest = JSON.parse(payload.toString()) as IngestStatus
  })
  await client.subscribeAsync(serviceStatusTopic('ingest'), { qos: 1 })
  return { latest: () => latest }
}
