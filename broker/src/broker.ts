/**
 * The MQTT broker: Aedes with the access hooks of `hooks.ts`, behind the listeners of `listeners.ts`.
 * It never reads payloads: it is a pipe with a lock.
 */
import type { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Store } from '@fm/store'
import { Aedes, type Client } from 'aedes'
import type { Logger } from 'pino'
import type { BrokerConfig } from './config.ts'
import { AccessControl } from './hooks.ts'
import { type Listeners, openListeners } from './listeners.ts'
import { limitPacketSize, MAX_PACKET_BYTES } from './packet-size.ts'

/** A client that opens a socket must send CONNECT this soon, or lose the socket (aedes' default is 30 s). */
const CONNECT_TIMEOUT_MS = 10_000
/**
 * Period of `$SYS/<broker>/heartbeat`, by which broker nodes see each other alive; the wills of a node silent for
 * 3 periods are published by the others. Aedes' default, stated here because clustering depends on it.
 */
const HEARTBEAT_INTERVAL_MS = 60_000

// Issue 7 (scale and reliability) adds per-client publish rate limits, bounded in-flight work and queue limits
// (aedes `concurrency`, `queueLimit`, `drainTimeout`) tuned by an overload test, a CONNECT rate limit per remote
// address (each device login costs a scrypt round on libuv's thread pool), and rate-limited refusal logs.

export interface BrokerStats {
  /** Connected MQTT clients of every kind. */
  connectedClients: number
  devicesConnected: number
  /** CONNECTs refused: anonymous, bad credentials, wrong client id, forbidden will. */
  authFailures: number
  /** PUBLISHes refused (each closes its connection). */
  publishDenials: number
  /** Topic filters refused with SUBACK 0x80. */
  subscribeDenials: number
  /** Connections closed for announcing a packet over MAX_PACKET_BYTES. */
  oversizedPackets: number
}

export interface RunningBroker {
  /** The bound ports: the configured ones, or those the system picked for port 0. */
  tcpPort: number
  wsPort: number
  /** Stops accepting, disconnects every client (their wills fire) and closes both listeners. Idempotent. */
  close(): Promise<void>
  /** Drops a device's connection, e.g. after revoking it in the store; its will fires. False when not connected. */
  disconnectDevice(deviceId: string): boolean
  stats(): BrokerStats
}

export interface BrokerDeps {
  store: Store
  logger: Logger
}

function closeAedes(aedes: Aedes): Promise<void> {
  return new Promise((resolve) => {
    aedes.close(() => resolve())
  })
}

/** Reverse order of startup: stop accepting, let every client go (their wills fire), then the listeners. */
async function closeInOrder(listeners: Listeners, aedes: Aedes, intake: Intake, logger: Logger): Promise<void> {
  const listenersClosed = listeners.close()
  await closeAedes(aedes)
  intake.destroyAll()
  await listenersClosed
  logger.info('broker closed')
}

export async function createBroker(config: BrokerConfig, deps: BrokerDeps): Promise<RunningBroker> {
  const { logger } = deps
  const remotes = new WeakMap<Client, string | undefined>()
  const access = new AccessControl({
    services: config.services,
    store: deps.store,
    logger,
    remoteAddress: (client) => remotes.get(client),
  })
  const aedes = await Aedes.createBroker({
    ...access.hooks,
    connectTimeout: CONNECT_TIMEOUT_MS,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    // mqemitter 7.1 (Aedes' message bus) queues publishes beyond `concurrency` and, when one completes, runs the next
    // queued one in the same stack: a burst with a long queue recurses until the stack overflows and the broker dies
    // (TOOLCHAIN §12; the fix, mqemitter PR #204, is not released). 0 turns the global queue off. In-flight work stays
    // bounded per connection: Aedes parses a client's next packets only once the current batch has been handled.
    concurrency: 0,
  })
  const devices = new DeviceConnections(aedes, access, logger)
  const intake = new Intake(aedes, remotes, logger)
  const listeners = await openListeners(config, intake.accept).catch(async (error: unknown) => {
    await closeAedes(aedes)
    throw error
  })
  logger.info({ host: config.host, tcpPort: listeners.tcpPort, wsPort: listeners.wsPort }, 'broker listening')

  let closing: Promise<void> | undefined
  return {
    tcpPort: listeners.tcpPort,
    wsPort: listeners.wsPort,
    close: () => {
      closing ??= closeInOrder(listeners, aedes, intake, logger)
      return closing
    },
    disconnectDevice: (deviceId) => devices.disconnect(deviceId),
    stats: () => ({
      connectedClients: aedes.connectedClients,
      devicesConnected: devices.count,
      ...access.counters,
      oversizedPackets: intake.oversizedPackets,
    }),
  }
}

/** Every open connection, from accept to close, with the size guard on its byte stream. */
class Intake {
  oversizedPackets = 0
  readonly #aedes: Aedes
  readonly #remotes: WeakMap<Client, string | undefined>
  readonly #logger: Logger
  readonly #connections = new Set<Duplex>()

  constructor(aedes: Aedes, remotes: WeakMap<Client, string | undefined>, logger: Logger) {
    this.#aedes = aedes
    this.#remotes = remotes
    this.#logger = logger
  }

  accept = (conn: Duplex, remote: string | undefined, request?: IncomingMessage): void => {
    this.#connections.add(conn)
    conn.once('close', () => this.#connections.delete(conn))
    const client = this.#aedes.handle(conn, request)
    this.#remotes.set(client, remote)
    // added after aedes.handle, which must attach its `readable` listener first (see limitPacketSize)
    limitPacketSize(conn, MAX_PACKET_BYTES, (announcedBytes) => {
      this.oversizedPackets++
      const clientId = client.id ?? undefined
      this.#logger.warn({ clientId, remote, announcedBytes, limit: MAX_PACKET_BYTES }, 'packet too large, closing')
    })
  }

  /** Closes what aedes does not know: sockets that never completed a CONNECT. */
  destroyAll(): void {
    for (const conn of this.#connections) conn.destroy()
  }
}

/** The connected client of each device, so that a revoked device can be dropped at once. */
class DeviceConnections {
  readonly #clients = new Map<string, Client>()
  readonly #logger: Logger

  constructor(aedes: Aedes, access: AccessControl, logger: Logger) {
    this.#logger = logger
    aedes.on('client', (client) => {
      const principal = access.principalOf(client)
      if (principal?.type === 'device') this.#clients.set(principal.device.id, client)
      logger.debug({ clientId: client.id }, 'client connected')
    })
    aedes.on('clientDisconnect', (client) => {
      const principal = access.principalOf(client)
      // forget only this client: a newer session of the same device may already have replaced it
      if (principal?.type === 'device' && this.#clients.get(principal.device.id) === client) {
        this.#clients.delete(principal.device.id)
      }
      logger.debug({ clientId: client.id }, 'client disconnected')
    })
    aedes.on('clientError', (client, error) => logger.debug({ clientId: client.id, err: error }, 'client error'))
    aedes.on('connectionError', (_client, error) => logger.debug({ err: error }, 'connection error before CONNECT'))
    // aedes raises `error` only for persistence failures it cannot recover from; its typings omit the event
    const events: EventEmitter = aedes
    events.on('error', (error: unknown) => logger.error({ err: error }, 'broker error'))
  }

  get count(): number {
    return this.#clients.size
  }

  disconnect(deviceId: string): boolean {
    const client = this.#clients.get(deviceId)
    if (!client) return false
    this.#logger.info({ deviceId }, 'disconnecting device')
    // not a DISCONNECT from the client, so its will is published [MQTT-3.1.2-8]
    client.close()
    return true
  }
}
