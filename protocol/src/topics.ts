/**
 * The MQTT topic grammar, version 1:
 *
 *   fm/v1/<site>/<kind>/<device>/<channel>
 *
 * `site` and `device` are lower-case slugs, `kind` is one of DEVICE_KINDS and `channel` one of CHANNELS.
 * Devices publish `telemetry`, `event`, `status` and `ack`; they receive `cmd`.
 */
import { DEVICE_KINDS, type DeviceKind, isDeviceKind } from './kinds.ts'

export const TOPIC_ROOT = 'fm'
export const PROTOCOL_VERSION = 'v1'

/** Channels a device publishes on. */
export const DEVICE_CHANNELS = ['telemetry', 'event', 'status', 'ack'] as const
/** Channels a device receives on. */
export const COMMAND_CHANNEL = 'cmd'
export const CHANNELS = [...DEVICE_CHANNELS, COMMAND_CHANNEL] as const
export type Channel = (typeof CHANNELS)[number]
export type DeviceChannel = (typeof DEVICE_CHANNELS)[number]

/** Site and device ids: 1–64 characters, lower-case letters, digits, `-` and `_`, starting with a letter or digit. */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$'
const ID_RE = new RegExp(ID_PATTERN)

export function isValidId(id: string): boolean {
  return ID_RE.test(id)
}

export interface DeviceAddress {
  siteId: string
  kind: DeviceKind
  deviceId: string
}

export interface ParsedTopic extends DeviceAddress {
  channel: Channel
}

export function deviceTopic(address: DeviceAddress, channel: Channel): string {
  return `${TOPIC_ROOT}/${PROTOCOL_VERSION}/${address.siteId}/${address.kind}/${address.deviceId}/${channel}`
}

/** The prefix under which one device may publish: `fm/v1/<site>/<kind>/<device>/`. */
export function devicePrefix(address: DeviceAddress): string {
  return `${TOPIC_ROOT}/${PROTOCOL_VERSION}/${address.siteId}/${address.kind}/${address.deviceId}/`
}

/** Subscription filter for one channel of every device of every site. */
export function channelFilter(channel: Channel): string {
  return `${TOPIC_ROOT}/${PROTOCOL_VERSION}/+/+/+/${channel}`
}

function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value)
}

export type TopicResult = { ok: true; topic: ParsedTopic } | { ok: false; error: string }

/** Parses a device topic. Never throws: a topic outside the grammar is an error value. */
export function parseTopic(topic: string): TopicResult {
  const parts = topic.split('/')
  if (parts.length !== 6) return { ok: false, error: `expected 6 levels, got ${parts.length}` }
  const [root, version, siteId, kind, deviceId, channel] = parts as [string, string, string, string, string, string]
  if (root !== TOPIC_ROOT) return { ok: false, error: `topic must start with ${TOPIC_ROOT}/` }
  if (version !== PROTOCOL_VERSION) return { ok: false, error: `unsupported protocol version "${version}"` }
  if (!isValidId(siteId)) return { ok: false, error: `invalid site id "${siteId}"` }
  if (!isDeviceKind(kind))
    return { ok: false, error: `unknown device kind "${kind}" (one of ${DEVICE_KINDS.join(', ')})` }
  if (!isValidId(deviceId)) return { ok: false, error: `invalid device id "${deviceId}"` }
  if (!isChannel(channel)) return { ok: false, error: `unknown channel "${channel}"` }
  return { ok: true, topic: { siteId, kind, deviceId, channel } }
}

/** MQTT usernames and client ids starting with this prefix belong to platform services, never to a device. */
export const SERVICE_ID_PREFIX = 'svc-'
