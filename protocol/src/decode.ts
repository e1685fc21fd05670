/**
 * Decoding of every message a device publishes. Each process decodes a message once, here, into the shared types.
 * Nothing in this file throws on bad input: every failure is a value with a stable code and a readable reason.
 */
import type { TSchema } from 'typebox'
import { Compile, type Validator } from 'typebox/compile'
import { type DeviceEvent, EVENT_SCHEMAS, hasEvents } from './events.ts'
import { AckPayload, StatusPayload } from './status.ts'
import { type Reading, TELEMETRY_SCHEMAS } from './telemetry.ts'
import { type DeviceAddress, type ParsedTopic, parseTopic } from './topics.ts'

/** Largest payload a device may publish, in bytes. The broker refuses bigger packets outright. */
export const MAX_PAYLOAD_BYTES = 16 * 1024
/** A reading stamped further in the future than this is refused (a device clock gone wrong). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
/**
 * A reading older than this is refused: a device may send what it buffered while offline, but not from before the
 * raw time series is kept (30 days), and a clock reset to 1970 must not write into the past.
 */
export const MAX_BACKFILL_MS = 30 * 24 * 60 * 60 * 1000

export const MQTT_REJECTIONS = [
  'FM_ERR_MQTT_TOPIC_INVALID',
  'FM_ERR_MQTT_CHANNEL_UNEXPECTED',
  'FM_ERR_MQTT_PAYLOAD_TOO_LARGE',
  'FM_ERR_MQTT_JSON_INVALID',
  'FM_ERR_MQTT_SCHEMA_INVALID',
  'FM_ERR_MQTT_TS_IN_FUTURE',
  'FM_ERR_MQTT_TS_TOO_OLD',
  'FM_ERR_MQTT_DEVICE_UNKNOWN',
] as const
export type MqttRejection = (typeof MQTT_REJECTIONS)[number]

export type DeviceStatus = DeviceAddress & {
  ts: number
  online: boolean
  reportIntervalSec?: number
  firmware?: string
}
export type CommandAck = DeviceAddress & { ts: number; id: string; status: 'ok' | 'error'; error?: string }

export type DeviceMessage =
  | { channel: 'telemetry'; reading: Reading }
  | { channel: 'event'; event: DeviceEvent }
  | { channel: 'status'; status: DeviceStatus }
  | { channel: 'ack'; ack: CommandAck }

export type DecodeResult =
  | { ok: true; message: DeviceMessage }
  | { ok: false; code: MqttRejection; error: string; topic?: ParsedTopic }

const validators = new Map<TSchema, Validator>()

function validatorFor(schema: TSchema): Validator {
  let validator = validators.get(schema)
  if (!validator) {
    validator = Compile(schema)
    validators.set(schema, validator)
  }
  return validator
}

function firstError(validator: Validator, value: unknown): string {
  const [error] = validator.Errors(value)
  if (!error) return 'does not match the schema'
  const path = error.instancePath || '/'
  // additionalProperties: false reports an unknown key as "schema is false"; name the key instead
  if (error.keyword === 'boolean' || error.message.endsWith('schema is false'))
    return `unknown field "${path.slice(1)}"`
  return `${path} ${error.message}`
}

const textDecoder = new TextDecoder('utf-8', { fatal: true })

function parseJson(payload: Uint8Array | string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const text = typeof payload === 'string' ? payload : textDecoder.decode(payload)
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

function byteLength(payload: Uint8Array | string): number {
  return typeof payload === 'string' ? new TextEncoder().encode(payload).byteLength : payload.byteLength
}

function schemaFor(topic: ParsedTopic): TSchema | undefined {
  switch (topic.channel) {
    case 'telemetry':
      return TELEMETRY_SCHEMAS[topic.kind]
    case 'event':
      return hasEvents(topic.kind) ? EVENT_SCHEMAS[topic.kind] : undefined
    case 'status':
      return StatusPayload
    case 'ack':
      return AckPayload
    default:
      return undefined
  }
}

/**
 * Decodes one MQTT message from a device. `receivedAt` (epoch ms) stamps readings that carry no `ts`
 * and bounds how far in the future a device clock may be.
 */
export function decodeMessage(topicName: string, payload: Uint8Array | string, receivedAt: number): DecodeResult {
  const parsed = parseTopic(topicName)
  if (!parsed.ok) return { ok: false, code: 'FM_ERR_MQTT_TOPIC_INVALID', error: parsed.error }
  const topic = parsed.topic
  const schema = schemaFor(topic)
  if (!schema) {
    return { ok: false, code: 'FM_ERR_MQTT_CHANNEL_UNEXPECTED', error: `no ${topic.channel} from ${topic.kind}`, topic }
  }
  const size = byteLength(payload)
  if (size > MAX_PAYLOAD_BYTES) {
    return { ok: false, code: 'FM_ERR_MQTT_PAYLOAD_TOO_LARGE', error: `${size} bytes > ${MAX_PAYLOAD_BYTES}`, topic }
  }
  const json = parseJson(payload)
  if (!json.ok) return { ok: false, code: 'FM_ERR_MQTT_JSON_INVALID', error: json.error, topic }
  const validator = validatorFor(schema)
  if (!validator.Check(json.value)) {
    return { ok: false, code: 'FM_ERR_MQTT_SCHEMA_INVALID', error: firstError(validator, json.value), topic }
  }
  const body = json.value as { ts?: number } & Record<string, unknown>
  // The schema's minProperties counts `ts` too: a telemetry payload must still carry a measured value.
  if (topic.channel === 'telemetry' && Object.keys(body).every((key) => key === 'ts')) {
    return { ok: false, code: 'FM_ERR_MQTT_SCHEMA_INVALID', error: 'no telemetry field besides ts', topic }
  }
  const ts = body.ts ?? receivedAt
  if (ts > receivedAt + MAX_CLOCK_SKEW_MS) {
    return { ok: false, code: 'FM_ERR_MQTT_TS_IN_FUTURE', error: `ts ${ts} is ahead of the server clock`, topic }
  }
  if (ts < receivedAt - MAX_BACKFILL_MS) {
    return { ok: false, code: 'FM_ERR_MQTT_TS_TOO_OLD', error: `ts ${ts} is more than 30 days old`, topic }
  }
  return { ok: true, message: toMessage(topic, ts, body) }
}

function toMessage(topic: ParsedTopic, ts: number, body: Record<string, unknown>): DeviceMessage {
  const address = { siteId: topic.siteId, kind: topic.kind, deviceId: topic.deviceId }
  switch (topic.channel) {
    case 'telemetry': {
      const { ts: _ts, ...values } = body
      return { channel: 'telemetry', reading: { ...address, ts, values } as Reading }
    }
    case 'event':
      return { channel: 'event', event: { ...address, ts, event: { ...body, ts } } as DeviceEvent }
    case 'status': {
      const status = body as StatusPayload
      const decoded: DeviceStatus = { ...address, ts, online: status.online }
      if (status.report_interval_sec !== undefined) decoded.reportIntervalSec = status.report_interval_sec
      if (status.firmware !== undefined) decoded.firmware = status.firmware
      return { channel: 'status', status: decoded }
    }
    default: {
      const ack = body as AckPayload
      const decoded: CommandAck = { ...address, ts, id: ack.id, status: ack.status }
      if (ack.error !== undefined) decoded.error = ack.error
      return { channel: 'ack', ack: decoded }
    }
  }
}

/** Encodes a payload as a device sends it, stamping `ts` when given. */
export function encodePayload(body: object, ts?: number): string {
  return JSON.stringify(ts === undefined ? body : { ts, ...body })
}
