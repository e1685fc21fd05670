/**
 * Configuration of the simulator process, from the environment. Every variable has a laptop-friendly default; every
 * error is collected and reported at once, before anything connects.
 *
 * | variable             | default                          | meaning                                             |
 * |----------------------|----------------------------------|-----------------------------------------------------|
 * | `FM_MQTT_URL`        | `mqtt://127.0.0.1:1883`          | broker URL (mqtt, mqtts, ws, wss)                   |
 * | `FM_MQTT_CA_FILE`    | the system's CAs                 | PEM CA of the broker's certificate, for mqtts/wss   |
 * | `FM_SIM_MANIFEST`    | the demo compound (翠湖花园)     | site manifest to simulate                           |
 * | `FM_SIM_SEED`        | `1`                              | seed of every random stream: same seed, same run    |
 * | `FM_SIM_INTERVAL_MS` | each device's `report_interval_sec` | report interval of every device, ms              |
 * | `FM_SIM_FAULTS`      | none                             | faults at start, e.g. `pump-fire-1:trip,tank-1:low-low` |
 */
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isValidId, type SiteManifest } from '@fm/protocol'
import { FAULT_NAMES, type FaultName, faultsFor, isFaultName } from './devices/faults.ts'
import { DEMO_MANIFEST_PATH } from './manifest.ts'

export const DEFAULT_MQTT_URL = 'mqtt://127.0.0.1:1883'
const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:']
const MIN_INTERVAL_MS = 100
const MAX_INTERVAL_MS = 86_400_000

export interface FaultAssignment {
  readonly deviceId: string
  readonly fault: FaultName
}

export interface Config {
  readonly mqttUrl: string
  /** The CA that signed the broker's certificate (a compound's own), PEM; undefined: the system's CAs. */
  readonly mqttCa: Buffer | undefined
  readonly manifestPath: string
  readonly seed: number
  readonly intervalMs: number | undefined
  readonly faults: readonly FaultAssignment[]
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

function parseUrl(text: string): Parsed<string> {
  if (!URL.canParse(text)) return { ok: false, error: `FM_MQTT_URL: "${text}" is not a URL` }
  const { protocol } = new URL(text)
  if (!MQTT_PROTOCOLS.includes(protocol))
    return { ok: false, error: `FM_MQTT_URL: protocol must be one of ${MQTT_PROTOCOLS.join(' ')}, got "${protocol}"` }
  return { ok: true, value: text }
}

/** Reads the CA now, so that a wrong file is reported with the other errors rather than on every device's connect. */
function parseCaFile(file: string, mqttUrl: string): Parsed<Buffer> {
  let pem: Buffer
  try {
    pem = readFileSync(file)
    new X509Certificate(pem)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    return { ok: false, error: `FM_MQTT_CA_FILE: cannot read a PEM certificate from "${file}" (${reason})` }
  }
  // with a broker in the clear the CA would go unused while the operator believes the link is protected
  if (!/^(mqtts|wss):/.test(mqttUrl))
    return { ok: false, error: 'FM_MQTT_CA_FILE is set, so FM_MQTT_URL must be mqtts:// or wss://' }
  return { ok: true, value: pem }
}

function parseInteger(name: string, text: string, min: number, max: number): Parsed<number> {
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
    return { ok: false, error: `${name}: expected an integer from ${min} to ${max}, got "${text}"` }
  return { ok: true, value }
}

/** Parses `device:fault,device:fault`; every bad entry is reported. */
export function parseFaults(text: string): { faults: FaultAssignment[]; errors: string[] } {
  const faults: FaultAssignment[] = []
  const errors: string[] = []
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue
    const parts = entry.split(':').map((part) => part.trim())
    const [deviceId = '', fault = ''] = parts
    if (parts.length !== 2 || !isValidId(deviceId)) errors.push(`FM_SIM_FAULTS: "${entry}" is not <device id>:<fault>`)
    else if (!isFaultName(fault))
      errors.push(`FM_SIM_FAULTS: unknown fault "${fault}" in "${entry}" (one of ${FAULT_NAMES.join(', ')})`)
    else faults.push({ deviceId, fault })
  }
  return { faults, errors }
}

/** Reads the configuration; throws one Error listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const errors: string[] = []
  const take = <T>(parsed: Parsed<T>, fallback: T): T => {
    if (parsed.ok) return parsed.value
    errors.push(parsed.error)
    return fallback
  }
  const mqttUrl = take(parseUrl(env.FM_MQTT_URL ?? DEFAULT_MQTT_URL), DEFAULT_MQTT_URL)
  const caFile = env.FM_MQTT_CA_FILE?.trim()
  const mqttCa = caFile ? take(parseCaFile(caFile, mqttUrl), undefined) : undefined
  const seed = take(parseInteger('FM_SIM_SEED', env.FM_SIM_SEED ?? '1', 0, 4_294_967_295), 1)
  const interval = env.FM_SIM_INTERVAL_MS
  const intervalMs =
    interval === undefined || interval === ''
      ? undefined
      : take(parseInteger('FM_SIM_INTERVAL_MS', interval, MIN_INTERVAL_MS, MAX_INTERVAL_MS), undefined)
  const { faults, errors: faultErrors } = parseFaults(env.FM_SIM_FAULTS ?? '')
  errors.push(...faultErrors)
  const manifestPath = env.FM_SIM_MANIFEST?.trim() || DEMO_MANIFEST_PATH
  if (errors.length > 0) throw new Error(`invalid simulator configuration:\n  ${errors.join('\n  ')}`)
  return Object.freeze({ mqttUrl, mqttCa, manifestPath, seed, intervalMs, faults: Object.freeze(faults) })
}

/** Faults that do not fit the manifest: an unknown device, or a fault its kind does not have. */
export function faultAssignmentErrors(manifest: SiteManifest, faults: readonly FaultAssignment[]): string[] {
  const kinds = new Map(manifest.devices.map((device) => [device.id, device.kind]))
  return faults.flatMap(({ deviceId, fault }) => {
    const kind = kinds.get(deviceId)
    if (!kind) return [`FM_SIM_FAULTS: no device "${deviceId}" in site ${manifest.site.id}`]
    if (!faultsFor(kind).includes(fault)) return [`FM_SIM_FAULTS: a ${kind} has no fault "${fault}" (${deviceId})`]
    return []
  })
}
