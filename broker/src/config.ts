/**
 * Broker configuration from `FM_BROKER_*` variables. `loadConfig` checks every variable, reports every problem at
 * once, and returns a frozen object; nothing else in the broker reads the environment (STYLE 2.6).
 */
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createSecureContext } from 'node:tls'
import { DEVICE_KINDS, type DeviceKind, isDeviceKind } from '@fm/protocol'
import { isServiceRole, SERVICE_ROLE_NAMES, type ServiceRole } from './access.ts'
import type { LoginAdmission } from './hooks.ts'
import { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimits } from './rate-limit.ts'

/** Shortest service password accepted: the same floor as a device password set in a manifest. */
export const MIN_SERVICE_PASSWORD_LENGTH = 12

export interface ServiceCredential {
  readonly role: ServiceRole
  readonly password: string
}

/** The broker's certificate, read from PEM files at start (`FM_BROKER_TLS_*`). */
export interface BrokerTls {
  /** MQTT over TLS (`FM_BROKER_TLS_PORT`); 0 picks a free port (tests). */
  readonly port: number
  /** The server certificate (`FM_BROKER_TLS_CERT_FILE`), possibly followed by its intermediates. */
  readonly cert: Buffer
  /** The certificate's private key (`FM_BROKER_TLS_KEY_FILE`). Secret: never log it. */
  readonly key: Buffer
  /** The chain from the certificate up to the CA (`FM_BROKER_TLS_CA_FILE`), sent to clients after it. */
  readonly ca?: Buffer
}

export interface BrokerConfig {
  /** Folder of the platform's data files (`FM_DATA_DIR`). */
  readonly dataDir: string
  /** Address every listener binds to. Devices are remote, so all interfaces by default. */
  readonly host: string
  /** MQTT over TCP in the clear; 0 picks a free port (tests); undefined with `FM_BROKER_PORT=off` (TLS only). */
  readonly port: number | undefined
  /** MQTT over WebSocket, path `/mqtt`, as wss when `tls` is set; 0 picks a free port (tests). */
  readonly wsPort: number
  /** MQTT over TLS, and wss on the WebSocket port; absent: no TLS. */
  readonly tls?: BrokerTls
  /** Credentials of the platform services; a role without one cannot connect. */
  readonly services: readonly ServiceCredential[]
  /** Site manifest to provision on start, if any. */
  readonly provisionFile?: string
  /** Publish rate limits per device kind (`FM_BROKER_RATE_LIMITS`). */
  readonly rateLimits: RateLimits
  /** Open sockets beyond which new ones are closed at once (`FM_BROKER_MAX_CONNECTIONS`), per listener. */
  readonly maxConnections: number
  /** Device logins checked at once and waiting (`FM_BROKER_LOGIN_CONCURRENCY`, `FM_BROKER_MAX_PENDING_LOGINS`). */
  readonly logins: LoginAdmission
  /** Unsent bytes a subscriber may let pile up before it is disconnected (`FM_BROKER_SLOW_CONSUMER_KB`). */
  readonly slowConsumerLimitBytes: number
  /** Period of the retained status on `fm/services/broker/status` (`FM_BROKER_STATUS_INTERVAL_MS`). */
  readonly statusIntervalMs: number
}

