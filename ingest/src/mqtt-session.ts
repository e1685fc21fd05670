/**
 * Ingest's MQTT session with the broker. The session is persistent (`clean: false` under a fixed client id), so the
 * broker queues QoS 1 device messages while ingest restarts and delivers them when it is back. The PUBACK of each
 * QoS 1 message is held until the message is durable (held-acks.ts), so the broker also delivers again whatever ingest
 * received but had not stored when it died.
 *
 * `mqtt.connect`, not `connectAsync`: the latter rejects on the first refused connection (TOOLCHAIN §1), and a
 * service started before its broker must wait for it, not crash.
 */
import { Socket } from 'node:net'
import {
  connect,
  type ErrorWithReasonCode,
  type ErrorWithSubackPacket,
  type IClientOptions,
  type MqttClient,
} from 'mqtt'
import type { Logger } from 'pino'
import { type AckTicket, installAckGate } from './held-acks.ts'

export const RECONNECT_PERIOD_MS = 1000
const END_TIMEOUT_MS = 5000

export interface MqttSessionOptions {
  url: string
  /** The CA that signed the broker's certificate, for mqtts:// and wss://; the system's CAs when absent. */
  ca?: Buffer
  username: string
  password: string
  clientId: string
  /** Subscribed at QoS 1 on the first connection; the session keeps them, and mqtt.js renews them if it is lost. */
  subscriptions: readonly string[]
  /** Retained last will, published by the broker if we vanish without a DISCONNECT. */
  will: { topic: string; payload: string }
  logger: Logger
  /**
   * `retained`: replayed by the broker from its retained store on subscribe, not published just now. `ack`: for a
   * QoS 1 message, its held PUBACK; the message is acknowledged once sealed and the work added to it is done.
   */
  onMessage: (topic: string, payload: Buffer, retained: boolean, ack: AckTicket | undefined) => void
  /** Most messages held unacknowledged before the connection refuses more (see held-acks.ts). */
  maxHeldAcks: number
  /** The connection refuses messages from now on; call `restart` once they can be taken again. */
  onRefused: (reason: string) => void
  /** Called on every (re)connection, e.g. to announce that we are online again. */
  onConnect: () => void
}

export interface MqttSession {
  readonly connected: boolean
  /** QoS 1 messages received on this connection and not yet acknowledged. */
  readonly heldAcks: number
  /** Set while this connection refuses messages (they stay with the broker). */
  readonly refusal: string | undefined
  /**
   * Settles on the first connection: resolves once subscribed, rejects when the broker refuses our credentials or
   * any of our subscriptions.
   */
  readonly ready: Promise<void>
  /** Publishes a retained QoS 1 message and waits for its PUBACK, at most `timeoutMs`. */
  publishRetained(topic: string, payload: string, timeoutMs: number): Promise<void>
  /**
   * Publishes a QoS 1 message, not retained, and resolves on its PUBACK. While the broker is away, mqtt.js keeps it
   * in memory and sends it on reconnect.
   */
  publish(topic: string, payload: string): Promise<void>
  /**
   * Disconnects cleanly and connects again at once, for the broker to deliver what this connection refused: MQTT 3.1.1
   * delivers unacknowledged messages again only on a new connection [MQTT-4.4.0-1].
   */
  restart(): void
  /** Disconnects cleanly when connected (the session and its subscriptions stay on the broker). */
  end(): Promise<void>
}

// CONNACK 4 and 5 [MQTT-3.2.2-3]: the credentials or the ACL are wrong, a configuration error that no retry fixes.
const REFUSED_BY_CONFIG = new Set([4, 5])

function isRefusedByConfig(error: Error): boolean {
  return 'code' in error && typeof error.code === 'number' && REFUSED_BY_CONFIG.has(error.code)
}

/** The filters a SUBACK refused (return code 0x80, §3.9.3), in the order they were requested. */
function refusedFilters(requested: readonly string[], suback: ErrorWithSubackPacket['packet'] | undefined): string[] {
  const granted = suback?.granted ?? []
  return requested.filter((_, index) => {
    const code = granted[index]
    return typeof code === 'number' && (code & 0x80) !== 0
  })
}

function clientOptions(options: MqttSessionOptions): IClientOptions {
  return {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    clean: false,
    reconnectPeriod: RECONNECT_PERIOD_MS,
    // Without this mqtt.js stops for good after one refused CONNACK; a broker whose auth is briefly not ready
    // would then leave ingest running but deaf.
    reconnectOnConnackError: true,
    will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true },
  }
}

function withTimeout(promise: Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  return Promise.race([promise, timeout]).then(
    () => clearTimeout(timer),
    (error: unknown) => {
      clearTimeout(timer)
      throw error
    },
  )
}

