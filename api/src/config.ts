/**
 * The api's configuration, read from the environment once at boot. Every setting but the secrets (the MQTT
 * password, the first admin's password) has a loopback-friendly default; `loadConfig` reports every problem at once and returns a frozen object.
 */
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { isAbsolute, resolve } from 'node:path'
import { createSecureContext } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { ERRORS } from './errors.ts'

export interface ApiConfig {
  /** Folder of the embedded stores (SQLite files). */
  dataDir: string
  mqttUrl: string
  /** The CA that signed the broker's certificate (a compound's own), PEM; undefined: the system's CAs. */
  mqttCa: Buffer | undefined
  mqttUsername: string
  mqttPassword: string
  host: string
  port: number
  /** Serve HTTPS (and socket.io over wss) with this certificate and key, PEM; undefined: plain HTTP. */
  tls: ApiTls | undefined
  /**
   * Whom to believe about X-Forwarded-For and -Proto, which set `request.ip` (audit log, login rate limit) and
   * `request.protocol` (the Secure cookie): nobody (false), any peer (true), or these addresses and CIDRs. Fastify's
   * `trustProxy`.
   */
  trustProxy: boolean | string[]
  /** Folder of the built dashboard (`index.html` and `assets/`). */
  dashboardDir: string
  /** Mark the session cookie `Secure` on every answer, not only on requests that came over TLS (a TLS proxy in front). */
  secureCookies: boolean
  /** Login attempts per minute and client address; beyond, 429 `FM_ERR_RATE_LIMITED`. */
  loginAttemptsPerMin: number
  /** Password of the first user `admin`, used only when the api creates it; a generated one when undefined. */
  adminPassword: string | undefined
  /**
   * A JSON file of users to create at start when their username is free (the demo compound's, with `npm start`);
   * absolute. Its passwords are public: a demo's, never a production platform's.
   */
  seedUsersFile: string | undefined
  /**
   * A bearer token Prometheus sends to scrape `/metrics` (`Authorization: Bearer …`); without one, only a signed-in
   * user with `system.read` may read it.
   */
  metricsToken: string | undefined
}

export interface ApiTls {
  /** The certificate, followed by its intermediates if any. */
  cert: Buffer
  /** Secret: never log it. */
  key: Buffer
}

export type Env = Readonly<Record<string, string | undefined>>

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']
/** The generated one has 144 bits; a chosen one must at least not be trivially short. */
export const MIN_ADMIN_PASSWORD_LENGTH = 10
/** A scrape token is a shared secret in a Prometheus config file: long and random, never a word. */
export const MIN_METRICS_TOKEN_LENGTH = 32
const MAX_LOGIN_ATTEMPTS_PER_MIN = 10_000
/** The address ranges proxy-addr (Fastify's `trustProxy`) knows by name. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal']
const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url))

/** Raised when the environment is invalid; `problems` lists every one of them. */
export class ConfigError extends Error {
  readonly code = 'FM_ERR_CONFIG_INVALID'
  readonly problems: readonly string[]

  constructor(problems: string[]) {
    super(ERRORS.FM_ERR_CONFIG_INVALID.message.replace('%s', problems.map((p) => `  ${p}`).join('\n')))
    this.name = 'ConfigError'
    this.problems = problems
  }
}

function text(env: Env, name: string, fallback: string): string {
  return env[name]?.trim() || fallback
}

/** Secrets are taken verbatim: a leading or trailing space may be part of a password. */
function secret(env: Env, name: string, problems: string[]): string {
  const value = env[name]
  if (!value) problems.push(`${name}: required (a secret, it has no default)`)
  return value ?? ''
}

/** An optional secret, taken verbatim; its value never appears in a problem. */
function optionalSecret(env: Env, name: string, minLength: number, problems: string[]): string | undefined {
  const value = env[name]
  if (!value) return undefined
  if (value.length < minLength) problems.push(`${name}: must be at least ${minLength} characters`)
  return value
}

function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase()
  if (!raw) return fallback
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  problems.push(`${name}: must be true or false, got "${env[name]}"`)
  return fallback
}

function count(env: Env, name: string, fallback: number, max: number, problems: string[]): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    problems.push(`${name}: must be a whole number 1–${max}, got "${raw}"`)
    return fallback
  }
  return value
}

function port(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value > 65_535) {
    problems.push(`${name}: must be a port number 0–65535, got "${raw}"`)
    return fallback
  }
  return value
}

function mqttUrl(env: Env, name: string, fallback: string, problems: string[]): string {
  const value = text(env, name, fallback)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.push(`${name}: not a URL: "${value}"`)
    return value
  }
  if (!MQTT_PROTOCOLS.includes(url.protocol)) {
    problems.push(`${name}: protocol must be one of ${MQTT_PROTOCOLS.join(' ')}, got "${url.protocol}"`)
  }
  // Credentials belong in their own variables, where they are treated as secrets and never logged.
  if (url.username || url.password) problems.push(`${name}: must not contain credentials`)
  return value
}

function folder(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback)
  return isAbsolute(value) ? value : resolve(value)
}

