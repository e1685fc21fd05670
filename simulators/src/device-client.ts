/**
 * One device's MQTT connection, as a real device would hold it: its own client id and credentials, a retained
 * `{"online":false}` last will on its status topic and a retained `{"online":true,…}` on every connect, telemetry at
 * QoS 0 (a stale reading is worth nothing), events at QoS 1, and commands answered on its `ack` topic.
 *
 * Connection failures are an outage, not a crash: mqtt.js retries every RECONNECT_PERIOD_MS and the client logs
 * when the state changes, not on every attempt.
 */
import {
  type CommandPayload,
  CommandPayload as CommandSchema,
  type DeviceKind,
  deviceTopic,
  encodePayload,
  type TelemetryValues,
} from '@fm/protocol'
import { connect, type IClientOptions, type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { Compile } from 'typebox/compile'
import type { CommandResult } from './simulation.ts'

const RECONNECT_PERIOD_MS = 2000
const CONNECT_TIMEOUT_MS = 10_000
const KEEPALIVE_SEC = 30
/** How long a clean shutdown may take before the socket is simply closed. */
const CLOSE_TIMEOUT_MS = 3000
/** Events recognised while disconnected are kept and sent on reconnect, as ANPR cameras do (offline_cached). */
const MAX_PENDING_EVENTS = 500

const commandValidator = Compile(CommandSchema)

export interface DeviceClientOptions {
  readonly mqttUrl: string
  /** The CA that signed the broker's certificate, as a real device carries it; the system's CAs when absent. */
  readonly mqttCa?: Buffer
  readonly siteId: string
  readonly deviceId: string
  readonly kind: DeviceKind
  readonly password: string | undefined
  readonly reportIntervalSec: number
  readonly logger: Logger
  readonly now: () => number
  readonly onCommand: (command: CommandPayload) => CommandResult
  /** Called after every (re)connect, once the online status is out: the device reports at once. */
  readonly onConnect: () => void
}

export interface DeviceClient {
  readonly deviceId: string
  /** Resolves true at the first CONNACK, false when the first attempt fails (the client keeps retrying). */
  readonly firstAttempt: Promise<boolean>
  isConnected(): boolean
  publishTelemetry(values: TelemetryValues, ts: number): void
  publishEvent(event: { readonly type: string; readonly ts: number }): void
  /** A hung device: connected (keep-alive still answered) but publishing nothing. */
  setSilent(silent: boolean): void
  /** Drops the socket without DISCONNECT, so the broker publishes the will; stays down until reconnect(). */
  dropConnection(): void
  reconnect(): void
  /** Telemetry and event messages handed to the client so far. */
  published(): number
  /** Publishes a retained offline status, then disconnects cleanly. */
  close(): Promise<void>
}

type Topics = Record<'telemetry' | 'event' | 'status' | 'ack' | 'cmd', string>

function connectOptions(options: DeviceClientOptions, statusTopic: string): IClientOptions {
  return {
    clientId: options.deviceId,
    username: options.deviceId,
    password: options.password,
    ...(options.mqttCa === undefined ? {} : { ca: options.mqttCa }),
    protocolVersion: 4,
    clean: true,
    keepalive: KEEPALIVE_SEC,
    reconnectPeriod: RECONNECT_PERIOD_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // a reading taken while offline is stale by the time the link is back: drop it rather than replay it
    queueQoSZero: false,
    will: { topic: statusTopic, payload: Buffer.from(encodePayload({ online: false })), qos: 1, retain: true },
  }
}

class MqttDevice implements DeviceClient {
  readonly deviceId: string
  readonly firstAttempt: Promise<boolean>
  readonly #options: DeviceClientOptions
  readonly #topics: Topics
  readonly #log: Logger
  readonly #client: MqttClient
  readonly #pending: { readonly type: string }[] = []
  #silent = false
  /** `dropped` by the offline fault, `closing` on shutdown: either way a lost connection is expected. */
  #link: 'up' | 'dropped' | 'closing' = 'up'
  #count = 0
  #problem: string | null = null

  constructor(options: DeviceClientOptions) {
    this.deviceId = options.deviceId
    this.#options = options
    const address = { siteId: options.siteId, kind: options.kind, deviceId: options.deviceId }
    this.#topics = {
      telemetry: deviceTopic(address, 'telemetry'),
      event: deviceTopic(address, 'event'),
      status: deviceTopic(address, 'status'),
      ack: deviceTopic(address, 'ack'),
      cmd: deviceTopic(address, 'cmd'),
    }
    this.#log = options.logger.child({ device: options.deviceId })
    const client = connect(options.mqttUrl, connectOptions(options, this.#topics.status))
    this.#client = client
    this.firstAttempt = new Promise<boolean>((resolve) => {
      client.once('connect', () => resolve(true))
      client.once('error', () => resolve(false))
      client.once('close', () => resolve(false))
    })
    client.on('connect', () => this.#onConnect())
    client.on('error', (error) => this.#reportProblem(error.message))
    client.on('close', () => this.#reportProblem('connection closed'))
    client.on('message', (topic, payload) => {
      if (topic === this.#topics.cmd) this.#answer(payload)
    })
  }

  #onConnect(): void {
    if (this.#problem !== null) this.#log.info({ after: this.#problem }, 'device reconnected')
    this.#problem = null
    const status = { online: true, report_interval_sec: this.#options.reportIntervalSec }
    this.#client.publish(this.#topics.status, encodePayload(status, this.#options.now()), { qos: 1, retain: true })
    this.#client.subscribe(this.#topics.cmd, { qos: 1 }, (error) => {
      // a connection dropped on purpose (the offline fault) fails the pending SUBACK: nothing to report then
      if (error && this.#link === 'up') this.#log.warn({ err: error }, 'could not subscribe to commands')
    })
    for (const event of this.#pending.splice(0)) {
      this.#sendEvent(event.type === 'plate' ? { ...event, offline_cached: true } : event)
    }
    this.#options.onConnect()
  }

  /** Logs the first problem after a good connection only: a broker that stays down is one line, not one a retry. */
  #reportProblem(message: string): void {
    if (this.#problem !== null || this.#link !== 'up') return
    this.#problem = message
    this.#log.warn({ url: this.#options.mqttUrl, error: message }, 'device connection problem; retrying')
  }

  #answer(payload: Buffer): void {
    if (this.#silent) return
    let command: unknown
    try {
      command = JSON.parse(payload.toString('utf8'))
    } catch {
      this.#log.warn({ topic: this.#topics.cmd }, 'command is not JSON; ignored')
      return
    }
    if (!commandValidator.Check(command)) {
      this.#log.warn({ topic: this.#topics.cmd }, 'command does not match the schema; ignored')
      return
    }
    const result = this.#options.onCommand(command)
    const ack = result.ok ? { id: command.id, status: 'ok' } : { id: command.id, status: 'error', error: result.error }
    this.#log.info({ action: command.action, status: ack.status }, 'command answered')
    this.#client.publish(this.#topics.ack, encodePayload(ack, this.#options.now()), { qos: 1 })
  }

  #sendEvent(event: object): void {
    this.#client.publish(this.#topics.event, encodePayload(event), { qos: 1 })
    this.#count++
  }

  isConnected(): boolean {
    return this.#client.connected
  }

  publishTelemetry(values: TelemetryValues, ts: number): void {
    if (this.#silent || !this.#client.connected) return
    this.#client.publish(this.#topics.telemetry, encodePayload(values, ts), { qos: 0 })
    this.#count++
  }

  publishEvent(event: { readonly type: string; readonly ts: number }): void {
    if (this.#silent) return
    if (this.#client.connected) this.#sendEvent(event)
    else if (this.#pending.length < MAX_PENDING_EVENTS) this.#pending.push(event)
  }

  setSilent(silent: boolean): void {
    this.#silent = silent
  }

  dropConnection(): void {
    if (this.#link !== 'up') return
    this.#link = 'dropped'
    this.#client.end(true)
  }

  reconnect(): void {
    if (this.#link !== 'dropped') return
    this.#link = 'up'
    this.#client.reconnect()
  }

  published(): number {
    return this.#count
  }

  async close(): Promise<void> {
    const wasUp = this.#link === 'up'
    this.#link = 'closing'
    if (!wasUp) return
    const client = this.#client
    const offline = encodePayload({ online: false }, this.#options.now())
    const announced =
      client.connected &&
      (await within(client.publishAsync(this.#topics.status, offline, { qos: 1, retain: true }), this.#log))
    // without a PUBACK the broker is gone or going: close the socket rather than wait on it
    if (!announced) {
      client.end(true)
      return
    }
    if (!(await within(client.endAsync(), this.#log))) client.stream.destroy()
  }
}

export function createDeviceClient(options: DeviceClientOptions): DeviceClient {
  return new MqttDevice(options)
}

/** Whether `promise` settles successfully within CLOSE_TIMEOUT_MS; a failure is logged. */
async function within(promise: Promise<unknown>, log: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS)
  })
  const settled = promise.then(
    () => true,
    (error: unknown) => {
      log.warn({ err: error }, 'clean disconnect failed')
      return false
    },
  )
  const result = await Promise.race([settled, timeout])
  clearTimeout(timer)
  return result
}