export class BrokerConfigError extends Error {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`invalid broker configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'BrokerConfigError'
    this.problems = problems
  }
}

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!/^\d+$/.test(raw) || port > 65_535) {
    problems.push(`${name} must be a port number from 0 to 65535, got "${raw}"`)
    return fallback
  }
  return port
}

function readText(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/** `FM_BROKER_PORT=off` closes MQTT in the clear, for a site whose devices must use TLS. */
function readPlainPort(env: NodeJS.ProcessEnv, problems: string[]): number | undefined {
  if (env.FM_BROKER_PORT?.trim().toLowerCase() === 'off') return undefined
  return readPort(env, 'FM_BROKER_PORT', 1883, problems)
}

/** The bytes of the file that `name` names; one that cannot be read is a problem naming the variable and the file. */
function readFileOf(env: NodeJS.ProcessEnv, name: string, problems: string[]): Buffer | undefined {
  const file = readText(env, name)
  if (file === undefined) return undefined
  try {
    return readFileSync(file)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    problems.push(`${name}: cannot read "${file}" (${reason})`)
    return undefined
  }
}

/**
 * Reads the certificate, its key and the optional chain, and checks them as the TLS listeners will use them, so that
 * a wrong file stops the broker at start rather than failing every handshake. OpenSSL's reasons never quote a key.
 * `plainOff`: MQTT in the clear is off, so TLS is required.
 */
function readTls(env: NodeJS.ProcessEnv, plainOff: boolean, problems: string[]): BrokerTls | undefined {
  const port = readPort(env, 'FM_BROKER_TLS_PORT', 8883, problems)
  const certSet = readText(env, 'FM_BROKER_TLS_CERT_FILE') !== undefined
  const keySet = readText(env, 'FM_BROKER_TLS_KEY_FILE') !== undefined
  if (!certSet && !keySet) {
    if (readText(env, 'FM_BROKER_TLS_CA_FILE') !== undefined) {
      problems.push('FM_BROKER_TLS_CA_FILE is set without FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE')
    }
    if (plainOff)
      problems.push('FM_BROKER_PORT=off (TLS only) needs FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE')
    return undefined
  }
  if (!certSet || !keySet) {
    problems.push('FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE go together: set both for TLS, or neither')
    return undefined
  }
  const cert = readFileOf(env, 'FM_BROKER_TLS_CERT_FILE', problems)
  const key = readFileOf(env, 'FM_BROKER_TLS_KEY_FILE', problems)
  const ca = readFileOf(env, 'FM_BROKER_TLS_CA_FILE', problems)
  if (cert === undefined || key === undefined) return undefined
  try {
    createSecureContext({ cert, key })
  } catch (error) {
    problems.push(
      `FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE must be a PEM certificate and its unencrypted key (${errorText(error)})`,
    )
  }
  if (ca !== undefined) {
    try {
      new X509Certificate(ca)
    } catch (error) {
      problems.push(`FM_BROKER_TLS_CA_FILE must hold PEM certificates (${errorText(error)})`)
    }
  }
  return Object.freeze({ port, cert, key, ...(ca === undefined ? {} : { ca }) })
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Two listeners on one port cannot both bind; 0 (a free port each) and a listener that is off never collide. */
function checkPortsDiffer(ports: readonly [string, number | undefined][], problems: string[]): void {
  ports.forEach(([name, port], index) => {
    for (const [otherName, otherPort] of ports.slice(index + 1)) {
      if (port !== undefined && port !== 0 && port === otherPort)
        problems.push(`${name} and ${otherName} are both ${port}`)
    }
  })
}

/** Parses `name:password,name:password`. A password may contain `:` but not `,`. */
function readServices(raw: string | undefined, problems: string[]): ServiceCredential[] {
  const name = 'FM_BROKER_SERVICE_CREDENTIALS'
  const services: ServiceCredential[] = []
  for (const entry of (raw ?? '').split(',')) {
    if (entry.trim() === '') continue
    const colon = entry.indexOf(':')
    const role = (colon < 0 ? entry : entry.slice(0, colon)).trim()
    const password = colon < 0 ? '' : entry.slice(colon + 1)
    if (!isServiceRole(role)) {
      problems.push(`${name}: unknown service "${role}" (one of ${SERVICE_ROLE_NAMES.join(', ')})`)
    } else if (services.some((service) => service.role === role)) {
      problems.push(`${name}: service "${role}" is listed twice`)
    } else if (password.length < MIN_SERVICE_PASSWORD_LENGTH) {
      // the message never echoes the password, only what is wrong with it
      problems.push(`${name}: the password of "${role}" must have at least ${MIN_SERVICE_PASSWORD_LENGTH} characters`)
    } else {
      services.push(Object.freeze({ role, password }))
    }
  }
  return services
}

function readInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  [min, max]: readonly [number, number],
  problems: string[],
): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
    return fallback
  }
  return value
}

const RATE_LIMIT_ENTRY = /^(\d+(?:\.\d+)?)\/(\d+)$/

/**
 * Parses `kind=rate/burst,...`, e.g. `default=10/100,gate=20/200`: publishes per second and burst per device kind;
 * kinds not listed keep their default (DEFAULT_RATE_LIMITS).
 */
function readRateLimits(raw: string | undefined, problems: string[]): RateLimits {
  const name = 'FM_BROKER_RATE_LIMITS'
  const limits: Partial<Record<DeviceKind | 'default', RateLimit>> = { ...DEFAULT_RATE_LIMITS }
  for (const entry of (raw ?? '').split(',')) {
    if (entry.trim() === '') continue
    const [kind = '', value = ''] = entry.split('=').map((part) => part.trim())
    const match = RATE_LIMIT_ENTRY.exec(value)
    if (kind !== 'default' && !isDeviceKind(kind)) {
      problems.push(`${name}: unknown device kind "${kind}" (default or one of ${DEVICE_KINDS.join(', ')})`)
    } else if (!match || Number(match[1]) <= 0 || Number(match[2]) < 1) {
      problems.push(`${name}: "${entry.trim()}" must be <kind>=<publishes per second>/<burst>, both above 0`)
    } else {
      limits[kind] = Object.freeze({ ratePerSec: Number(match[1]), burst: Number(match[2]) })
    }
  }
  const { default: fallback = DEFAULT_RATE_LIMITS.default, ...kinds } = limits
  return Object.freeze({ ...kinds, default: fallback })
}

export function loadConfig(env: NodeJS.ProcessEnv): BrokerConfig {
  const problems: string[] = []
  const port = readPlainPort(env, problems)
  const wsPort = readPort(env, 'FM_BROKER_WS_PORT', 8083, problems)
  const tls = readTls(env, port === undefined, problems)
  checkPortsDiffer(
    [
      ['FM_BROKER_PORT', port],
      ['FM_BROKER_WS_PORT', wsPort],
      ['FM_BROKER_TLS_PORT', tls?.port],
    ],
    problems,
  )
  const services = readServices(env.FM_BROKER_SERVICE_CREDENTIALS, problems)
  const rateLimits = readRateLimits(env.FM_BROKER_RATE_LIMITS, problems)
  const maxConnections = readInteger(env, 'FM_BROKER_MAX_CONNECTIONS', 20_000, [1, 1_000_000], problems)
  const logins = Object.freeze({
    concurrency: readInteger(env, 'FM_BROKER_LOGIN_CONCURRENCY', 4, [1, 64], problems),
    maxWaiting: readInteger(env, 'FM_BROKER_MAX_PENDING_LOGINS', 5_000, [0, 1_000_000], problems),
  })
  const slowConsumerKb = readInteger(env, 'FM_BROKER_SLOW_CONSUMER_KB', 8192, [64, 1_048_576], problems)
  const statusIntervalMs = readInteger(env, 'FM_BROKER_STATUS_INTERVAL_MS', 5_000, [100, 3_600_000], problems)
  if (problems.length > 0) throw new BrokerConfigError(problems)
  const provisionFile = readText(env, 'FM_BROKER_PROVISION_FILE')
  return Object.freeze({
    dataDir: readText(env, 'FM_DATA_DIR') ?? 'data',
    host: readText(env, 'FM_BROKER_HOST') ?? '0.0.0.0',
    port,
    wsPort,
    services: Object.freeze(services),
    rateLimits,
    maxConnections,
    logins,
    slowConsumerLimitBytes: slowConsumerKb * 1024,
    statusIntervalMs,
    ...(tls === undefined ? {} : { tls }),
    ...(provisionFile === undefined ? {} : { provisionFile }),
  })
}
