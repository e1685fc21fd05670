/**
 * The live view of the platform, kept current from MQTT and pushed to browsers over socket.io.
 *
 * The walk: subscribe to every device's telemetry, status and events, to the services' retained status and to the
 * alarm changes of ingest and the api instances → decode each message once with the protocol's `decodeMessage` →
 * merge it into `LiveState` (latest values plus a pending delta per device) or `LiveAlarms` (the open alarms, the
 * changes to send, each site's flood state) → every `flushIntervalMs`, hand one `deltas`, one `events` and one
 * `alarms` batch, and the sites whose flood began or ended, to `LiveFeed`, which sends them to every socket that
 * keeps up and holds them, coalesced and bounded, for one that does not.
 * A socket that connects gets a `snapshot` first (devices, open alarms, floods), so that the rest only ever applies
 * to a known state.
 * The services' retained status (ingest's, the broker's) is decoded and kept for `/api/health` and `/metrics`.
 * The same connection carries the api's own messages to the other services (`publishServiceMessage`).
 */
import { randomUUID } from 'node:crypto'
import {
  ALARM_CHANGE_FILTER,
  type AlarmChange,
  type BrokerStatus,
  channelFilter,
  type DeviceEvent,
  type DeviceMessage,
  type DeviceView,
  decodeBrokerStatus,
  decodeIngestStatus,
  decodeMessage,
  decodeWorkOrderChange,
  type IngestStatus,
  LIVE_FLUSH_INTERVAL_MS,
  type LiveSnapshot,
  type PartHealth,
  SERVICE_STATUS_TOPIC,
  type StatusDecoder,
  serviceStatusTopic,
  WORK_ORDER_CHANGE_FILTER,
  type WorkOrderChange,
} from '@fm/protocol'
import type { Store } from '@fm/store'
import { connect, ErrorWithSubackPacket, type IPublishPacket, type ISubscriptionMap, type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { LiveAlarms } from './live-alarms.ts'
import { type LiveClientStats, LiveFeed, type LiveServer } from './live-feed.ts'
import { type DeviceFilter, LiveState } from './live-state.ts'

export type { LiveClientStats, LiveServer } from './live-feed.ts'

export interface LiveStats extends LiveClientStats {
  /** Events no socket got: more than MAX_PENDING_EVENTS arrived between two flushes. Since start. */
  floodDroppedEvents: number
}

export interface LiveOptions {
  mqttUrl: string
  /** The CA that signed the broker's certificate, for mqtts:// and wss://; the system's CAs when absent. */
  ca?: Buffer | string
  username: string
  password: string
  /** Unique per process; a random one by default so that several api instances can share a broker. */
  clientId?: string
  store: Pick<Store, 'listDeviceViews' | 'getDevice' | 'listAlarms' | 'getAlarm'>
  logger: Logger
  /** The clock of the flood windows, epoch ms; `Date.now` by default. */
  now?: () => number
  flushIntervalMs?: number
  /** An id that publishes and is not registered is looked up again at most this often; 5 s by default. */
  registryReloadMinIntervalMs?: number
  /** A socket that takes no data for this long is closed, to reconnect to a snapshot; STUCK_TIMEOUT_MS by default. */
  stuckTimeoutMs?: number
}

export interface Live {
  /** Loads the registry and connects. Resolves once the first connection attempt has settled: subscribed, or
   * failed and retrying in the background, so that the api serves REST even while the broker is down. */
  start(): Promise<void>
  stop(): Promise<void>
  devices(filter?: DeviceFilter): DeviceView[]
  device(id: string): DeviceView | undefined
  /** Ingest's latest retained status; undefined until one arrives or after it was cleared. */
  ingestStatus(): IngestStatus | undefined
  /** The broker's latest retained status; undefined until one arrives or after it was cleared. */
  brokerStatus(): BrokerStatus | undefined
  /** The sockets, what is held or queued for them, and what was dropped. */
  liveStats(): LiveStats
  /** ok once connected with every subscription granted; degraded or down, with why, otherwise. */
  mqttHealth(): PartHealth
  attach(io: LiveServer): void
  /**
   * An alarm change the api made itself (an acknowledgement, a shelve): the open alarms take it now, the sockets get
   * it at the next flush, without waiting for it to come back over MQTT.
   */
  alarmChanged(change: AlarmChange): void
  /** A work order the api changed itself: pushed to the sockets at once (its echo over MQTT is skipped). */
  workOrderChanged(change: WorkOrderChange): void
  /**
   * Publishes a message of the api's own under `fm/services/api/` (QoS 1, not retained), e.g. a credentials notice
   * for the broker. Resolves true once the broker acknowledged it; false, with a warning logged, when the api is not
   * connected or no PUBACK came within SERVICE_PUBLISH_TIMEOUT_MS. Nothing is kept to send later: these messages are
   * about now, and the store stays the truth.
   */
  publishServiceMessage(topic: string, payload: string): Promise<boolean>
}

const RECONNECT_PERIOD_MS = 2_000
const CONNECT_TIMEOUT_MS = 10_000
/** An id that is still unregistered after a reload is not looked up again for this long. */
const REGISTRY_RELOAD_MIN_INTERVAL_MS = 5_000
/** Events kept between two flushes; beyond it the oldest are dropped, so a flood cannot exhaust memory. */
const MAX_PENDING_EVENTS = 1_000

/** How long a service message may wait for the broker's PUBACK; a route waits for it. */
const SERVICE_PUBLISH_TIMEOUT_MS = 3_000
/** The api's own tree, the only one besides device commands it may publish on (the broker's SERVICE_ROLES). */
const API_SERVICE_PREFIX = 'fm/services/api/'

const INGEST_STATUS_TOPIC = serviceStatusTopic('ingest')
const BROKER_STATUS_TOPIC = serviceStatusTopic('broker')
// Status and events are QoS 1: losing an offline transition or a fire event is worse than a duplicate.
const SUBSCRIPTIONS: ISubscriptionMap = {
  [channelFilter('telemetry')]: { qos: 0 },
  [channelFilter('status')]: { qos: 1 },
  [channelFilter('event')]: { qos: 1 },
  [SERVICE_STATUS_TOPIC]: { qos: 1 },
  [ALARM_CHANGE_FILTER]: { qos: 1 },
  [WORK_ORDER_CHANGE_FILTER]: { qos: 1 },
}
const SUBSCRIBED_FILTERS = Object.keys(SUBSCRIPTIONS)
const NOT_CONNECTED: PartHealth = { status: 'down', detail: 'not connected to the MQTT broker' }

/**
 * The filters the broker refused (SUBACK 0x80, §3.9.3), in the order requested; empty when it did not answer. mqtt.js
 * 5 rejects a refusal with an ErrorWithSubackPacket that has no `code`: only the packet's return codes tell.
 */
function refusedFilters(error: unknown): string[] {
  if (!(error instanceof ErrorWithSubackPacket)) return []
  const granted: unknown[] = error.packet?.granted ?? []
  return SUBSCRIBED_FILTERS.filter((_, index) => {
    const code = granted[index]
    return typeof code === 'number' && (code & 0x80) !== 0
  })
}

/** `fm/services/<service>/<tree>/<site>`: alarm changes (ALARM_CHANGE_FILTER) or work orders (WORK_ORDER_CHANGE_FILTER). */
function isServiceChangeTopic(topic: string, tree: 'alarms' | 'workorders'): boolean {
  const levels = topic.split('/')
  return levels.length === 5 && levels[0] === 'fm' && levels[1] === 'services' && levels[3] === tree
}

/** Work-order changes remembered to skip their echo; a change is one (id, time, type). */
const RECENT_WORK_ORDER_CHANGES = 1_000
const workOrderChangeKey = (change: WorkOrderChange) =>
  `${change.workOrder.id}:${change.workOrder.updatedAt}:${change.type}`

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
  readonly #alarms: LiveAlarms
  readonly #feed: LiveFeed
  #events: DeviceEvent[] = []
  /** Dropped since the last flush, for its warning. */
  #droppedEvents = 0
  /** Dropped since start, for `/metrics`. */
  #floodDroppedEvents = 0
  #registryChanged = false
  /** Unregistered device id → when the registry was last reloaded for it. */
  readonly #misses = new Map<string, number>()
  /** When the registry was last reloaded for an unknown MQTT id, whichever. */
  #ingest: IngestStatus | undefined
  #broker: BrokerStatus | undefined
  #client: MqttClient | undefined
  #mqtt: PartHealth = NOT_CONNECTED
  #timer: NodeJS.Timeout | undefined
  /** Set on a reconnection: alarm changes may have been missed meanwhile. */
  #connectedBefore = false
  /** The open alarms were reloaded and differ: the next flush sends snapshots. */
  #alarmsReloaded = false
  readonly #recentWorkOrderChanges = new Set<string>()

  constructor(options: LiveOptions) {
    this.#options = options
    this.#log = options.logger.child({ module: 'live' })
    this.#clientId = options.clientId ?? `svc-api-${randomUUID().slice(0, 8)}`
    this.#alarms = new LiveAlarms({ store: options.store, now: options.now ?? Date.now, logger: this.#log })
    this.#feed = new LiveFeed({
      logger: this.#log,
      snapshot: () => this.#snapshot(),
      placeOf: (deviceId) => this.#state.placeOf(deviceId),
      ...(options.stuckTimeoutMs === undefined ? {} : { stuckTimeoutMs: options.stuckTimeoutMs }),
    })
  }

  async start(): Promise<void> {
    if (this.#client) throw new Error('live is already started')
    this.#loadRegistry()
    this.#registryChanged = false
    this.#alarms.load()
    this.#timer = setInterval(() => this.#flushSafely(), this.#options.flushIntervalMs ?? LIVE_FLUSH_INTERVAL_MS)
    this.#timer.unref()
    await this.#connect()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    const client = this.#client
    this.#client = undefined
    this.#mqtt = NOT_CONNECTED
    if (client) await client.endAsync()
  }

  devices(filter?: DeviceFilter): DeviceView[] {
    return this.#state.list(filter)
  }

  /**
   * From memory. An id not in it costs one indexed read, never a registry reload: anyone may ask for any id. Only a
   * device that exists but is not loaded yet (provisioned since the last reload) reloads the registry, once.
   */
  device(id: string): DeviceView | undefined {
    if (!this.#state.has(id) && this.#options.store.getDevice(id)) this.#loadRegistry()
    return this.#state.get(id)
  }

  ingestStatus(): IngestStatus | undefined {
    return this.#ingest
  }

  brokerStatus(): BrokerStatus | undefined {
    return this.#broker
  }

  liveStats(): LiveStats {
    return { ...this.#feed.stats(), floodDroppedEvents: this.#floodDroppedEvents }
  }

  mqttHealth(): PartHealth {
    return this.#mqtt
  }

  attach(io: LiveServer): void {
    this.#feed.attach(io)
  }

  alarmChanged(change: AlarmChange): void {
    this.#alarms.apply(change)
  }

  workOrderChanged(change: WorkOrderChange): void {
    const key = workOrderChangeKey(change)
    if (this.#recentWorkOrderChanges.has(key)) return
    this.#recentWorkOrderChanges.add(key)
    if (this.#recentWorkOrderChanges.size > RECENT_WORK_ORDER_CHANGES) {
      const oldest = this.#recentWorkOrderChanges.values().next().value
      if (oldest !== undefined) this.#recentWorkOrderChanges.delete(oldest)
    }
    this.#feed.sendWorkOrder(change)
  }

  async publishServiceMessage(topic: string, payload: string): Promise<boolean> {
    if (!topic.startsWith(API_SERVICE_PREFIX)) throw new Error(`not a topic of the api service: ${topic}`)
    const client = this.#client
    // mqtt.js would queue it while disconnected and send it after a reconnect, by then perhaps about a newer state
    if (!client?.connected) {
      this.#log.warn({ topic }, 'not connected to the MQTT broker: service message not sent')
      return false
    }
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SERVICE_PUBLISH_TIMEOUT_MS)
    })
    try {
      const outcome = await Promise.race([client.publishAsync(topic, payload, { qos: 1, retain: false }), timedOut])
      if (outcome !== 'timeout') return true
      this.#log.warn({ topic, timeoutMs: SERVICE_PUBLISH_TIMEOUT_MS }, 'the MQTT broker did not acknowledge in time')
      return false
    } catch (error) {
      this.#log.warn({ err: error, topic }, 'publishing a service message failed')
      return false
    } finally {
      clearTimeout(timer)
    }
  }

  #loadRegistry(): void {
    if (this.#state.mergeRegistry(this.#options.store.listDeviceViews())) this.#registryChanged = true
  }

  /**
   * True when the publishing device is known. An unknown one is looked up at once, so that a device provisioned
   * while the api runs shows from its first message (its retained status included); an id that is not registered
   * is not looked up again for a while. Only authenticated devices reach us, each under its own id, so ids that do
   * not exist are rare; HTTP lookups never come here.
   */
  #knowsPublisher(deviceId: string): boolean {
    if (this.#state.has(deviceId)) return true
    const now = Date.now()
    const perIdMs = this.#options.registryReloadMinIntervalMs ?? REGISTRY_RELOAD_MIN_INTERVAL_MS
    const lastMiss = this.#misses.get(deviceId)
    if (lastMiss !== undefined && now - lastMiss < perIdMs) return false
    try {
      // One indexed read decides; the whole registry is reloaded only for a device that really was provisioned
      // meanwhile, so its first message (often its only one for a minute) is not lost to a rate limit.
      if (this.#options.store.getDevice(deviceId)) this.#loadRegistry()
    } catch (error) {
      this.#log.error({ err: error }, 'reloading the device registry failed')
    }
    if (this.#state.has(deviceId)) {
      this.#misses.delete(deviceId)
      return true
    }
    if (this.#misses.size > 10_000) this.#misses.clear()
    this.#misses.set(deviceId, now)
    return false
  }

  #onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    try {
      if (topic === INGEST_STATUS_TOPIC) {
        this.#ingest = this.#decodeStatus(topic, payload, decodeIngestStatus, this.#ingest)
      } else if (topic === BROKER_STATUS_TOPIC) {
        this.#broker = this.#decodeStatus(topic, payload, decodeBrokerStatus, this.#broker)
      } else if (isServiceChangeTopic(topic, 'alarms')) {
        this.#alarms.receive(topic, payload)
      } else if (isServiceChangeTopic(topic, 'workorders')) {
        const result = decodeWorkOrderChange(payload)
        if (result.ok) this.workOrderChanged(result.value)
        else this.#log.warn({ topic, error: result.error }, 'invalid work-order change skipped')
      } else if (!topic.startsWith('fm/services/')) {
        // An invalid message is ingest's to count and log; here it is only skipped.
        const receivedAt = Date.now()
        const result = decodeMessage(topic, payload, receivedAt)
        if (result.ok) this.#apply(result.message, packet.retain, receivedAt)
      }
    } catch (error) {
      this.#log.error({ err: error, topic }, 'handling an MQTT message failed')
    }
  }

  /** The new status, or the current one when the payload is invalid: a bad status must not hide a good one. */
  #decodeStatus<T>(
    topic: string,
    payload: Uint8Array,
    decode: StatusDecoder<T>,
    current: T | undefined,
  ): T | undefined {
    const result = decode(payload)
    if (result.ok) return result.status
    this.#log.warn({ topic, error: result.error }, 'invalid service status skipped')
    return current
  }

  /** `receivedAt` is this process's clock; the message's `ts` is the device's, which may drift. */
  #apply(message: DeviceMessage, retained: boolean, receivedAt: number): void {
    const deviceId = deviceIdOf(message)
    if (!this.#knowsPublisher(deviceId)) {
      this.#log.debug({ deviceId, channel: message.channel }, 'message from an unregistered device skipped')
      return
    }
    if (message.channel === 'telemetry') this.#state.applyReading(message.reading, receivedAt)
    else if (message.channel === 'status') this.#state.applyStatus(message.status, retained, receivedAt)
    else if (message.channel === 'event') {
      // a plate a camera cached while offline carries an old ts, yet the device talked just now
      this.#state.touch(deviceId, receivedAt)
      this.#events.push(message.event)
      if (this.#events.length > MAX_PENDING_EVENTS) {
        this.#events.shift()
        this.#droppedEvents += 1
        this.#floodDroppedEvents += 1
      }
    }
  }

  #snapshot(): LiveSnapshot {
    const devices = this.#state.list()
    const sites = new Set(devices.map((device) => device.siteId))
    return { ts: Date.now(), devices, alarms: this.#alarms.open(), floods: this.#alarms.floods(sites) }
  }

  #flushSafely(): void {
    try {
      this.#flush()
    } catch (error) {
      this.#log.error({ err: error }, 'flushing live deltas failed')
    }
  }

  /** One `deltas`, one `events` and one `alarms` batch per interval, whatever the message rate. */
  #flush(): void {
    this.#alarms.tick()
    const { alarms, floods } = this.#alarms.take()
    const deltas = this.#state.takeDeltas()
    const events = this.#events
    this.#events = []
    if (this.#droppedEvents > 0) {
      this.#log.warn({ dropped: this.#droppedEvents }, 'event flood: the oldest pending events were dropped')
      this.#droppedEvents = 0
    }
    // Devices came or went, or alarm changes were missed: a fresh snapshot carries them, and it already holds every
    // pending delta.
    const snapshot = this.#registryChanged || this.#alarmsReloaded
    this.#registryChanged = false
    this.#alarmsReloaded = false
    this.#feed.send({ snapshot, deltas, events, alarms, floods }, Date.now())
  }

  /** Resolves once the first attempt has settled: subscribed, or failed and retrying in the background. */
  #connect(): Promise<void> {
    return new Promise((resolve) => {
      let lastError: string | undefined
      const client = connect(this.#options.mqttUrl, {
        username: this.#options.username,
        password: this.#options.password,
        ...(this.#options.ca === undefined ? {} : { ca: this.#options.ca }),
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
        if (this.#mqtt.status !== 'down') {
          this.#log.warn({ url: this.#options.mqttUrl }, 'lost the MQTT connection; reconnecting')
        }
        this.#mqtt = NOT_CONNECTED
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

  /**
   * Subscribes on every connection (the session is clean). A refused filter leaves the live view blind to it: that
   * shows in the health check and is tried again on the next connection, e.g. once the broker restarts with a fixed
   * ACL.
   */
  async #subscribe(client: MqttClient): Promise<void> {
    try {
      await client.subscribeAsync(SUBSCRIPTIONS)
      if (!client.connected) return
      this.#mqtt = { status: 'ok' }
      // changes published while the api was away are in the store, not on the (clean) session
      if (this.#connectedBefore && this.#alarms.load()) this.#alarmsReloaded = true
      this.#connectedBefore = true
      this.#log.info(
        { url: this.#options.mqttUrl, clientId: this.#clientId },
        'connected to the MQTT broker and subscribed',
      )
    } catch (error) {
      const refused = refusedFilters(error)
      if (refused.length === 0) {
        // no SUBACK: the link dropped mid-way, and the next connection subscribes again
        this.#log.warn({ err: error }, 'subscribing failed; retrying on reconnect')
        return
      }
      this.#log.error(
        { refused, username: this.#options.username },
        'the broker refused subscriptions: check its ACL; retrying on reconnect',
      )
      this.#mqtt = {
        status: refused.length === SUBSCRIBED_FILTERS.length ? 'down' : 'degraded',
        detail: `the MQTT broker refused the subscription to ${refused.join(', ')}: the live view misses it`,
      }
    }
  }
}

export function createLive(options: LiveOptions): Live {
  return new MqttLive(options)
}
