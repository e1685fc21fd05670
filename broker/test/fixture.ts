/**
 * A real broker on loopback ports picked by the system, over a real SQLite store in a temporary folder, with
 * devices provisioned from a manifest; and real mqtt.js clients. Everything a test opens is closed when it ends.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BROKER_STATUS_TOPIC,
  createBroker,
  loadConfig,
  type RunningBroker,
  type ServiceRole,
  serviceUsername,
} from '@fm/broker'
import type { DeviceAddress, SiteManifest } from '@fm/protocol'
import { dataFiles, openStore, type Store } from '@fm/store'
import { connectAsync, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { onTestFinished } from 'vitest'

export const SITE = 'cuihu'
export const TANK = { siteId: SITE, kind: 'water-tank', deviceId: 'tank-1' } as const satisfies DeviceAddress
export const PUMP = { siteId: SITE, kind: 'pump', deviceId: 'pump-1' } as const satisfies DeviceAddress
export const PASSWORDS = { 'tank-1': 'tank-1-password', 'pump-1': 'pump-1-password' } as const
export const SERVICE_PASSWORDS = { ingest: 'ingest-password-0', api: 'api-password-000' } as const

const MANIFEST: SiteManifest = {
  site: { id: SITE, name: '翠湖花园', name_en: 'Cuihu Garden', timezone: 'Asia/Shanghai' },
  buildings: [],
  rooms: [],
  devices: [
    { id: TANK.deviceId, kind: TANK.kind, name: '1#生活水箱', password: PASSWORDS['tank-1'] },
    { id: PUMP.deviceId, kind: PUMP.kind, name: '1#生活泵', password: PASSWORDS['pump-1'] },
  ],
}

export interface Harness {
  broker: RunningBroker
  store: Store
  /** Every log line the broker wrote, as JSON text. */
  logs: string[]
  /** mqtt://; nothing listens there with FM_BROKER_PORT=off (`broker.tcpPort` is undefined). */
  tcpUrl: string
  /** mqtts://, when the broker has a certificate (FM_BROKER_TLS_*); undefined otherwise. */
  tlsUrl: string | undefined
  /** ws://, or wss:// when the broker has a certificate. */
  wsUrl: string
}

/**
 * Starts a broker for the current test and closes it, its store and its folder when the test ends. `env` adds or
 * overrides FM_BROKER_* settings.
 */
export async function startBroker(env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fm-broker-'))
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }))
  const store = openStore({ file: dataFiles(dataDir).operational })
  onTestFinished(() => store.close())
  await store.provisionSite(MANIFEST)
  const config = loadConfig({
    FM_DATA_DIR: dataDir,
    FM_BROKER_HOST: '127.0.0.1',
    FM_BROKER_PORT: '0',
    FM_BROKER_WS_PORT: '0',
    FM_BROKER_SERVICE_CREDENTIALS: `ingest:${SERVICE_PASSWORDS.ingest},api:${SERVICE_PASSWORDS.api}`,
    ...env,
  })
  const logs: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) })
  const broker = await createBroker(config, { store, logger })
  onTestFinished(() => broker.close())
  return {
    broker,
    store,
    logs,
    tcpUrl: `mqtt://127.0.0.1:${broker.tcpPort}`,
    tlsUrl: broker.tlsPort === undefined ? undefined : `mqtts://127.0.0.1:${broker.tlsPort}`,
    wsUrl: `${config.tls ? 'wss' : 'ws'}://127.0.0.1:${broker.wsPort}/mqtt`,
  }
}

const BASE_OPTIONS: IClientOptions = { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4 }

/** Connects and expects a CONNACK of 0; the client is ended when the test ends. */
export async function connect(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = await connectAsync(url, { ...BASE_OPTIONS, ...options })
  onTestFinished(() => client.endAsync(true))
  return client
}

export function connectDevice(url: string, address: DeviceAddress, options: IClientOptions = {}): Promise<MqttClient> {
  const { deviceId } = address
  const password = PASSWORDS[deviceId as keyof typeof PASSWORDS]
  return connect(url, { clientId: deviceId, username: deviceId, password, ...options })
}

export function connectService(url: string, role: ServiceRole, options: IClientOptions = {}): Promise<MqttClient> {
  const username = serviceUsername(role)
  return connect(url, { clientId: username, username, password: SERVICE_PASSWORDS[role], ...options })
}

/** Connects and returns the CONNACK return code of the refusal; fails the test if the broker accepts. */
export async function refusal(url: string, options: IClientOptions): Promise<number> {
  const outcome = await connectAsync(url, { ...BASE_OPTIONS, ...options }).then(
    async (client) => {
      await client.endAsync(true)
      return new Error('the broker accepted the connection')
    },
    (error: unknown) => error,
  )
  const code = (outcome as { code?: unknown }).code
  if (typeof code !== 'number') throw outcome
  return code
}

/**
 * Resolves with the next message the client receives, other than the broker's own status, which the broker publishes
 * on its own schedule to whoever subscribes to the service tree.
 */
export function nextMessage(client: MqttClient): Promise<{ topic: string; payload: string; packet: IPublishPacket }> {
  return new Promise((resolve) => {
    const onMessage = (topic: string, payload: Buffer, packet: IPublishPacket): void => {
      if (topic === BROKER_STATUS_TOPIC) return
      client.off('message', onMessage)
      resolve({ topic, payload: payload.toString(), packet })
    }
    client.on('message', onMessage)
  })
}

/** Resolves when the client's connection closes; call it before the action that should close it. */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    client.once('close', () => resolve())
  })
}
