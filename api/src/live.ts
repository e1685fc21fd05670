/**
 * The live view of the platform, kept current from MQTT and pushed to browsers over socket.io.
 *
 * The walk: subscribe to every device's telemetry, status and events and to the services' retained status →
 * decode each message once with the protocol's `decodeMessage` → merge it into `LiveState` (latest values plus a
 * pending delta per device) → every `flushIntervalMs`, send one `deltas` and one `events` batch to all sockets.
 * A socket that connects gets a `snapshot` first, so that deltas only ever apply to a known state.
 */
import { randomUUID } from 'node:crypto'
import {
  type ClientToServerEvents,
  channelFilter,
  type DeviceEvent,
  type DeviceMessage,
  type DeviceView,
  decodeMessage,
  type IngestStatus,
  LIVE_FLUSH_INTERVAL_MS,
  type LiveSnapshot,
  SERVICE_STATUS_TOPIC,
  type ServerToClientEvents,
  serviceStatusTopic,
} from '@fm/protocol'
import type { Store } from '@fm/store'
import { connect, type IPublishPacket, type ISubscriptionMap, type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import type { Server } from 'socket.io'
import { type DeviceFilter, LiveState } from './live-state.ts'
import { decodeIngestStatus } from './service-status.ts'

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents>

export interface LiveOptions {
  mqttUrl: string
  username: string
  password: string
  /** Unique per process; a random one by default so that several api instances can share a broker. */
  clientId?: string
  store: Pick<Store, 'listDeviceViews'>
  logger: Logger
  flushIntervalMs?: number
  /** A message from an unknown device reloads the registry, at most this often; 5 s by default. */
  registryReloadMinIntervalMs?: number
}

export interface Live {
  /** Loads the registry and connects. Resolves once the first connection attempt has settled: subscribed, or
   * failed and retrying in the background, so that the api serves REST even while the broker is down. */
  start(): Promise<void>
  stop(): Promise<void>
  devices(filter?: DeviceFilter): DeviceView[]
  device(id: string): DeviceView | undefined
  ingestStatus(): IngestStatus | undefined
  /** Connected to the broker with every subscription granted. */
  mqttConnected(): boolean
  attach(io: LiveServer): void
}

const RECONNECT_PERIOD_MS = 2_000
const CONNECT_TIMEOUT_MS = 10_000
/** An id that is still unregistered after a reload is not looked up again for this long. */
const REGISTRY_RELOAD_MIN_INTERVAL_MS = 5_000
/** Events kept between two flushes; beyond it the oldest are dropped, so a flood cannot exhaust memory. */
const MAX_PENDING_EVENTS = 1_000

const INGEST_STATUS_TOPIC = serviceStatusTopic('ingest')
// Status and events are QoS 1: losing an offline transition or a fire event is worse than a duplicate.
const SUBSCRIPTIONS: ISubscriptionMap = {
  [channelFilter('telemetry')]: { qos: 0 },
  [channelFilter('status')]: { qos: 1 },
  [channelFilter('event')]: { qos: 1 },
  [SERVICE_STATUS_TOPIC]: { qos: 1 },
}

function deviceIdOf(message: DeviceMessage): string {
  switch (message.channel) {
    case 'telemetry':
      return message.reading.deviceId
    case 'status':
      return message.status.deviceId
    case 'event':
      return message.event.deviceId
    default:
      return message.ack.deviceId
  }
}

class MqttLive implements Live {
  readonly #options: LiveOptions
  readonly #log: Logger
  readonly #clientId: string
  readonly #state = new LiveState()
  #events: DeviceEvent[] = []
  #droppedEvents = 0
  #registryChanged = false
  /** Unregistered device id → when the registry was last reloaded for it. */
  readonly #misses = new Map<string, number>()
  #ingest: IngestStatus | undefined
  #io: LiveServer | undefined
  #client: MqttClient | undefined
  #subscribed = false
  #timer: NodeJS.Timeout | undefined

  constructor(options: LiveOptions) {
    this.#options = options
    this.#log = options.logger.child({ module: 'live' })
    this.#clientId = options.clientId ?? `svc-api-${randomUUID().slice(0, 8)}`
  }

  async start(): Promise<void> {
    if (this.#client) throw new Error('live is already started')
    this.#loadRegistry()
    this.#registryChanged = false
    this.#timer = setInterval(() => this.#flushSafely(), this.#options.flushIntervalMs ?? LIVE_FLUSH_INTERVAL_MS)
    this.#timer.unref()
    await this.#connect()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    const client = this.#client
    this.#client = undefined
    this.#subscribed = false
    if (client) await client.endAsync()
  }

  devices(filter?: DeviceFilter): DeviceView[] {
    return this.#state.list(filter)
  }

  device(id: string): DeviceView | undefined {
    return this.#knows(id) ? this.#state.get(id) : undefined
  }

  ingestStatus(): IngestStatus | undefined {
    return this.#ingest
  }

  mqttConnected(): boolean {
    return this.#subscribed
  }

  attach(io: LiveServer): void {
    this.#io = io
    io.on('connection', (socket) => {
      socket.emit('snapshot', this.#snapshot())
    })
  }

  #loadRegistry(): void {
    if (this.#state.mergeRegistry(this.#options.store.listDeviceViews())) this.#registryChanged = true
  }

  /**
   * True when the device is known. An unknown one reloads the registry at once, so that a device provisioned while
   * the api runs shows from its first message (its retained status included); an id still unknown after that is
   * not looked up again for a while, so a stray publisher cannot hammer the store.
   */
  #knows(deviceId: string): boolean {
    if (this.#state.has(deviceId)) return true
    const minIntervalMs = this.#options.registryReloadMinIntervalMs ?? REGISTRY_RELOAD_MIN_INTERVAL_MS
    const lastMiss = this.#misses.get(deviceId)
    if (lastMiss !== undefined && Date.now() - lastMiss < minIntervalMs) return false
    try {
      this.#loadRegistry()
    } catch (error) {
      this.#log.error({ err: error }, 'reloading the device registry failed')
    }
    if (this.#state.has(deviceId)) {
      this.#misses.delete(deviceId)
      return true
    }
    if (this.#misses.size > 10_000) this.#misses.clear()
    this.#misses.set(deviceId, Date.now())
    return false
  }

  #onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    try {
      if (topic === INGEST_STATUS_TOPIC) this.#onIngestStatus(payload)
      else if (!topic.startsWith('fm/services/')) {
        // An invalid message is ingest's to count and log; here it is only skipped.
        const result = decodeMessage(topic, payload, Date.now())
        if (result.ok) this.#apply(result.message, packet.retain)
      }
    } catch (error) {
      this.#log.error({ err: error, topic }, 'handling an MQTT message failed')
    }
  }

  #onIngestStatus(payload: Uint8Array): void {
    const result = decodeIngestStatus(payload)
    if (result.ok) this.#ingest = result.status
    else this.#log.warn({ topic: INGEST_STATUS_TOPIC, error: result.error }, 'invalid ingest status skipped')
  }

  #apply(message: DeviceMessage, retained: boolean): void {
    const deviceId = deviceIdOf(message)
    if (!this.#knows(deviceId)) {
      this.#log.debug({ deviceId, channel: message.channel }, 'message from an unregistered device skipped')
      return
    }
    if (message.channel === 'telemetry') this.#state.applyReading(message.reading)
    else if (message.channel === 'status') this.#state.applyStatus(message.status, retained)
    else if (message.channel === 'event') {
      this.#state.touch(deviceId, message.event.ts)
      this.#events.push(message.event)
      if (this.#events.length > MAX_PENDING_EVENTS) {
        this.#events.shift()
        this.#droppedEvents += 1
      }
    }
  }

  #snapshot(): LiveSnapshot {
    return { ts: Date.now(), devices: this.#state.list() }
  }

  #flushSafely(): void {
    try {
      this.#flush()
    } catch (error) {
      this.#log.error({ err: error }, 'flushing live deltas failed')
    }
  }

  /** One `deltas` and one `events` batch per interval, whatever the message rate. */
  #flush(): void {
    const deltas = this.#state.takeDeltas()
    const events = this.#events
    this.#events = []
    if (this.#droppedEvents > 0) {
      this.#log.warn({ dropped: this.#droppedEvents }, 'event flood: the oldest pending events were dropped')
      this.#droppedEvents = 0
    }
    const io = this.#io
    if (!io) return
    if (this.#registryChanged) {
      // Devices came or went: a fresh snapshot carries them, and it already holds every pending delta.
      this.#registryChanged = false
      io.emit('snapshot', this.#snapshot())
    } else if (deltas.length > 0) io.emit('deltas', deltas)
    if (events.length > 0) io.emit('events', events)
  }

  /** Resolves once the first attempt has settled: subscribed, or failed and retrying in the background. */
  #connect(): Promise<void> {
    return new Promise((resolve) => {
      let lastError: string | undefined
      const client = connect(this.#options.mqttUrl, {
        username: this.#options.username,
        password: this.#options.password,
        clientId: this.#clientId,
        clean: true,
        reconnectPeriod: RECONNECT_PERIOD_MS,
        connectTimeout: CONNECT_TIMEOUT_MS,
        // Subscriptions are made on every `connect` below, so the client must not replay them as well.
        resubscribe: false,
      })
      this.#client = client
      client.on('message', (topic, payload, packet) => this.#onMessage(topic, payload, packet))
      client.on('connect', () => {
        lastError = undefined
        this.#subscribe(client).then(resolve, resolve)
      })
      client.on('close', () => {
        if (this.#subscribed) this.#log.warn({ url: this.#options.mqttUrl }, 'lost the MQTT connection; reconnecting')
        this.#subscribed = false
        resolve()
      })
      client.on('error', (error) => {
        // Logged once per outage, not on every retry.
        if (error.message !== lastError)
          this.#log.warn({ url: this.#options.mqttUrl, error: error.message }, 'MQTT error')
        lastError = error.message
        resolve()
      })
    })
  }

  async #subscribe(client: MqttClient): Promise<void> {
    try {
      const granted = await client.subscribeAsync(SUBSCRIPTIONS)
      const refused = granted.filter((grant) => grant.qos === 128).map((grant) => grant.topic)
      if (refused.length > 0) {
        this.#log.error(
          { refused, username: this.#options.username },
          'the broker refused subscriptions: check its ACL',
        )
        return
      }
      this.#subscribed = client.connected
      this.#log.info(
        { url: this.#options.mqttUrl, clientId: this.#clientId },
        'connected to the MQTT broker and subscribed',
      )
    } catch (error) {
      this.#log.error({ err: error }, 'subscribing failed')
    }
  }
}

export function createLive(options: LiveOptions): Live {
  return new MqttLive(options)
}
