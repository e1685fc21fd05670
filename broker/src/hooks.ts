/**
 * The aedes hooks that enforce `access.ts`: authenticate at CONNECT, then authorize every PUBLISH, SUBSCRIBE and
 * last will. Every refusal is counted and logged with the client id and remote address, never with a password.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { isValidId } from '@fm/protocol'
import type { Store } from '@fm/store'
import type { AedesOptions, Client, PublishPacket, Subscription } from 'aedes'
import pLimit, { type LimitFunction } from 'p-limit'
import type { Logger } from 'pino'
import {
  checkClientId,
  checkPublish,
  checkSubscribe,
  checkWill,
  type Decision,
  isServiceUsername,
  mayRetain,
  type Principal,
  SERVICE_ROLE_NAMES,
  type ServiceRole,
  serviceRoleOf,
  serviceUsername,
} from './access.ts'
import type { ServiceCredential } from './config.ts'
import { type RateLimits, TokenBucket } from './rate-limit.ts'

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3 (aedes declares them as an ambient const enum we cannot import). */
type RefusalCode = 2 | 3 | 4 | 5
type Identity = { ok: true; principal: Principal } | { ok: false; returnCode: RefusalCode; reason: string }
type Will = { topic: string; payloadBytes: number }

export interface AccessCounters {
  authFailures: number
  publishDenials: number
  subscribeDenials: number
  /** CONNECTs refused because too many logins were already waiting for their password check. */
  admissionRefusals: number
  /** Devices disconnected for publishing beyond their rate limit after being throttled. */
  rateLimitDisconnects: number
  /** PUBLISH packets held back by a rate limit. */
  throttledPublishes: number
  /** PUBLISH packets accepted from clients. */
  messagesIn: number
  /** PUBLISH packets forwarded to subscribers. */
  messagesOut: number
}

/**
 * How device logins are admitted. A device password check is one scrypt round on libuv's thread pool (tens of ms),
 * so after a power cut a compound's devices queue up at once; they are checked `concurrency` at a time in arrival
 * order, a device that hung up while waiting is skipped, and beyond `maxWaiting` a CONNECT is answered "server
 * unavailable" at once, so that the device retries later instead of holding a socket in a queue it cannot leave.
 */
export interface LoginAdmission {
  readonly concurrency: number
  readonly maxWaiting: number
}

export interface AccessControlDeps {
  services: readonly ServiceCredential[]
  store: Store
  logger: Logger
  /** Where a client connects from, for the log. */
  remoteAddress: (client: Client) => string | undefined
  rateLimits: RateLimits
  logins: LoginAdmission
  /** Epoch ms; injectable for tests. */
  now?: () => number
}

export type AccessHooks = Required<
  Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>
>

/** Hashes before comparing, so that neither the content nor the length of a service password leaks by timing. */
function digest(secret: Buffer | string): Buffer {
  return createHash('sha256').update(secret).digest()
}

function byteLength(payload: Buffer | string): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength
}

function nameOf(principal: Principal | undefined): string | undefined {
  if (!principal) return undefined
  return principal.type === 'device' ? principal.device.id : principal.username
}

const DENIAL_LOG_INTERVAL_MS = 60_000
/** Beyond this many clients with recent denials the memory of them is reset: a bound, not a policy. */
const MAX_DENIAL_LOG_KEYS = 10_000

const refusal = (returnCode: RefusalCode, reason: string): Identity => ({ ok: false, returnCode, reason })
const NO_PRINCIPAL: Decision = { ok: false, reason: 'no authenticated principal' }

