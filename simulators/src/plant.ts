/**
 * The coupled equipment of a compound: domestic water (tanks and booster sets), fire water (mains, jockey and fire
 * pumps) and the electrical tree feeding the pumps. One step runs, in order: bus voltage and supply states, booster
 * sets (demand), tanks (drawn by the sets), fire mains (restored by jockeys), pumps (driven by their controllers),
 * then panels leaves first (carrying their pumps and downstream panels).
 */
import type { DeviceSpec, SiteManifest, TelemetryValues } from '@fm/protocol'
import type { DeviceTick } from './devices/device-model.ts'
import {
  initialPanel,
  type PanelState,
  panelOutput,
  type Supply,
  stepBusVoltage,
  stepPanel,
} from './devices/electrical-panel.ts'
import type { CompoundEnvironment } from './devices/environment.ts'
import {
  type FireMain,
  type FireWaterState,
  initialFireWater,
  type MainDrive,
  mainPressure,
  stepFireWater,
} from './devices/fire-water.ts'
import {
  initialPump,
  type PumpDrive,
  type PumpState,
  pumpAvailable,
  pumpManuallyRunning,
  STOPPED,
  stepPump,
} from './devices/pump.ts'
import {
  type BoosterSetState,
  initialBoosterSet,
  JOCKEY_DRIVE,
  jockeyShouldRun,
  stepBoosterSet,
} from './devices/pump-set.ts'
import { initialWaterTank, stepWaterTank, suctionPressureMpa, type WaterTankState } from './devices/water-tank.ts'
import { createRandom, deriveSeed, type Random } from './random.ts'
import { type BoosterSetSpec, buildTopology, type Topology } from './topology.ts'

/** A device's model state with its own random stream. */
export interface Slot<S> {
  readonly spec: DeviceSpec
  readonly rand: Random
  state: S
}

export function slotOf<S>(spec: DeviceSpec, rand: Random, initial: (spec: DeviceSpec, rand: Random) => S): Slot<S> {
  return { spec, rand, state: initial(spec, rand) }
}

/** Suction pressure of a set without a tank: straight from the municipal main. */
const MUNICIPAL_PRESSURE_MPA = 0.22
/** Below this tank level the set's low-suction protection (缺水保护) stops every pump, to save them from running dry. */
const DRY_RUN_CUTOUT_PCT = 5

interface BoosterSetSlot {
  readonly spec: BoosterSetSpec
  readonly rand: Random
  state: BoosterSetState
}

export interface Plant {
  readonly topology: Topology
  readonly tanks: Map<string, Slot<WaterTankState>>
  readonly pumps: Map<string, Slot<PumpState>>
  readonly panels: Map<string, Slot<PanelState>>
  readonly fireWaters: Map<string, Slot<FireWaterState>>
  readonly sets: readonly BoosterSetSlot[]
  readonly bus: { readonly rand: Random; voltageV: number }
}

/** How a pump is driven in this step and the pressures around it. */
interface PumpContext {
  readonly drive: PumpDrive
  readonly outletPressureMpa: number
  readonly inletPressureMpa: number
}

export function createPlant(manifest: SiteManifest, seed: number): Plant {
  const topology = buildTopology(manifest)
  const plant: Plant = {
    topology,
    tanks: new Map(),
    pumps: new Map(),
    panels: new Map(),
    fireWaters: new Map(),
    sets: topology.boosterSets.map((spec) => ({
      spec,
      rand: createRandom(deriveSeed(seed, `set/${spec.id}`)),
      state: initialBoosterSet(spec.params, spec.memberIds.length),
    })),
    bus: { rand: createRandom(deriveSeed(seed, 'bus')), voltageV: 398 },
  }
  for (const spec of manifest.devices) {
    const rand = createRandom(deriveSeed(seed, spec.id))
    if (spec.kind === 'water-tank') plant.tanks.set(spec.id, slotOf(spec, rand, initialWaterTank))
    if (spec.kind === 'pump') plant.pumps.set(spec.id, slotOf(spec, rand, initialPump))
    if (spec.kind === 'electrical-panel') plant.panels.set(spec.id, slotOf(spec, rand, initialPanel))
    if (spec.kind === 'fire-water') plant.fireWaters.set(spec.id, slotOf(spec, rand, initialFireWater))
  }
  return plant
}

