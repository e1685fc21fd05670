/**
 * The MQTT broker: Aedes with the access hooks of `hooks.ts`, behind the listeners of `listeners.ts`.
 * It never reads devices' payloads: it is a pipe with a lock. It reads one message of the platform's own, the api's
 * credential notices, to drop a rotated or revoked device at once (`credential-notices.ts`).
 */
import type { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { BrokerDropReason, BrokerStatus } from '@fm/protocol'
import type { Store } from '@fm/store'
import { Aedes, type Client } from 'aedes'
import type { Logger } from 'pino'
import type { BrokerConfig } from './config.ts'
import { followCredentialNotices } from './credential-notices.ts'
import { AccessControl } from './hooks.ts'
import { type ConnectionIntake, type Listeners, openListeners } from './listeners.ts'
import { limitPacketSize, MAX_PACKET_BYTES } from './packet-size.ts'
import { guardWrites } from './socket-writes.ts'
import { publishStatus, type StatusPublisher } from './status.ts'

/** A client that opens a socket must send CONNECT this soon, or lose the socket (aedes' default is 30 s). */
const CONNECT_TIMEOUT_MS = 10_000
/**
 * Period of `$SYS/<broker>/heartbeat`, by which broker nodes see each other alive; the wills of a node silent for
 * 3 periods are published by the others. Aedes' default, stated here because clustering depends on it.
 */
const HEARTBEAT_INTERVAL_MS = 60_000

/** Packets a client may send before its CONNECT is answered (aedes' default, stated because it bounds memory). */
const QUEUE_LIMIT = 42
/**
 * How long Aedes waits for a subscriber that may hold publishers (ingest) to drain before it drops it; the others
 * never make anyone wait (socket-writes.ts).
 */
const DRAIN_TIMEOUT_MS = 10_000
/** Repeated warnings of one kind (connections dropped at the limit) are summarised this often. */
const WARN_EVERY_MS = 10_000

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
  /** The status the broker publishes on `fm/services/broker/status`, as of now. */
  status: BrokerStatus
}

export interface RunningBroker {
  /** The bound ports: the configured ones, or those the system picked for port 0. Undefined: that listener is off. */
  tcpPort: number | undefined
  /** MQTT over TLS, open when the broker has a certificate; the WebSocket port is then wss. */
  tlsPort: number | undefined
  wsPort: number
  /** Stops accepting, disconnects every client (their wills fire) and closes the listeners. Idempotent. */
  close(): Promise<void>
  /**
   * Drops a device's connection, e.g. after revoking it in the store; its will fires. False when not connected. The
   * api, in another process, gets the same through a credentials notice (`credential-notices.ts`).
   */
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
async function closeInOrder(
  listeners: Listeners,
  aedes: Aedes,
  intake: Intake,
  status: StatusPublisher,
  logger: Logger,
): Promise<void> {
  const listenersClosed = listeners.close()
  await status.stop()
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
    rateLimits: config.rateLimits,
    logins: config.logins,
  })
  const aedes = await Aedes.createBroker({
    ...access.hooks,
    connectTimeout: CONNECT_TIMEOUT_MS,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    queueLimit: QUEUE_LIMIT,
    drainTimeout: DRAIN_TIMEOUT_MS,
    // mqemitter 7.1 (Aedes' message bus) queues publishes beyond `concurrency` and, when one completes, runs the next
    // queued one in the same stack: a burst with a long queue recurses until the stack overflows and the broker dies
    // (TOOLCHAIN §12; the fix, mqemitter PR #204, is not released). 0 turns the global queue off. In-flight work stays
    // bounded per connection: Aedes parses a client's next packets only once the current batch has been handled.
    concurrency: 0,
  })
  const devices = new DeviceConnections(aedes, access, logger)
  await followCredentialNotices(aedes, (deviceId) => devices.disconnect(deviceId), logger)
  const intake = new Intake(aedes, remotes, access, config.slowConsumerLimitBytes, logger)
  const listeners = await openListeners(config, intake).catch(async (error: unknown) => {
    await closeAedes(aedes)
    throw error
  })
  const { tcpPort, tlsPort, wsPort } = listeners
  // a listener that is off is left out of the line: tcpPort missing means no MQTT in the clear
  logger.info(
    { host: config.host, tcpPort, tlsPort, wsPort, ws: listeners.wsSecure ? 'wss' : 'ws' },
    'broker listening',
  )

  const dropped = (): Record<BrokerDropReason, number> => ({
    'auth-failed': access.counters.authFailures,
    'admission-full': access.counters.admissionRefusals,
    'connection-limit': intake.connectionLimitDrops,
    'publish-denied': access.counters.publishDenials,
    'oversized-packet': intake.oversizedPackets,
    'rate-limit': access.counters.rateLimitDisconnects,
    'slow-consumer': intake.slowConsumers,
  })
  const status = publishStatus(
    aedes,
    () => ({
      connections: {
        clients: aedes.connectedClients,
        devices: devices.count,
        max: config.maxConnections,
        authPending: access.pendingLogins,
      },
      messages: { inTotal: access.counters.messagesIn, outTotal: access.counters.messagesOut },
      throttled: { clients: access.throttledClients, total: access.counters.throttledPublishes },
      dropped: dropped(),
      queues: { ...intake.outgoing(), slowConsumerLimitBytes: config.slowConsumerLimitBytes },
    }),
    { intervalMs: config.statusIntervalMs, logger },
  )

  let closing: Promise<void> | undefined
  return {
    tcpPort,
    tlsPort,
    wsPort,
    close: () => {
      closing ??= closeInOrder(listeners, aedes, intake, status, logger)
      return closing
    },
    disconnectDevice: (deviceId) => devices.disconnect(deviceId),
    stats: () => ({
      connectedClients: aedes.connectedClients,
      devicesConnected: devices.count,
      authFailures: access.counters.authFailures,
      publishDenials: access.counters.publishDenials,
      subscribeDenials: access.counters.subscribeDenials,
      oversizedPackets: intake.oversizedPackets,
      status: status.current(),
    }),
  }
}