/** An optional path, absolute; undefined when unset or empty. */
function optionalFile(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  if (!value) return undefined
  return isAbsolute(value) ? value : resolve(value)
}

/** The contents of the file `name` names; undefined when unset, or with a problem naming the file when unreadable. */
function fileContents(env: Env, name: string, problems: string[]): Buffer | undefined {
  const file = env[name]?.trim()
  if (!file) return undefined
  try {
    return readFileSync(file)
  } catch (error) {
    problems.push(`${name}: cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
    return undefined
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Parsed now, so that a wrong file stops the api at start rather than failing every reconnect. */
function mqttCa(env: Env, mqttUrl: string, problems: string[]): Buffer | undefined {
  const name = 'FM_MQTT_CA_FILE'
  const pem = fileContents(env, name, problems)
  if (pem === undefined) return undefined
  try {
    new X509Certificate(pem)
  } catch (error) {
    problems.push(`${name}: not a PEM certificate (${errorText(error)})`)
  }
  // a CA for a broker in the clear would go unused while the operator believes the link is protected
  if (!/^(mqtts|ssl|wss):/.test(mqttUrl)) problems.push(`${name}: set, so FM_MQTT_URL must be mqtts:// or wss://`)
  return pem
}

/** Both files or neither; checked as the HTTPS server will use them, so that a wrong one stops the api at start. */
function tlsFiles(env: Env, problems: string[]): ApiTls | undefined {
  const certSet = Boolean(env.FM_API_TLS_CERT_FILE?.trim())
  const keySet = Boolean(env.FM_API_TLS_KEY_FILE?.trim())
  if (certSet !== keySet) {
    problems.push('FM_API_TLS_CERT_FILE and FM_API_TLS_KEY_FILE: set both for HTTPS, or neither')
    return undefined
  }
  const cert = fileContents(env, 'FM_API_TLS_CERT_FILE', problems)
  const key = fileContents(env, 'FM_API_TLS_KEY_FILE', problems)
  if (cert === undefined || key === undefined) return undefined
  try {
    createSecureContext({ cert, key })
  } catch (error) {
    // OpenSSL's reason never quotes the key
    problems.push(
      `FM_API_TLS_CERT_FILE and FM_API_TLS_KEY_FILE: not a PEM certificate and its key (${errorText(error)})`,
    )
  }
  return { cert, key }
}

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true
  const [address = '', prefix, extra] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || extra !== undefined) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)
}

/**
 * `true`, `false`, or a comma-separated list of the proxies' addresses and CIDRs. Not a hop count: Fastify 5.12
 * ignores one (trusts nobody), as it cannot tell the proxy from a client that reaches the api directly and forges
 * the headers (Fastify's Server reference, `trustProxy`).
 */
function trustProxy(env: Env, problems: string[]): boolean | string[] {
  const name = 'FM_API_TRUST_PROXY'
  const raw = env[name]?.trim() ?? ''
  if (raw === '' || raw.toLowerCase() === 'false') return false
  if (raw.toLowerCase() === 'true') return true
  if (/^\d+$/.test(raw)) {
    problems.push(
      `${name}: a hop count ("${raw}") would believe any client that reaches the api; list the proxy's addresses`,
    )
    return false
  }
  const entries = raw.split(',').map((entry) => entry.trim())
  const wrong = entries.filter((entry) => !isAddressOrCidr(entry))
  if (wrong.length > 0) {
    problems.push(`${name}: true, false, or addresses and CIDRs such as 10.0.0.2,fd00::/8; not ${wrong.join(', ')}`)
    return false
  }
  return entries
}

export function loadConfig(env: Env): Readonly<ApiConfig> {
  const problems: string[] = []
  const broker = mqttUrl(env, 'FM_MQTT_URL', 'mqtt://127.0.0.1:1883', problems)
  const config: ApiConfig = {
    dataDir: folder(env, 'FM_DATA_DIR', 'data'),
    mqttUrl: broker,
    mqttCa: mqttCa(env, broker, problems),
    mqttUsername: text(env, 'FM_API_MQTT_USERNAME', 'svc-api'),
    mqttPassword: secret(env, 'FM_API_MQTT_PASSWORD', problems),
    host: text(env, 'FM_API_HOST', '0.0.0.0'),
    port: port(env, 'FM_API_PORT', 8080, problems),
    tls: tlsFiles(env, problems),
    trustProxy: trustProxy(env, problems),
    dashboardDir: folder(env, 'FM_API_DASHBOARD_DIR', DEFAULT_DASHBOARD_DIR),
    secureCookies: flag(env, 'FM_API_SECURE_COOKIES', false, problems),
    loginAttemptsPerMin: count(env, 'FM_API_LOGIN_ATTEMPTS_PER_MIN', 10, MAX_LOGIN_ATTEMPTS_PER_MIN, problems),
    adminPassword: optionalSecret(env, 'FM_ADMIN_PASSWORD', MIN_ADMIN_PASSWORD_LENGTH, problems),
    seedUsersFile: optionalFile(env, 'FM_API_SEED_USERS'),
    metricsToken: optionalSecret(env, 'FM_API_METRICS_TOKEN', MIN_METRICS_TOKEN_LENGTH, problems),
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze(config)
}