/** What arrives at each panel, from the breaker and fault states at the start of the step, top down. */
function panelSupplies(plant: Plant): (panelId: string) => Supply {
  const cache = new Map<string, Supply>()
  const supplyOf = (panelId: string, depth = 0): Supply => {
    const cached = cache.get(panelId)
    if (cached) return cached
    const parentId = plant.topology.panelParent.get(panelId)
    const parent = parentId === undefined ? undefined : plant.panels.get(parentId)
    const supply = parent && parentId && depth < 16 ? panelOutput(parent.state, supplyOf(parentId, depth + 1)) : 'ok'
    cache.set(panelId, supply)
    return supply
  }
  return supplyOf
}

function stepBoosterSets(plant: Plant, dtMs: number, env: CompoundEnvironment, supplyOfPump: (id: string) => Supply) {
  const contexts = new Map<string, PumpContext>()
  const outflow = new Map<string, number>()
  for (const set of plant.sets) {
    const members = set.spec.memberIds.map((id) => plant.pumps.get(id)?.state)
    const tank = set.spec.tankId === null ? undefined : plant.tanks.get(set.spec.tankId)
    const suctionMpa = tank ? suctionPressureMpa(tank.state) : MUNICIPAL_PRESSURE_MPA
    const water = !tank || tank.state.levelPct >= DRY_RUN_CUTOUT_PCT
    const statuses = set.spec.memberIds.map((id, index) => {
      const pump = members[index]
      const supply = supplyOfPump(id)
      return {
        available: water && !!pump && pumpAvailable(pump, supply),
        manualRun: water && !!pump && pumpManuallyRunning(pump, supply),
      }
    })
    const result = stepBoosterSet(set.state, dtMs, env, { suctionMpa, members: statuses }, set.rand)
    set.state = result.state
    // a set whose pumps all stand still delivers nothing, whatever the households open
    const delivering = result.drives.some((drive) => drive.run) || statuses.some((status) => status.manualRun)
    const flow = delivering || result.state.outletMpa > suctionMpa + 0.02 ? result.flowM3h : 0
    if (set.spec.tankId) outflow.set(set.spec.tankId, (outflow.get(set.spec.tankId) ?? 0) + flow)
    set.spec.memberIds.forEach((id, index) => {
      const drive = result.drives[index] ?? STOPPED
      contexts.set(id, { drive, outletPressureMpa: result.state.outletMpa, inletPressureMpa: suctionMpa })
    })
  }
  return { contexts, outflow }
}

/** What the jockey and fire pumps of each main fed from this fire-water device are doing (state of the last step). */
function mainDrives(plant: Plant, fireWaterId: string): Partial<Record<FireMain, MainDrive>> {
  const drives: Partial<Record<FireMain, MainDrive>> = {}
  for (const jockey of plant.topology.jockeys) {
    if (jockey.fireWaterId !== fireWaterId) continue
    const running = plant.pumps.get(jockey.pumpId)?.state.running ?? false
    drives[jockey.main] = {
      jockeyRunning: running,
      firePumpShutoffMpa: drives[jockey.main]?.firePumpShutoffMpa ?? null,
    }
  }
  for (const pump of plant.topology.firePumps) {
    if (pump.fireWaterId !== fireWaterId || !plant.pumps.get(pump.pumpId)?.state.running) continue
    drives[pump.main] = {
      jockeyRunning: drives[pump.main]?.jockeyRunning ?? false,
      firePumpShutoffMpa: pump.shutoffMpa,
    }
  }
  return drives
}