/** Every open connection, from accept to close, with the size guard on its byte stream and the slow-consumer guard. */
class Intake implements ConnectionIntake {
  oversizedPackets = 0
  slowConsumers = 0
  connectionLimitDrops = 0
  readonly #aedes: Aedes
  readonly #remotes: WeakMap<Client, string | undefined>
  readonly #access: AccessControl
  readonly #slowConsumerLimitBytes: number
  readonly #logger: Logger
  readonly #connections = new Set<Duplex>()
  #dropWarnedAt = Number.NEGATIVE_INFINITY
  #dropsSinceWarning = 0

  constructor(
    aedes: Aedes,
    remotes: WeakMap<Client, string | undefined>,
    access: AccessControl,
    slowConsumerLimitBytes: number,
    logger: Logger,
  ) {
    this.#aedes = aedes
    this.#remotes = remotes
    this.#access = access
    this.#slowConsumerLimitBytes = slowConsumerLimitBytes
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
    guardWrites(conn, {
      limitBytes: this.#slowConsumerLimitBytes,
      mayBlock: () => {
        const principal = this.#access.principalOf(client)
        return principal?.type === 'service' && principal.role === 'ingest'
      },
      onSlow: (pendingBytes) => {
        this.slowConsumers++
        const clientId = client.id ?? undefined
        const limit = this.#slowConsumerLimitBytes
        this.#logger.warn({ clientId, remote, pendingBytes, limit }, 'subscriber not reading, closing')
      },
    })
  }

  /** A listener at its connection limit closed a socket on arrival. Logged at most every WARN_EVERY_MS. */
  dropped = (remote: string | undefined): void => {
    this.connectionLimitDrops++
    this.#dropsSinceWarning++
    const now = Date.now()
    if (now - this.#dropWarnedAt < WARN_EVERY_MS) return
    this.#logger.warn({ remote, dropped: this.#dropsSinceWarning }, 'connection limit reached: connections dropped')
    this.#dropWarnedAt = now
    this.#dropsSinceWarning = 0
  }

  /**
   * Expected now and then (a device without the CA, a port scanner), and the client is told by its own TLS stack, so
   * only at debug level, as other errors before CONNECT.
   */
  tlsFailed = (error: Error, remote: string | undefined): void => {
    this.#logger.debug({ remote, err: error }, 'TLS handshake failed')
  }

  /** Bytes written and not yet sent, over all connections and for the worst one. */
  outgoing(): { outgoingBytes: number; largestOutgoingBytes: number } {
    let outgoingBytes = 0
    let largestOutgoingBytes = 0
    for (const conn of this.#connections) {
      outgoingBytes += conn.writableLength
      largestOutgoingBytes = Math.max(largestOutgoingBytes, conn.writableLength)
    }
    return { outgoingBytes, largestOutgoingBytes }
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
