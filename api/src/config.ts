/**
 * The api's configuration, read from the environment once at boot. Every setting but the secrets (the MQTT
 * password, the first admin's password) has a loopback-friendly default; `loadConfig` reports every problem at once and returns a frozen object.
 */
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ERRORS } from './errors.ts'

export interface ApiConfig {
  /** Folder of the embedded stores (SQLite files). */
  dataDir: string
  mqttUrl: string
  mqttUsername: string
  mqttPassword: string
  host: string
  port: number
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

export type Env = Readonly<Record<string, string | undefined>>

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']
/** The generated one has 144 bits; a chosen one must at least not be trivially short. */
export const MIN_ADMIN_PASSWORD_LENGTH = 10
/** A scrape token is a shared secret in a Prometheus config file: long and random, never a word. */
export const MIN_METRICS_TOKEN_LENGTH = 32
const MAX_LOGIN_ATTEMPTS_PER_MIN = 10_000
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

export function loadConfig(env: Env): Readonly<ApiConfig> {
  const problems: string[] = []
  const config: ApiConfig = {
    dataDir: folder(env, 'FM_DATA_DIR', 'data'),
    mqttUrl: mqttUrl(env, 'FM_MQTT_URL', 'mqtt://127.0.0.1:1883', problems),
    mqttUsername: text(env, 'FM_API_MQTT_USERNAME', 'svc-api'),
    mqttPassword: secret(env, 'FM_API_MQTT_PASSWORD', problems),
    host: text(env, 'FM_API_HOST', '0.0.0.0'),
    port: port(env, 'FM_API_PORT', 8080, problems),
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