function fireContexts(plant: Plant): Map<string, PumpContext> {
  const contexts = new Map<string, PumpContext>()
  const suction = (fireWaterId: string) => {
    const pool = plant.fireWaters.get(fireWaterId)?.state
    return pool ? ((pool.levelPct / 100) * pool.heightM + 0.3) * 0.00981 : 0
  }
  for (const jockey of plant.topology.jockeys) {
    const fireWater = plant.fireWaters.get(jockey.fireWaterId)?.state
    const pressure = fireWater ? (mainPressure(fireWater, jockey.main) ?? 0) : 0
    const running = plant.pumps.get(jockey.pumpId)?.state.running ?? false
    const drive = jockeyShouldRun(running, pressure, jockey.startMpa, jockey.stopMpa) ? JOCKEY_DRIVE : STOPPED
    contexts.set(jockey.pumpId, { drive, outletPressureMpa: pressure, inletPressureMpa: suction(jockey.fireWaterId) })
  }
  for (const pump of plant.topology.firePumps) {
    const fireWater = plant.fireWaters.get(pump.fireWaterId)?.state
    const pressure = fireWater ? (mainPressure(fireWater, pump.main) ?? 0) : 0
    // automatic start of the main fire pumps (on a fire signal or a pressure switch) is not modelled
    contexts.set(pump.pumpId, {
      drive: STOPPED,
      outletPressureMpa: pressure,
      inletPressureMpa: suction(pump.fireWaterId),
    })
  }
  return contexts
}

function record<S>(out: Map<string, DeviceTick>, slot: Slot<S>, result: { state: S; values: TelemetryValues }) {
  slot.state = result.state
  out.set(slot.spec.id, { spec: slot.spec, values: result.values, events: [] })
}

export function stepPlant(plant: Plant, dtMs: number, env: CompoundEnvironment, out: Map<string, DeviceTick>): void {
  const supplyOf = panelSupplies(plant)
  const supplyOfPump = (pumpId: string): Supply => {
    const panelId = plant.topology.pumpPanel.get(pumpId)
    const panel = panelId === undefined ? undefined : plant.panels.get(panelId)
    return panel && panelId ? panelOutput(panel.state, supplyOf(panelId)) : 'ok'
  }
  plant.bus.voltageV = stepBusVoltage(plant.bus.voltageV, env, dtMs, plant.bus.rand)
  const { contexts, outflow } = stepBoosterSets(plant, dtMs, env, supplyOfPump)
  for (const slot of plant.tanks.values()) {
    record(
      out,
      slot,
      stepWaterTank(slot.state, dtMs, { ...env, outflowM3h: outflow.get(slot.spec.id) ?? 0 }, slot.rand),
    )
  }
  for (const slot of plant.fireWaters.values()) {
    record(out, slot, stepFireWater(slot.state, dtMs, { ...env, drives: mainDrives(plant, slot.spec.id) }, slot.rand))
  }
  for (const [id, context] of fireContexts(plant)) contexts.set(id, context)
  const pumpCurrents = new Map<string, number>()
  for (const slot of plant.pumps.values()) {
    const context = contexts.get(slot.spec.id) ?? { drive: STOPPED, outletPressureMpa: 0, inletPressureMpa: 0 }
    const result = stepPump(slot.state, dtMs, { ...env, ...context, supply: supplyOfPump(slot.spec.id) }, slot.rand)
    record(out, slot, result)
    pumpCurrents.set(slot.spec.id, result.values.current_a ?? 0)
  }
  stepPanels(plant, dtMs, env, supplyOf, pumpCurrents, out)
}

function stepPanels(
  plant: Plant,
  dtMs: number,
  env: CompoundEnvironment,
  supplyOf: (panelId: string) => Supply,
  pumpCurrents: ReadonlyMap<string, number>,
  out: Map<string, DeviceTick>,
): void {
  const downstream = new Map<string, number>()
  const feed = (panelId: string | undefined, currentA: number) => {
    if (panelId !== undefined) downstream.set(panelId, (downstream.get(panelId) ?? 0) + currentA)
  }
  for (const [pumpId, currentA] of pumpCurrents) feed(plant.topology.pumpPanel.get(pumpId), currentA)
  for (const panelId of plant.topology.panelOrder) {
    const slot = plant.panels.get(panelId)
    if (!slot) continue
    const panelEnv = {
      ...env,
      supply: supplyOf(panelId),
      busVoltageV: plant.bus.voltageV,
      downstreamA: downstream.get(panelId) ?? 0,
    }
    const result = stepPanel(slot.state, dtMs, panelEnv, slot.rand)
    record(out, slot, result)
    feed(plant.topology.panelParent.get(panelId), result.drawnA)
  }
}
