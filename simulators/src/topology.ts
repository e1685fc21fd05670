/**
 * How the devices of a compound are coupled, read from the manifest's `attributes`: which pumps form a set and which
 * tank feeds it, which jockey pump holds which fire main, which panel feeds which pump or panel. The simulation steps
 * the models in an order that respects these couplings.
 */
import type { DeviceKind, DeviceSpec, SiteManifest } from '@fm/protocol'
import { numberAttribute, stringAttribute } from './devices/device-model.ts'
import { designPressure, FIRE_MAINS, type FireMain } from './devices/fire-water.ts'
import type { BoosterSetParams } from './devices/pump-set.ts'

export interface BoosterSetSpec {
  readonly id: string
  /** Pump ids, the manifest's duty pump first. */
  readonly memberIds: readonly string[]
  readonly tankId: string | null
  readonly params: BoosterSetParams
}

export interface JockeySpec {
  readonly pumpId: string
  readonly fireWaterId: string
  readonly main: FireMain
  readonly startMpa: number
  readonly stopMpa: number
}

export interface FirePumpSpec {
  readonly pumpId: string
  readonly fireWaterId: string
  readonly main: FireMain
  readonly shutoffMpa: number
}

export interface Topology {
  readonly boosterSets: readonly BoosterSetSpec[]
  readonly jockeys: readonly JockeySpec[]
  readonly firePumps: readonly FirePumpSpec[]
  /** Panel id → the panel that feeds it. */
  readonly panelParent: ReadonlyMap<string, string>
  /** Pump id → the panel that feeds it. */
  readonly pumpPanel: ReadonlyMap<string, string>
  /** Panels ordered leaves first, so a parent is stepped after everything it feeds. */
  readonly panelOrder: readonly string[]
  /** References that do not resolve; loadManifest refuses a manifest with any. */
  readonly problems: readonly string[]
}

function isMain(value: string): value is FireMain {
  return (FIRE_MAINS as readonly string[]).includes(value)
}

function boosterSets(pumps: readonly DeviceSpec[]): BoosterSetSpec[] {
  const groups = new Map<string, DeviceSpec[]>()
  for (const pump of pumps) {
    const role = stringAttribute(pump, 'role', 'duty')
    if (role !== 'duty' && role !== 'standby') continue
    const set = stringAttribute(pump, 'set', pump.id)
    groups.set(set, [...(groups.get(set) ?? []), pump])
  }
  return [...groups].map(([id, members]) => {
    const ordered = [...members].sort(
      (a, b) => Number(stringAttribute(b, 'role', '') === 'duty') - Number(stringAttribute(a, 'role', '') === 'duty'),
    )
    const first = ordered[0] as DeviceSpec
    const peakFlowM3h = numberAttribute(first, 'peak_flow_m3h', 30)
    return {
      id,
      memberIds: ordered.map((pump) => pump.id),
      tankId: stringAttribute(first, 'tank', '') || null,
      params: {
        setpointMpa: numberAttribute(first, 'setpoint_mpa', 0.45),
        peakFlowM3h,
        ratedFlowM3h: numberAttribute(first, 'rated_flow_m3h', 1.25 * peakFlowM3h),
        rotateHours: numberAttribute(first, 'rotate_hours', 6),
      },
    }
  })
}

function firePumps(pumps: readonly DeviceSpec[], byId: ReadonlyMap<string, DeviceSpec>) {
  const jockeys: JockeySpec[] = []
  const mains: FirePumpSpec[] = []
  for (const pump of pumps) {
    const role = stringAttribute(pump, 'role', 'duty')
    if (role !== 'jockey' && role !== 'hydrant' && role !== 'sprinkler') continue
    const fireWaterId = stringAttribute(pump, 'fire_water', '')
    const main = stringAttribute(pump, 'main', role === 'jockey' ? 'hydrant' : role)
    const fireWater = byId.get(fireWaterId)
    if (!fireWater || !isMain(main)) continue
    const design = designPressure(fireWater, main) ?? 0.5
    if (role === 'jockey') {
      const startMpa = numberAttribute(pump, 'start_mpa', design - 0.04)
      jockeys.push({
        pumpId: pump.id,
        fireWaterId,
        main,
        startMpa,
        stopMpa: numberAttribute(pump, 'stop_mpa', design + 0.04),
      })
    } else {
      mains.push({ pumpId: pump.id, fireWaterId, main, shutoffMpa: numberAttribute(pump, 'shutoff_mpa', design + 0.4) })
    }
  }
  return { jockeys, mains }
}

function depth(panel: string, parents: ReadonlyMap<string, string>): number {
  let level = 0
  // a cycle is reported as a problem; the guard only keeps this loop finite
  for (let current = parents.get(panel); current !== undefined && level < 16; current = parents.get(current)) level++
  return level
}

function referenceProblems(devices: readonly DeviceSpec[], byId: ReadonlyMap<string, DeviceSpec>): string[] {
  const expected: Record<string, DeviceKind> = {
    tank: 'water-tank',
    panel: 'electrical-panel',
    upstream: 'electrical-panel',
    fire_water: 'fire-water',
  }
  const problems: string[] = []
  for (const device of devices) {
    for (const [attribute, kind] of Object.entries(expected)) {
      const target = stringAttribute(device, attribute, '')
      if (target === '') continue
      if (byId.get(target)?.kind !== kind) problems.push(`${device.id}: ${attribute} "${target}" is not a ${kind}`)
    }
  }
  return problems
}

export function buildTopology(manifest: SiteManifest): Topology {
  const byId = new Map(manifest.devices.map((device) => [device.id, device]))
  const pumps = manifest.devices.filter((device) => device.kind === 'pump')
  const panels = manifest.devices.filter((device) => device.kind === 'electrical-panel')
  const problems = referenceProblems(manifest.devices, byId)
  const panelParent = new Map<string, string>()
  for (const panel of panels) {
    const upstream = stringAttribute(panel, 'upstream', '')
    if (byId.get(upstream)?.kind === 'electrical-panel') panelParent.set(panel.id, upstream)
  }
  const pumpPanel = new Map<string, string>()
  for (const pump of pumps) {
    const panel = stringAttribute(pump, 'panel', '')
    if (byId.get(panel)?.kind === 'electrical-panel') pumpPanel.set(pump.id, panel)
  }
  const depths = new Map(panels.map((panel) => [panel.id, depth(panel.id, panelParent)]))
  for (const [panel, level] of depths) if (level >= 16) problems.push(`${panel}: upstream panels form a cycle`)
  const panelOrder = [...depths].sort(([, a], [, b]) => b - a).map(([id]) => id)
  const { jockeys, mains } = firePumps(pumps, byId)
  return { boosterSets: boosterSets(pumps), jockeys, firePumps: mains, panelParent, pumpPanel, panelOrder, problems }
}