export class AccessControl {
  readonly counters: AccessCounters = {
    authFailures: 0,
    publishDenials: 0,
    subscribeDenials: 0,
    admissionRefusals: 0,
    rateLimitDisconnects: 0,
    throttledPublishes: 0,
    messagesIn: 0,
    messagesOut: 0,
  }
  readonly hooks: AccessHooks
  readonly #store: Store
  readonly #logger: Logger
  readonly #remoteAddress: (client: Client) => string | undefined
  readonly #serviceDigests: ReadonlyMap<ServiceRole, Buffer>
  readonly #principals = new WeakMap<Client, Principal>()
  /** The will of a CONNECT, from preConnect (which sees the packet) until authenticate (which knows who it is). */
  readonly #wills = new WeakMap<Client, Will>()
  readonly #rateLimits: RateLimits
  readonly #buckets = new WeakMap<Client, TokenBucket>()
  /** Clients closed for their rate: counted and logged once, however many of their packets were in flight. */
  readonly #cutOff = new WeakSet<Client>()
  /** Publishes held back per throttled client; a client is throttled while it has any. */
  readonly #held = new Map<Client, number>()
  readonly #logins: LimitFunction
  readonly #maxWaitingLogins: number
  /** Device logins being checked or waiting for their turn. */
  #pendingLogins = 0
  readonly #now: () => number
  /** When a denial was last logged per message and client, and how many were not logged since. */
  readonly #denialLog = new Map<string, { at: number; suppressed: number }>()

  constructor(deps: AccessControlDeps) {
    this.#store = deps.store
    this.#logger = deps.logger
    this.#remoteAddress = deps.remoteAddress
    this.#serviceDigests = new Map(deps.services.map((service) => [service.role, digest(service.password)]))
    this.#rateLimits = deps.rateLimits
    this.#logins = pLimit(deps.logins.concurrency)
    this.#maxWaitingLogins = deps.logins.maxWaiting
    this.#now = deps.now ?? Date.now
    this.hooks = {
      preConnect: this.#preConnect,
      authenticate: this.#authenticate,
      authorizePublish: this.#authorizePublish,
      authorizeSubscribe: this.#authorizeSubscribe,
      authorizeForward: this.#authorizeForward,
    }
  }

  /** Logins being checked or waiting for their turn. */
  get pendingLogins(): number {
    return this.#pendingLogins
  }

  /** Clients with publishes held back by their rate limit right now. */
  get throttledClients(): number {
    return this.#held.size
  }

  /** Who an authenticated client is; undefined before (or without) a successful CONNECT. */
  principalOf(client: Client): Principal | undefined {
    return this.#principals.get(client)
  }

