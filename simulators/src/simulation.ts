/**
 * The compound as one deterministic simulation: every device model of a manifest, stepped together on one clock so
 * that the booster sets and the tank they draw from see the same demand, a jockey pump sees the pressure of its main
 * and a tripped breaker silences everything downstream. No I/O: the runner (compound.ts) publishes what it returns.
 */
import type { DeviceKind, DeviceSpec, SiteManifest, TelemetryValues } from '@fm/protocol'
import type { AnyModelEvent, DeviceTick } from './devices/device-model.ts'
import { type CompoundEnvironment, compoundEnvironment } from './devices/environment.ts'
import { type FaultName, isModelFault } from './devices/faults.ts'
import { type FireAlarmPanelState, initialFireAlarmPanel, stepFireAlarmPanel } from './devices/fire-alarm-panel.ts'
import { commandGate, type GateState, initialGate, stepGate } from './devices/gate.ts'
import {
  initialPatrolCheckpoint,
  type PatrolCheckpointState,
  stepPatrolCheckpoint,
} from './devices/patrol-checkpoint.ts'
import { createFleet, type Vehicle } from './devices/plates.ts'
import { commandPump } from './devices/pump.ts'
import { initialRoomEnvironment, type RoomEnvironmentState, stepRoomEnvironment } from './devices/room-environment.ts'
import { createPlant, type Plant, type Slot, slotOf, stepPlant } from './plant.ts'
import { createRandom, deriveSeed } from './random.ts'

/** Resident vehicles registered at the compound: about one per two or three households. */
const FLEET_SIZE = 600

export type CommandResult = { ok: true } | { ok: false; error: string }

export interface Simulation {
  readonly manifest: SiteManifest
  /** Advances every model to `nowMs` and returns what each device would report. */
  step(nowMs: number): ReadonlyMap<string, DeviceTick>
  /** Gives a device a model fault (see FAULTS); throws for an unknown device or a fault its kind does not have. */
  injectFault(deviceId: string, fault: FaultName): void
  clearFault(deviceId: string): void
  /** A command from the `cmd` topic: gates open and close, pumps start, stop and return to auto. */
  command(deviceId: string, action: string): CommandResult
}

interface Standalone {
  readonly fireAlarms: Map<string, Slot<FireAlarmPanelState>>
  readonly rooms: Map<string, Slot<RoomEnvironmentState>>
  readonly gates: Map<string, Slot<GateState>>
  readonly checkpoints: Map<string, Slot<PatrolCheckpointState>>
}

function createStandalone(devices: readonly DeviceSpec[], seed: number): Standalone {
  const standalone: Standalone = { fireAlarms: new Map(), rooms: new Map(), gates: new Map(), checkpoints: new Map() }
  for (const spec of devices) {
    const rand = createRandom(deriveSeed(seed, spec.id))
    if (spec.kind === 'fire-alarm-panel') standalone.fireAlarms.set(spec.id, slotOf(spec, rand, initialFireAlarmPanel))
    if (spec.kind === 'room-environment') standalone.rooms.set(spec.id, slotOf(spec, rand, initialRoomEnvironment))
    if (spec.kind === 'gate') standalone.gates.set(spec.id, slotOf(spec, rand, initialGate))
    if (spec.kind === 'patrol-checkpoint')
      standalone.checkpoints.set(spec.id, slotOf(spec, rand, initialPatrolCheckpoint))
  }
  return standalone
}

interface SharedContext {
  readonly fleet: readonly Vehicle[]
  readonly patrolSeed: number
}

function stepStandalone(
  standalone: Standalone,
  dtMs: number,
  env: CompoundEnvironment,
  shared: SharedContext,
  out: Map<string, DeviceTick>,
): void {
  const gateEnv = { ...env, fleet: shared.fleet }
  const patrolEnv = { ...env, patrolSeed: shared.patrolSeed }
  for (const slot of standalone.fireAlarms.values())
    record(out, slot, stepFireAlarmPanel(slot.state, dtMs, env, slot.rand))
  for (const slot of standalone.rooms.values()) record(out, slot, stepRoomEnvironment(slot.state, dtMs, env, slot.rand))
  for (const slot of standalone.gates.values()) record(out, slot, stepGate(slot.state, dtMs, gateEnv, slot.rand))
  for (const slot of standalone.checkpoints.values())
    record(out, slot, stepPatrolCheckpoint(slot.state, dtMs, patrolEnv, slot.rand))
}

function record<S>(
  out: Map<string, DeviceTick>,
  slot: Slot<S>,
  result: { state: S; values: TelemetryValues; events: readonly AnyModelEvent[] },
): void {
  slot.state = result.state
  out.set(slot.spec.id, { spec: slot.spec, values: result.values, events: result.events })
}

export function createSimulation(manifest: SiteManifest, seed: number, startMs: number): Simulation {
  const kinds = new Map<string, DeviceKind>(manifest.devices.map((device) => [device.id, device.kind]))
  const plant: Plant = createPlant(manifest, seed)
  const standalone = createStandalone(manifest.devices, seed)
  const shared: SharedContext = {
    fleet: createFleet(createRandom(deriveSeed(seed, 'fleet')), FLEET_SIZE),
    patrolSeed: deriveSeed(seed, 'patrol'),
  }
  let lastMs = startMs

  const setFault = (deviceId: string, fault: FaultName | null): void => {
    const kind = kinds.get(deviceId)
    if (!kind) throw new Error(`unknown device "${deviceId}" in site ${manifest.site.id}`)
    if (fault !== null && !isModelFault(kind, fault)) throw new Error(`a ${kind} has no fault "${fault}"`)
    const slot = slotFor(plant, standalone, deviceId)
    // the check above is what makes this safe: each state's `fault` accepts exactly its kind's model faults
    if (slot) slot.state = { ...slot.state, fault }
  }

  return {
    manifest,
    step(nowMs) {
      const dtMs = Math.max(0, nowMs - lastMs)
      lastMs = Math.max(lastMs, nowMs)
      const env = compoundEnvironment(nowMs, manifest.site.timezone)
      const out = new Map<string, DeviceTick>()
      stepPlant(plant, dtMs, env, out)
      stepStandalone(standalone, dtMs, env, shared, out)
      return out
    },
    injectFault: (deviceId, fault) => setFault(deviceId, fault),
    clearFault: (deviceId) => setFault(deviceId, null),
    command(deviceId, action) {
      if (!kinds.has(deviceId)) return { ok: false, error: `unknown device "${deviceId}"` }
      const pump = plant.pumps.get(deviceId)
      if (pump) return applyCommand(pump, commandPump(pump.state, action))
      const gate = standalone.gates.get(deviceId)
      if (gate) return applyCommand(gate, commandGate(gate.state, action, lastMs))
      return { ok: false, error: 'unsupported action' }
    },
  }
}

function applyCommand<S>(slot: Slot<S>, result: { ok: true; state: S } | { ok: false; error: string }): CommandResult {
  if (!result.ok) return result
  slot.state = result.state
  return { ok: true }
}

/** The slot of a device of any kind, typed loosely for fault injection only. */
function slotFor(plant: Plant, standalone: Standalone, deviceId: string): Slot<{ fault: unknown }> | undefined {
  return (
    plant.tanks.get(deviceId) ??
    plant.pumps.get(deviceId) ??
    plant.panels.get(deviceId) ??
    plant.fireWaters.get(deviceId) ??
    standalone.fireAlarms.get(deviceId) ??
    standalone.rooms.get(deviceId) ??
    standalone.gates.get(deviceId) ??
    standalone.checkpoints.get(deviceId)
  )
}
