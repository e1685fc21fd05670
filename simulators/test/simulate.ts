/** Shared fixtures: the demo compound, a fixed calendar, and a loop that runs a simulation for hours. */
import {
  type DeviceKind,
  type DeviceSpec,
  decodeMessage,
  deviceTopic,
  encodePayload,
  type SiteManifest,
} from '@fm/protocol'
import type { DeviceTick } from '../src/devices/device-model.ts'
import { type CompoundEnvironment, compoundEnvironment } from '../src/devices/environment.ts'
import { DEMO_MANIFEST_PATH, loadManifest } from '../src/manifest.ts'
import type { Simulation } from '../src/simulation.ts'

export const TIME_ZONE = 'Asia/Shanghai'
export const HOUR_MS = 3_600_000
/** Wednesday 10 June 2026, 00:00 in Wuhan. */
export const MIDNIGHT_MS = Date.UTC(2026, 5, 9, 16, 0)

export function at(hour: number): number {
  return MIDNIGHT_MS + hour * HOUR_MS
}

export function envAt(hour: number): CompoundEnvironment {
  return compoundEnvironment(at(hour), TIME_ZONE)
}

export function loadDemo(): Promise<SiteManifest> {
  return loadManifest(DEMO_MANIFEST_PATH)
}

export function spec(kind: DeviceKind, attributes: DeviceSpec['attributes'] = {}, id = `test-${kind}`): DeviceSpec {
  return { id, kind, name: id, attributes }
}

export function deviceOf(manifest: SiteManifest, id: string): DeviceSpec {
  const device = manifest.devices.find((candidate) => candidate.id === id)
  if (!device) throw new Error(`no device ${id} in the demo compound`)
  return device
}

/** Steps a simulation from `fromMs` for `hours`, calling `visit` after every step. */
export function run(
  simulation: Simulation,
  fromMs: number,
  hours: number,
  stepMs: number,
  visit: (nowMs: number, ticks: ReadonlyMap<string, DeviceTick>) => void = () => {},
): ReadonlyMap<string, DeviceTick> {
  let last: ReadonlyMap<string, DeviceTick> = new Map()
  for (let nowMs = fromMs + stepMs; nowMs <= fromMs + hours * HOUR_MS; nowMs += stepMs) {
    last = simulation.step(nowMs)
    visit(nowMs, last)
  }
  return last
}

export function tickOf(ticks: ReadonlyMap<string, DeviceTick>, id: string): DeviceTick {
  const tick = ticks.get(id)
  if (!tick) throw new Error(`no tick for ${id}`)
  return tick
}

/** The values of one device, as a record for field-by-field assertions. */
export function valuesOf(ticks: ReadonlyMap<string, DeviceTick>, id: string): Record<string, unknown> {
  return { ...tickOf(ticks, id).values }
}

/** Decodes telemetry exactly as ingest will: encoded, then parsed and validated against the protocol schema. */
export function decodeTelemetry(siteId: string, tick: DeviceTick, ts: number) {
  const topic = deviceTopic({ siteId, kind: tick.spec.kind, deviceId: tick.spec.id }, 'telemetry')
  return decodeMessage(topic, encodePayload(tick.values, ts), ts)
}

export function decodeEvent(siteId: string, tick: DeviceTick, event: object, receivedAt: number) {
  const topic = deviceTopic({ siteId, kind: tick.spec.kind, deviceId: tick.spec.id }, 'event')
  return decodeMessage(topic, encodePayload(event), receivedAt)
}