  #preConnect: AccessHooks['preConnect'] = (client, packet, callback) => {
    const will = packet.will
    if (will) this.#wills.set(client, { topic: will.topic, payloadBytes: byteLength(will.payload) })
    callback(null, true)
  }

  #authenticate: AccessHooks['authenticate'] = (client, username, password, done) => {
    const settle = (identity: Identity): void => {
      this.#wills.delete(client)
      const remote = this.#remoteAddress(client)
      if (identity.ok) {
        this.#principals.set(client, identity.principal)
        this.#logger.debug({ clientId: client.id, remote }, 'client authenticated')
        done(null, true)
        return
      }
      this.counters.authFailures++
      const { returnCode, reason } = identity
      this.#logger.warn({ clientId: client.id, username, remote, returnCode, reason }, 'connection refused')
      done(Object.assign(new Error(reason), { returnCode }), false)
    }
    this.#identify(client, username, password).then(settle, (error: unknown) => {
      // the registry failed, not the client: answer 3, server unavailable (§3.2.2.3), and log why
      this.#logger.error({ err: error, clientId: client.id }, 'cannot check credentials')
      settle(refusal(3, 'credential check failed'))
    })
  }

  async #identify(client: Client, username: string | undefined, password: Buffer | undefined): Promise<Identity> {
    if (!username) return refusal(5, 'anonymous connection')
    // checked before the password: it needs no scrypt round, and it says nothing about which devices exist
    const clientId = checkClientId(username, client.id)
    if (!clientId.ok) return refusal(2, clientId.reason)
    if (!isServiceUsername(username) && !isValidId(username)) return refusal(4, 'not a device id')
    let principal: Principal | undefined
    if (isServiceUsername(username)) principal = this.#authenticateService(username, password)
    else {
      if (this.#pendingLogins >= this.#logins.concurrency + this.#maxWaitingLogins) {
        this.counters.admissionRefusals++
        return refusal(3, `${this.#pendingLogins} logins already being checked or waiting`)
      }
      this.#pendingLogins++
      const checked = await this.#logins(
        async (): Promise<Principal | undefined | 'gone'> =>
          // a device that gave up waiting (its CONNACK timeout) has reconnected already or will: not worth a round
          client.closed ? 'gone' : await this.#authenticateDevice(username, password),
      ).finally(() => {
        this.#pendingLogins--
      })
      if (checked === 'gone') return refusal(3, 'connection closed while waiting for the password check')
      principal = checked
    }
    if (!principal) return refusal(4, this.#whyRefused(username))
    const will = this.#wills.get(client)
    const willCheck = will ? checkWill(principal, will) : undefined
    if (willCheck && !willCheck.ok) return refusal(5, `last will refused: ${willCheck.reason}`)
    return { ok: true, principal }
  }

  #authenticateService(username: string, password: Buffer | undefined): Principal | undefined {
    const role = serviceRoleOf(username)
    const expected = role && this.#serviceDigests.get(role)
    if (!role || !expected || !password) return undefined
    return timingSafeEqual(expected, digest(password)) ? { type: 'service', role, username } : undefined
  }

  async #authenticateDevice(deviceId: string, password: Buffer | undefined): Promise<Principal | undefined> {
    if (!password) return undefined
    const device = await this.#store.verifyDeviceCredentials(deviceId, password.toString('utf8'))
    return device && { type: 'device', device }
  }

  /** Why a client got code 4, for the operator's log only: the client never learns which it was. */
  #whyRefused(username: string): string {
    if (isServiceUsername(username)) return 'unknown service or wrong password'
    const device = this.#store.getDevice(username)
    if (!device) return 'unknown device'
    return device.revokedAt === undefined ? 'wrong or missing password' : 'revoked device'
  }

  #authorizePublish: AccessHooks['authorizePublish'] = (client, packet, callback) => {
    const target = { topic: packet.topic, payloadBytes: byteLength(packet.payload) }
    let decision: Decision
    if (client) {
      const principal = this.#principals.get(client)
      decision = principal ? checkPublish(principal, target.topic, target.payloadBytes) : NO_PRINCIPAL
    } else {
      // without a client, aedes is publishing the will of a client of a broker node that died
      const principal = this.#principalOfClientId('clientId' in packet ? String(packet.clientId) : undefined)
      decision = principal ? checkWill(principal, target) : NO_PRINCIPAL
    }
    if (decision.ok) {
      if (packet.retain && !mayRetain(packet.topic)) this.#clearRetain(client, packet)
      this.#admitPublish(client, packet, callback)
      return
    }
    this.counters.publishDenials++
    this.#logDenial('publish refused, closing the connection', client, packet, decision.reason)
    // MQTT 3.1.1 has no negative PUBACK: an error makes aedes close the connection [MQTT-3.3.5-2]
    callback(new Error(decision.reason))
  }

  /** Passes the publish now, later (rate limit), or closes the connection of a device far beyond its limit. */
  #admitPublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void {
    const principal = client && this.#principals.get(client)
    if (!client || principal?.type !== 'device') {
      this.counters.messagesIn++
      callback(null)
      return
    }
    let bucket = this.#buckets.get(client)
    if (!bucket) {
      const limit = this.#rateLimits[principal.device.kind] ?? this.#rateLimits.default
      bucket = new TokenBucket(limit, this.#now())
      this.#buckets.set(client, bucket)
    }
    const admission = bucket.take(this.#now())
    if ('exceeded' in admission) {
      // the other packets of the same read are refused too, but the device was cut off once
      if (!this.#cutOff.has(client)) {
        this.#cutOff.add(client)
        this.counters.rateLimitDisconnects++
        this.#logDenial('publishing far beyond its rate limit, closing the connection', client, packet, 'rate limit')
      }
      callback(new Error('rate limit exceeded'))
      return
    }
    this.counters.messagesIn++
    if (admission.wait === 0) {
      callback(null)
      return
    }
    this.counters.throttledPublishes++
    const held = this.#held.get(client) ?? 0
    if (held === 0) this.#logDenial('over its publish rate: throttling', client, packet, `held ${admission.wait} ms`)
    this.#held.set(client, held + 1)
    setTimeout(() => {
      const left = (this.#held.get(client) ?? 1) - 1
      if (left > 0) this.#held.set(client, left)
      else this.#held.delete(client)
      // if the device left meanwhile, a QoS 1 message is dropped with its unsent PUBACK (the device still holds it
      // and sends it again); a QoS 0 one is forwarded, as if it had been read before the connection ended
      callback(null)
    }, admission.wait)
  }

  #authorizeForward: AccessHooks['authorizeForward'] = (_client, packet) => {
    this.counters.messagesOut++
    return packet
  }

  /**
   * Delivers the message but does not keep it: a device whose firmware sets retain by mistake is still heard. MQTT
   * 3.1.1 has no way to refuse part of a PUBLISH; a server that does not authorize it must either acknowledge it as
   * usual or close the connection [MQTT-3.3.5-2], and closing would silence that device for a harmless flag. So the
   * unauthorized part, storing it [MQTT-3.3.1-5], is dropped and the rest is acknowledged and forwarded. Aedes lets
   * this hook change the packet before it is stored or forwarded (docs/Aedes.md, authorizePublish).
   */
  #clearRetain(client: Client | null, packet: PublishPacket): void {
    packet.retain = false
    const principal = client ? nameOf(this.#principals.get(client)) : undefined
    this.#logger.debug(
      { clientId: client?.id, principal, topic: packet.topic },
      'retain flag cleared: only status is retained',
    )
  }

  /**
   * A will that outlived its broker node is published without a client (aedes docs, authorizePublish). It passed
   * `checkWill` at CONNECT; the principal is found again from the client id the persistence stored with it.
   */
  #principalOfClientId(clientId: string | undefined): Principal | undefined {
    if (clientId === undefined) return undefined
    const role = SERVICE_ROLE_NAMES.find((name) => checkClientId(serviceUsername(name), clientId).ok)
    if (role) return { type: 'service', role, username: serviceUsername(role) }
    try {
      const device = this.#store.getDevice(clientId)
      return device && { type: 'device', device }
    } catch (error) {
      // this runs inside aedes' callbacks, where a throw would end the process: refuse the will instead
      this.#logger.error({ err: error, clientId }, 'cannot look up the owner of a will')
      return undefined
    }
  }

  #authorizeSubscribe: AccessHooks['authorizeSubscribe'] = (client, subscription, callback) => {
    const principal = this.#principals.get(client)
    const decision = principal ? checkSubscribe(principal, subscription.topic) : NO_PRINCIPAL
    if (decision.ok) return callback(null, subscription)
    this.counters.subscribeDenials++
    this.#logDenial('subscription refused', client, subscription, decision.reason)
    // a null subscription answers 0x80 (Failure, §3.9.3) for this filter only [MQTT-3.8.4-4]; the connection stays
    callback(null, null)
  }

  /**
   * One line per client and message per minute: a device that reconnects and misbehaves again every second must not
   * bury the log (the counters count every time). The next line says how many were left out.
   */
  #logDenial(message: string, client: Client | null, target: PublishPacket | Subscription, reason: string): void {
    const key = `${message}\u0000${client?.id ?? ''}`
    const now = this.#now()
    const last = this.#denialLog.get(key)
    if (last && now - last.at < DENIAL_LOG_INTERVAL_MS) {
      last.suppressed++
      return
    }
    if (this.#denialLog.size >= MAX_DENIAL_LOG_KEYS) this.#denialLog.clear()
    this.#denialLog.set(key, { at: now, suppressed: 0 })
    const principal = client ? nameOf(this.#principals.get(client)) : undefined
    const remote = client ? this.#remoteAddress(client) : undefined
    const suppressed = last?.suppressed ? { suppressedSinceLastLine: last.suppressed } : {}
    this.#logger.warn({ clientId: client?.id, principal, remote, topic: target.topic, reason, ...suppressed }, message)
  }
}
