/**
 * Runs a compound against a broker: one simulation clock for every model, one MQTT client per device. Each tick
 * steps the simulation, sends the events that happened and the telemetry that is due; faults are injected and cleared
 * while it runs.
 */
import type { DeviceSpec, SiteManifest } from '@fm/protocol'
import type { Logger } from 'pino'
import { createDeviceClient, type DeviceClient } from './device-client.ts'
import type { DeviceTick } from './devices/device-model.ts'
import { FAULTS, type FaultName, faultsFor } from './devices/faults.ts'
import { createSimulation, type Simulation } from './simulation.ts'

/** The simulation clock: fine enough for barrier arms and jockey pumps, cheap enough for a laptop (≈0.5 ms a tick). */
export const SIM_TICK_MS = 1000
const DEFAULT_REPORT_INTERVAL_SEC = 5

export interface StartCompoundOptions {
  readonly mqttUrl: string
  /** The CA that signed the broker's certificate, for mqtts:// and wss://; the system's CAs when absent. */
  readonly mqttCa?: Buffer
  readonly manifest: SiteManifest
  readonly seed: number
  /** Overrides every device's report interval (the manifest's `report_interval_sec`). */
  readonly intervalMs?: number
  readonly logger: Logger
  /** The simulation's clock, epoch ms; `Date.now` by default. */
  readonly now?: () => number
}

export interface RunningCompound {
  devices(): string[]
  /** Gives a device a fault from FAULTS, replacing any it has; throws for an unknown device or an unfit fault. */
  injectFault(deviceId: string, fault: FaultName): void
  clearFault(deviceId: string): void
  /** Stops the clock, then every device publishes its offline status and disconnects. */
  stop(): Promise<void>
  /** Telemetry and event messages published so far. */
  published(): number
}

interface RunningDevice {
  readonly spec: DeviceSpec
  readonly client: DeviceClient
  readonly intervalMs: number
  nextReportMs: number
  latest: DeviceTick | undefined
  /** The discrete states last published (see `discreteState`). */
  sentState: string | undefined
  fault: FaultName | null
}

/**
 * What a real transmitter reports at once when it changes, between its periodic reports: on/off and enum states
 * (a pump tripping, a barrier stuck, water on the floor) and the fire panel's point counts, as GB/T 26875.3
 * transmitters and PLCs send a change of state. Analog values wait for the next report.
 */
function discreteState(values: DeviceTick['values']): string {
  return JSON.stringify(
    Object.entries(values).filter(([key, value]) => typeof value !== 'number' || key.endsWith('_points')),
  )
}

function reportIntervalMs(spec: DeviceSpec, override: number | undefined): number {
  return override ?? (spec.report_interval_sec ?? DEFAULT_REPORT_INTERVAL_SEC) * 1000
}

function publishTick(device: RunningDevice, tick: DeviceTick, nowMs: number): void {
  device.latest = tick
  for (const event of tick.events) device.client.publishEvent(event)
  const state = discreteState(tick.values)
  // the first tick is the baseline: what the device would have sent at power-up
  device.sentState ??= state
  if (nowMs < device.nextReportMs && state === device.sentState) return
  device.sentState = state
  device.client.publishTelemetry(tick.values, nowMs)
  // stay on the device's own cadence, but never try to catch up on reports missed while the process was stalled
  device.nextReportMs = Math.max(device.nextReportMs + device.intervalMs, nowMs + device.intervalMs / 2)
}

function startDevice(spec: DeviceSpec, options: StartCompoundOptions, simulation: Simulation, now: () => number) {
  const intervalMs = reportIntervalMs(spec, options.intervalMs)
  const device: RunningDevice = {
    spec,
    intervalMs,
    nextReportMs: now() + intervalMs,
    latest: undefined,
    sentState: undefined,
    fault: null,
    client: createDeviceClient({
      mqttUrl: options.mqttUrl,
      mqttCa: options.mqttCa,
      siteId: options.manifest.site.id,
      deviceId: spec.id,
      kind: spec.kind,
      password: spec.password,
      reportIntervalSec: Math.max(1, Math.round(intervalMs / 1000)),
      logger: options.logger,
      now,
      onCommand: (command) => simulation.command(spec.id, command.action),
      onConnect: () => {
        if (device.latest) device.client.publishTelemetry(device.latest.values, now())
        device.nextReportMs = now() + intervalMs
      },
    }),
  }
  return device
}

