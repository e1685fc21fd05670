/**
 * Ingest configuration from the environment. Every non-secret has a loopback-friendly default so that a laptop
 * starts with no settings; the MQTT password is a secret and has none. All problems are reported at once.
 * The InfluxDB settings use the InfluxDB tools' own variables (INFLUX_URL, …; see `loadInfluxConfig` in @fm/store):
 * none set means the embedded time series.
 */
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { InfluxConfigError, loadInfluxConfig } from '@fm/store'

type InfluxConfig = NonNullable<ReturnType<typeof loadInfluxConfig>>

const MIB = 1024 * 1024

export interface IngestConfig {
  /** Folder of the embedded stores (`FM_DATA_DIR`). */
  readonly dataDir: string
  /** Broker URL: mqtt://, mqtts://, ws:// or wss:// (`FM_MQTT_URL`). */
  readonly mqttUrl: string
  /**
   * The CA that signed the broker's certificate, PEM (`FM_MQTT_CA_FILE`): a compound's own CA, which the system's
   * trusted CAs do not include. Absent: those are used.
   */
  readonly mqttCa?: Buffer
  readonly mqttUsername: string
  /** Secret: never log it. */
  readonly mqttPassword: string
  /** Fixed, because the broker keeps ingest's persistent session (and its queued messages) under this id. */
  readonly clientId: string
  /** Longest a reading waits in memory before it is written. */
  readonly flushIntervalMs: number
  /** Largest batch handed to a store in one call; a queue this long is flushed at once. */
  readonly maxBatch: number
  /** How often the retained ingest status is published. */
  readonly statusIntervalMs: number
  /** How often the whole device registry is read again, so that revocations and kind or site changes are seen. */
  readonly registryReloadMs: number
  /**
   * Size limit of the spool of readings kept while the time series is unreachable (`FM_INGEST_SPOOL_MAX_MB`, bytes).
   * Health warns from 80 %; at 100 % ingest stops acknowledging readings and the broker keeps them.
   */
  readonly spoolMaxBytes: number
  /**
   * How long a device that went silent waits for the rest of its gateway or room before its own comms-loss alarm
   * (`FM_INGEST_COMMS_SETTLE_MS`): long enough for every device behind a failed gateway to be found silent too, so
   * that one group alarm is raised instead of one per device.
   */
  readonly commsSettleMs: number
  /** The InfluxDB 2.x time series, when INFLUX_URL and its companions are set; otherwise the embedded one. */
  readonly influx?: InfluxConfig
}

export class ConfigError extends Error {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`invalid ingest configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

type Env = Readonly<Record<string, string | undefined>>

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:']
// MQTT 3.1.1 [MQTT-3.1.3-5] only obliges brokers to accept 1–23 characters of [0-9a-zA-Z]; we allow the common
// superset that Aedes and Mosquitto accept, and keep it printable so that it is readable in broker logs.
const CLIENT_ID_RE = /^[A-Za-z0-9_.-]{1,128}$/

function text(env: Env, name: string, fallback: string | undefined, problems: string[]): string {
  const value = env[name]?.trim()
  if (value) return value
  if (fallback === undefined) problems.push(`${name} is required`)
  return fallback ?? ''
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
    return fallback
  }
  return value
}

function checkUrl(name: string, value: string, problems: string[]): void {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.push(`${name} is not a URL: "${value}"`)
    return
  }
  if (!MQTT_PROTOCOLS.includes(url.protocol)) {
    problems.push(`${name} must use one of ${MQTT_PROTOCOLS.join(' ')}, got "${url.protocol}"`)
  }
  // Credentials belong in their own variables: a URL is printed in logs, a password must not be.
  if (url.username || url.password) problems.push(`${name} must not carry credentials; use FM_INGEST_MQTT_*`)
}

/** The broker's CA, read and parsed now, so that a wrong file stops ingest at start and not at every reconnect. */
function mqttCa(env: Env, mqttUrl: string, problems: string[]): Buffer | undefined {
  const name = 'FM_MQTT_CA_FILE'
  const file = env[name]?.trim()
  if (!file) return undefined
  let pem: Buffer
  try {
    pem = readFileSync(file)
    new X509Certificate(pem)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    problems.push(`${name}: cannot read a PEM certificate from "${file}" (${reason})`)
    return undefined
  }
  // a CA given for a connection in the clear would be silently unused: the operator believes the link is protected
  if (!/^(mqtts|wss):/.test(mqttUrl)) problems.push(`${name} is set, so FM_MQTT_URL must be mqtts:// or wss://`)
  return pem
}

function influxConfig(env: Env, problems: string[]): InfluxConfig | undefined {
  try {
    return loadInfluxConfig(env)
  } catch (error) {
    if (!(error instanceof InfluxConfigError)) throw error
    problems.push(...error.problems)
    return undefined
  }
}

/** Reads and validates the configuration. Throws a `ConfigError` listing every problem. */
export function loadConfig(env: Env): IngestConfig {
  const problems: string[] = []
  const influx = influxConfig(env, problems)
  const mqttUrl = text(env, 'FM_MQTT_URL', 'mqtt://127.0.0.1:1883', problems)
  const ca = mqttCa(env, mqttUrl, problems)
  const config: IngestConfig = {
    dataDir: text(env, 'FM_DATA_DIR', 'data', problems),
    mqttUrl,
    ...(ca ? { mqttCa: ca } : {}),
    mqttUsername: text(env, 'FM_INGEST_MQTT_USERNAME', 'svc-ingest', problems),
    mqttPassword: env.FM_INGEST_MQTT_PASSWORD ?? '',
    clientId: text(env, 'FM_INGEST_CLIENT_ID', 'svc-ingest', problems),
    flushIntervalMs: integer(env, 'FM_INGEST_FLUSH_INTERVAL_MS', 10, 5, 60_000, problems),
    maxBatch: integer(env, 'FM_INGEST_MAX_BATCH', 1000, 1, 100_000, problems),
    statusIntervalMs: integer(env, 'FM_INGEST_STATUS_INTERVAL_MS', 2000, 100, 3_600_000, problems),
    registryReloadMs: integer(env, 'FM_INGEST_REGISTRY_RELOAD_MS', 30_000, 100, 3_600_000, problems),
    spoolMaxBytes: integer(env, 'FM_INGEST_SPOOL_MAX_MB', 512, 1, 1_048_576, problems) * MIB,
    commsSettleMs: integer(env, 'FM_INGEST_COMMS_SETTLE_MS', 30_000, 0, 3_600_000, problems),
    ...(influx ? { influx } : {}),
  }
  // The password is taken verbatim (no trim): leading or trailing spaces may be part of it.
  if (config.mqttPassword === '') problems.push('FM_INGEST_MQTT_PASSWORD is required')
  checkUrl('FM_MQTT_URL', config.mqttUrl, problems)
  if (!CLIENT_ID_RE.test(config.clientId)) {
    problems.push(`FM_INGEST_CLIENT_ID must be 1–128 characters of A–Z a–z 0–9 _ . -, got "${config.clientId}"`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze(config)
}
