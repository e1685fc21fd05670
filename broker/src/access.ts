/**
 * Who may connect, publish and subscribe: the broker's whole policy as pure functions, so that every rule is
 * table-tested without a socket. `hooks.ts` wires these into aedes; nothing here reads a payload.
 *
 * Two kinds of principal exist:
 * - a device, authenticated with its own id and password, confined to its own topics;
 * - a service (`svc-<role>`), authenticated with a password from the broker's configuration, granted the topic
 *   filters of its role in SERVICE_ROLES.
 */
import {
  COMMAND_CHANNEL,
  channelFilter,
  DEVICE_CHANNELS,
  type DeviceChannel,
  deviceTopic,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  parseTopic,
  TOPIC_ROOT,
} from '@fm/protocol'
import type { DeviceRecord } from '@fm/store'
import { anyFilterCovers } from './topic-filter.ts'

/** Usernames with this prefix are services; no device id may start with it (a device `svc-x` could never log in). */
export const SERVICE_USERNAME_PREFIX = 'svc-'

const DEVICE_TREE = `${TOPIC_ROOT}/${PROTOCOL_VERSION}/#`
const SERVICES_TREE = `${TOPIC_ROOT}/services/#`

interface ServiceGrant {
  /** Filters the role may subscribe to; a requested filter must be covered by one of them. */
  readonly subscribe: readonly string[]
  /** Filters covering the topics the role may publish on (its retained status and last will included). */
  readonly publish: readonly string[]
}

/** The one table of what each platform service may do on the broker. */
export const SERVICE_ROLES = {
  // ingest reads every device channel (commands too, to audit them against their acks) and the other services'
  // status, and publishes only under its own service tree
  ingest: {
    subscribe: [DEVICE_TREE, SERVICES_TREE],
    publish: [`${TOPIC_ROOT}/services/ingest/#`],
  },
  // api keeps the live view of every device, sends commands to devices and publishes under its own service tree
  api: {
    subscribe: [DEVICE_TREE, SERVICES_TREE],
    publish: [channelFilter(COMMAND_CHANNEL), `${TOPIC_ROOT}/services/api/#`],
  },
} as const satisfies Record<string, ServiceGrant>

export type ServiceRole = keyof typeof SERVICE_ROLES

export const SERVICE_ROLE_NAMES = Object.keys(SERVICE_ROLES) as readonly ServiceRole[]

export function isServiceRole(name: string): name is ServiceRole {
  return Object.hasOwn(SERVICE_ROLES, name)
}

export type Principal =
  | { type: 'device'; device: DeviceRecord }
  | { type: 'service'; role: ServiceRole; username: string }

/** An expected refusal is a value, never a throw (STYLE 2.5). */
export type Decision = { ok: true } | { ok: false; reason: string }

const ALLOW: Decision = { ok: true }
const deny = (reason: string): Decision => ({ ok: false, reason })

export function serviceUsername(role: ServiceRole): string {
  return `${SERVICE_USERNAME_PREFIX}${role}`
}

export function isServiceUsername(username: string): boolean {
  return username.startsWith(SERVICE_USERNAME_PREFIX)
}

/** The role named by a service username, or undefined when the name after `svc-` is no role. */
export function serviceRoleOf(username: string): ServiceRole | undefined {
  const name = username.slice(SERVICE_USERNAME_PREFIX.length)
  return isServiceUsername(username) && isServiceRole(name) ? name : undefined
}

/**
 * Aedes disconnects the older client when a new one connects with the same client id [MQTT-3.1.4-2], so a
 * client id is an identity: a device must use its own id, a service its username (`svc-api`) or the username plus
 * a suffix (`svc-api-2`, one per instance). A device id never starts with `svc-`, so the two cannot collide.
 */
export function checkClientId(username: string, clientId: string): Decision {
  if (isServiceUsername(username)) {
    return clientId === username || clientId.startsWith(`${username}-`)
      ? ALLOW
      : deny(`a service's client id must be "${username}" or start with "${username}-"`)
  }
  return clientId === username ? ALLOW : deny('a device must connect with its device id as client id')
}

function ownTopic(device: DeviceRecord, channel: DeviceChannel | typeof COMMAND_CHANNEL): string {
  return deviceTopic({ siteId: device.siteId, kind: device.kind, deviceId: device.id }, channel)
}

function checkDevicePublish(device: DeviceRecord, topic: string, payloadBytes: number): Decision {
  const parsed = parseTopic(topic)
  if (!parsed.ok) return deny(`topic outside the grammar: ${parsed.error}`)
  const { siteId, kind, deviceId, channel } = parsed.topic
  if (deviceId !== device.id || siteId !== device.siteId || kind !== device.kind) {
    return deny(`not its own topic (it is ${device.siteId}/${device.kind}/${device.id})`)
  }
  if (!(DEVICE_CHANNELS as readonly string[]).includes(channel)) return deny(`a device may not publish on ${channel}`)
  if (payloadBytes > MAX_PAYLOAD_BYTES) return deny(`payload of ${payloadBytes} bytes > ${MAX_PAYLOAD_BYTES}`)
  return ALLOW
}

/** May this principal publish `payloadBytes` bytes on `topic` (a topic name, no wildcards)? */
export function checkPublish(principal: Principal, topic: string, payloadBytes: number): Decision {
  // aedes' default hook refuses `$SYS/`; ours refuses every `$` topic, which are the broker's own
  if (topic.startsWith('$')) return deny('$ topics are reserved to the broker')
  if (principal.type === 'device') return checkDevicePublish(principal.device, topic, payloadBytes)
  return anyFilterCovers(SERVICE_ROLES[principal.role].publish, topic)
    ? ALLOW
    : deny(`role ${principal.role} may not publish here`)
}

/**
 * May a message on `topic` be kept as the topic's retained message? On a device topic only `status` is retained
 * (docs/protocol.md, Topics): a retained reading, event, ack or command would be replayed to every new subscriber,
 * and ingest subscribes again on every start, so it would be stored again each time. Topics outside the device
 * grammar (the services' own trees) keep their flag.
 */
export function mayRetain(topic: string): boolean {
  const parsed = parseTopic(topic)
  return !parsed.ok || parsed.topic.channel === 'status'
}

/** May this principal subscribe to `filter`? A device only to its own command topic, exactly. */
export function checkSubscribe(principal: Principal, filter: string): Decision {
  if (principal.type === 'device') {
    return filter === ownTopic(principal.device, COMMAND_CHANNEL)
      ? ALLOW
      : deny('a device may subscribe only to its own cmd topic')
  }
  return anyFilterCovers(SERVICE_ROLES[principal.role].subscribe, filter)
    ? ALLOW
    : deny(`role ${principal.role} may not subscribe here`)
}

/**
 * May this principal leave this last will? It is checked at CONNECT, because aedes publishes a will long after
 * (and, for a will taken over from another broker node, with no client to check against). A device may only
 * announce its own loss on its own `status` topic; a service, on a topic it may publish on.
 */
export function checkWill(principal: Principal, will: { topic: string; payloadBytes: number }): Decision {
  if (principal.type === 'service') return checkPublish(principal, will.topic, will.payloadBytes)
  if (will.topic !== ownTopic(principal.device, 'status')) return deny('a device will must be on its own status topic')
  return checkDevicePublish(principal.device, will.topic, will.payloadBytes)
}