/** Injecting and clearing faults: model faults go to the simulation, transport faults to the device's client. */
function faultControl(devices: ReadonlyMap<string, RunningDevice>, simulation: Simulation, logger: Logger) {
  const deviceOf = (deviceId: string): RunningDevice => {
    const device = devices.get(deviceId)
    if (!device) throw new Error(`unknown device "${deviceId}" in site ${simulation.manifest.site.id}`)
    return device
  }
  const clear = (device: RunningDevice): void => {
    if (device.fault === null) return
    if (FAULTS[device.fault].layer === 'model') simulation.clearFault(device.spec.id)
    device.client.setSilent(false)
    device.client.reconnect()
    logger.info({ device: device.spec.id, fault: device.fault }, 'fault cleared')
    device.fault = null
  }
  const inject = (deviceId: string, fault: FaultName): void => {
    const device = deviceOf(deviceId)
    if (!faultsFor(device.spec.kind).includes(fault)) throw new Error(`a ${device.spec.kind} has no fault "${fault}"`)
    clear(device)
    if (fault === 'silent') device.client.setSilent(true)
    else if (fault === 'offline') device.client.dropConnection()
    else simulation.injectFault(deviceId, fault)
    device.fault = fault
    logger.info({ device: deviceId, fault, effect: FAULTS[fault].effect }, 'fault injected')
  }
  return { inject, clear: (deviceId: string) => clear(deviceOf(deviceId)) }
}

/** One tick of the shared clock: step every model, then let each device publish what is due. */
function ticker(
  devices: ReadonlyMap<string, RunningDevice>,
  simulation: Simulation,
  now: () => number,
  logger: Logger,
) {
  return (): void => {
    const nowMs = now()
    try {
      for (const [id, deviceTick] of simulation.step(nowMs)) {
        const device = devices.get(id)
        if (device) publishTick(device, deviceTick, nowMs)
      }
    } catch (error) {
      // a model bug must not take the other devices down with it; it is logged on every tick until fixed
      logger.error({ err: error }, 'simulation step failed')
    }
  }
}

async function awaitFirstAttempts(devices: ReadonlyMap<string, RunningDevice>, options: StartCompoundOptions) {
  const attempts = await Promise.all([...devices.values()].map((device) => device.client.firstAttempt))
  const connected = attempts.filter(Boolean).length
  const summary = { site: options.manifest.site.id, url: options.mqttUrl, connected, devices: devices.size }
  if (connected === devices.size) options.logger.info(summary, 'compound running')
  else options.logger.warn(summary, 'compound running; some devices could not connect yet and keep retrying')
}

/**
 * Starts every device of the manifest and the shared clock. Resolves once every device has had its first connection
 * attempt; devices that could not connect keep retrying in the background.
 */
export async function startCompound(options: StartCompoundOptions): Promise<RunningCompound> {
  const now = options.now ?? Date.now
  const simulation = createSimulation(options.manifest, options.seed, now())
  const devices = new Map(
    options.manifest.devices.map((spec) => [spec.id, startDevice(spec, options, simulation, now)]),
  )
  const tick = ticker(devices, simulation, now, options.logger)
  tick()
  const timer = setInterval(tick, Math.min(SIM_TICK_MS, options.intervalMs ?? SIM_TICK_MS))
  await awaitFirstAttempts(devices, options)
  const faults = faultControl(devices, simulation, options.logger)
  let stopping: Promise<void> | undefined
  return {
    devices: () => [...devices.keys()],
    injectFault: faults.inject,
    clearFault: faults.clear,
    stop() {
      stopping ??= (async () => {
        clearInterval(timer)
        await Promise.all([...devices.values()].map((device) => device.client.close()))
        options.logger.info({ site: options.manifest.site.id }, 'compound stopped')
      })()
      return stopping
    },
    published: () => [...devices.values()].reduce((sum, device) => sum + device.client.published(), 0),
  }
}