export function openMqttSession(options: MqttSessionOptions): MqttSession {
  const logger = options.logger.child({ broker: options.url, clientId: options.clientId })
  const client: MqttClient = connect(options.url, clientOptions(options))
  // Before the first packet arrives: a resumed session delivers queued messages right after CONNACK.
  const gate = installAckGate(client, { maxHeld: options.maxHeldAcks, onRefused: options.onRefused })
  let subscribed = false
  let restarting = false
  let ended = false
  let settled = false
  let reachable: boolean | undefined
  let resolveReady: () => void = () => {}
  let rejectReady: (error: Error) => void = () => {}
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve
    rejectReady = reject
  })

  function settle(error?: Error): void {
    if (settled) return
    settled = true
    if (error) rejectReady(error)
    else resolveReady()
  }

  function subscribe(): void {
    const topics = Object.fromEntries(options.subscriptions.map((topic) => [topic, { qos: 1 as const }]))
    client.subscribe(topics, (error, _granted, suback) => {
      if (!error) {
        subscribed = true
        logger.info({ subscriptions: options.subscriptions }, 'subscribed')
        settle()
        return
      }
      // A SUBACK means the broker answered. mqtt.js 5 wraps a refusal in ErrorWithSubackPacket, which has no `code`:
      // only the packet's return codes say which filter was refused. No retry fixes an ACL, and a session missing a
      // filter is deaf to that channel for good, so start fails. Without a SUBACK the link dropped mid-way (mqtt.js
      // fails pending subscribes with "Connection closed" after it marked the client disconnected); the next
      // connection subscribes again. Any other error while connected is ours and no retry fixes it either.
      if (!suback && !client.connected) {
        logger.warn({ err: error }, 'subscribe interrupted; retrying on reconnect')
        return
      }
      const refused = refusedFilters(options.subscriptions, suback)
      if (refused.length > 0) {
        logger.error({ err: error, refused }, 'broker refused a subscription; check the ingest ACL')
        settle(new Error(`ingest cannot start: the broker refused the subscription to ${refused.join(', ')}`))
      } else {
        logger.error({ err: error }, 'subscribe failed')
        settle(new Error(`ingest cannot start: subscribe failed: ${error.message}`, { cause: error }))
      }
    })
  }

  // Registered before the first CONNACK: a resumed session delivers its queued messages right after it. mqtt.js asks
  // for the PUBACK right after this event, and the gate keeps it until the ticket is sealed and its work done.
  client.on('message', (topic, payload, packet) => {
    const ack = packet.qos === 1 && packet.messageId !== undefined ? gate.open(packet.messageId) : undefined
    try {
      options.onMessage(topic, payload, packet.retain, ack)
    } finally {
      ack?.seal()
    }
  })

  // What this connection held is the broker's to deliver again on the next one.
  client.on('close', () => {
    if (gate.held > 0) logger.info({ held: gate.held }, 'connection closed with messages unacknowledged')
    gate.reset()
  })

  client.on('connect', (connack) => {
    reachable = true
    // Nagle plus delayed ACKs hold small packets such as our PUBACKs for tens of ms (TOOLCHAIN §12).
    if (client.stream instanceof Socket) client.stream.setNoDelay(true)
    logger.info({ sessionPresent: connack.sessionPresent }, 'connected to broker')
    if (!subscribed) subscribe()
    options.onConnect()
  })

  client.on('offline', () => {
    if (reachable !== false) logger.warn(`broker unreachable; retrying every ${RECONNECT_PERIOD_MS} ms`)
    reachable = false
  })

  client.on('error', (error: Error | ErrorWithReasonCode) => {
    const refused = isRefusedByConfig(error)
    if (refused) settle(error)
    // Each failed reconnect emits an error: log the first of an outage, not one a second.
    if (reachable === false) logger.debug({ err: error }, 'broker connection error')
    else if (refused) logger.error({ err: error }, 'broker refused ingest credentials')
    else logger.warn({ err: error }, 'broker connection error')
  })

  return {
    get connected() {
      return client.connected
    },
    get heldAcks() {
      return gate.held
    },
    get refusal() {
      return gate.refusal
    },
    ready,
    restart() {
      if (restarting || ended || !client.connected) return
      restarting = true
      logger.warn('reconnecting, for the broker to deliver the messages it still holds for us')
      client.end(false, () => {
        restarting = false
        if (!ended) client.reconnect()
      })
    },
    publishRetained(topic, payload, timeoutMs) {
      return withTimeout(client.publishAsync(topic, payload, { qos: 1, retain: true }), timeoutMs, `publish ${topic}`)
    },
    async publish(topic, payload) {
      await client.publishAsync(topic, payload, { qos: 1, retain: false })
    },
    async end() {
      ended = true
      settle(new Error('stopped before the broker accepted the connection'))
      // A graceful end sends DISCONNECT (so the broker drops our will) but waits for unacknowledged publishes;
      // with the broker away or a PUBACK overdue, it would wait forever, so close the socket instead.
      const graceful = client.connected && Object.keys(client.outgoing).length === 0
      try {
        await withTimeout(client.endAsync(!graceful), END_TIMEOUT_MS, 'disconnect')
      } catch (error) {
        logger.warn({ err: error }, 'disconnect did not complete; closing the socket')
        client.stream.destroy()
      }
      logger.info('disconnected from broker')
    },
  }
}
