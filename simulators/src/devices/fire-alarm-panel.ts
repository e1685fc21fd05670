/**
 * Fire alarm control panel (火灾报警控制器) as seen through its user-information transmitter (GB/T 26875.3): system
 * state plus counts of points per component state, and a `point` event whenever a point changes state. A healthy
 * panel is quiet: auto mode, mains and battery OK, nothing in fire or fault, perhaps one point isolated (屏蔽).
 *
 * The `fire` fault plays a real sequence: one smoke detector, then a second one in the same zone (the "double knock"
 * that confirms a fire), then, since the panel is in auto, the linkage modules start and report feedback.
 */
import type { DeviceSpec, FirePointState } from '@fm/protocol'
import { pick, type Random } from '../random.ts'
import { type ModelEvent, numberAttribute, type StepResult, stringAttribute } from './device-model.ts'
import type { CompoundEnvironment } from './environment.ts'
import type { ModelFault } from './faults.ts'

/** GB/T 26875.3 component status bits: bit 0 is "running normally" (0 = test), then fire, fault, … */
const STATUS_BITS: Record<FirePointState, number> = {
  normal: 1,
  fire: 1 << 1,
  fault: 1 << 2,
  isolated: 1 << 3,
  supervisory: 1 << 4,
  started: 1 << 5,
  feedback: 1 << 6,
  delay: 1 << 7,
  power_fault: 1 << 8,
  test: 0,
}

/** Seconds after the first detector: second detector, linkage start, linkage feedback. */
const SECOND_DETECTOR_SEC = 25
const LINKAGE_START_SEC = 30
const LINKAGE_FEEDBACK_SEC = 36
const LINKAGE_MODULES = ['声光警报器', '消防广播', '排烟风机', '正压送风机'] as const

export interface PointAddress {
  readonly loop: number
  readonly point: number
  readonly zone: string
  readonly description: string
}

export interface ActivePoint extends PointAddress {
  readonly states: readonly FirePointState[]
}

export interface FireAlarmPanelState {
  readonly pointsTotal: number
  readonly loops: number
  readonly zones: readonly [PanelZone, ...PanelZone[]]
  readonly isolatedPoints: number
  readonly active: readonly ActivePoint[]
  /** The scenario being played (follows `fault` one step later, so that ending one scenario emits its events). */
  readonly scenario: ModelFault<'fire-alarm-panel'> | null
  readonly scenarioSec: number
  readonly fault: ModelFault<'fire-alarm-panel'> | null
}

/** A zone of the panel: `1栋:18` is building 1 with 18 floors, `地下车库` a zone without floors. */
export interface PanelZone {
  readonly name: string
  readonly floors: number | null
}

function parseZones(text: string): PanelZone[] {
  return text
    .split('|')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const [name = entry, floors] = entry.split(':')
      const count = Number(floors)
      return { name, floors: Number.isInteger(count) && count > 0 ? count : null }
    })
}

export function initialFireAlarmPanel(spec: DeviceSpec, _rand: Random): FireAlarmPanelState {
  const zones = parseZones(stringAttribute(spec, 'loop_zones', ''))
  return {
    pointsTotal: Math.round(numberAttribute(spec, 'points_total', 400)),
    loops: Math.max(1, Math.round(numberAttribute(spec, 'loops', zones.length))),
    zones: [zones[0] ?? { name: '1号楼', floors: null }, ...zones.slice(1)],
    isolatedPoints: Math.round(numberAttribute(spec, 'isolated_points', 1)),
    active: [],
    scenario: null,
    scenarioSec: 0,
    fault: null,
  }
}

function pickDetector(state: FireAlarmPanelState, rand: Random): PointAddress {
  const loop = 1 + Math.floor(rand() * state.loops)
  const perLoop = Math.ceil(state.pointsTotal / state.loops)
  const zone = state.zones[(loop - 1) % state.zones.length] ?? state.zones[0]
  const point = 1 + Math.floor(rand() * (perLoop - LINKAGE_MODULES.length - 1))
  if (zone.floors === null) return { loop, point, zone: zone.name, description: `感烟探测器 ${zone.name}` }
  const floor = 1 + Math.floor(rand() * zone.floors)
  const place = pick(rand, ['电梯前室', '走道', '楼梯间前室', '设备间'])
  return { loop, point, zone: `${zone.name} ${floor}层`, description: `感烟探测器 ${floor}层${place}` }
}

function pointEvent(point: ActivePoint, ts: number): ModelEvent<'fire-alarm-panel'> {
  const bits = point.states.reduce((sum, s) => sum | STATUS_BITS[s], STATUS_BITS.normal)
  const { loop, zone, description } = point
  return {
    type: 'point',
    ts,
    loop,
    point: point.point,
    zone,
    description,
    states: [...point.states],
    status_bits: bits,
  }
}

/** The points that change at `second` of a fire: a second detector next to the first, then the linkage modules. */
function fireStep(state: FireAlarmPanelState, fromSec: number, toSec: number): ActivePoint[] {
  const first = state.active[0]
  if (!first) return []
  const crossed = (at: number) => fromSec < at && toSec >= at
  const modules = LINKAGE_MODULES.map((description, index) => ({
    loop: first.loop,
    point: Math.ceil(state.pointsTotal / state.loops) - index,
    zone: first.zone,
    description: `${description} 联动模块`,
  }))
  const changed: ActivePoint[] = []
  if (crossed(SECOND_DETECTOR_SEC)) changed.push({ ...first, point: first.point + 1, states: ['fire'] })
  if (crossed(LINKAGE_START_SEC)) changed.push(...modules.map((m) => ({ ...m, states: ['started'] as const })))
  if (crossed(LINKAGE_FEEDBACK_SEC))
    changed.push(...modules.map((m) => ({ ...m, states: ['started', 'feedback'] as const })))
  return changed
}

function merge(active: readonly ActivePoint[], changed: readonly ActivePoint[]): ActivePoint[] {
  const key = (p: PointAddress) => `${p.loop}/${p.point}`
  const byKey = new Map(active.map((p) => [key(p), p]))
  for (const point of changed) byKey.set(key(point), point)
  return [...byKey.values()]
}

function endScenario(state: FireAlarmPanelState, ts: number): ModelEvent<'fire-alarm-panel'>[] {
  const events = state.active.map((point) => pointEvent({ ...point, states: ['normal'] }, ts))
  // a fire is only over when the operator resets the panel (复位); a point fault clears by itself once repaired
  if (state.scenario === 'fire') events.push({ type: 'reset', ts, operator: '消防控制室值班员' })
  return events
}

function startScenario(fault: ModelFault<'fire-alarm-panel'>, state: FireAlarmPanelState, rand: Random): ActivePoint {
  const detector = pickDetector(state, rand)
  if (fault === 'fire') return { ...detector, states: ['fire'] }
  return { ...detector, description: detector.description.replace('感烟探测器', '感烟探测器故障'), states: ['fault'] }
}

export function stepFireAlarmPanel(
  state: FireAlarmPanelState,
  dtMs: number,
  env: CompoundEnvironment,
  rand: Random,
): StepResult<'fire-alarm-panel', FireAlarmPanelState> {
  const events: ModelEvent<'fire-alarm-panel'>[] = []
  let next = state
  if (state.fault !== state.scenario) {
    events.push(...endScenario(state, env.nowMs))
    next = { ...state, active: [], scenario: state.fault, scenarioSec: 0 }
    if (state.fault !== null) next = { ...next, active: [startScenario(state.fault, state, rand)] }
    events.push(...next.active.map((point) => pointEvent(point, env.nowMs)))
  } else if (state.scenario === 'fire') {
    const scenarioSec = state.scenarioSec + dtMs / 1000
    const changed = fireStep(state, state.scenarioSec, scenarioSec)
    events.push(...changed.map((point) => pointEvent(point, env.nowMs)))
    next = { ...state, scenarioSec, active: merge(state.active, changed) }
  }
  return { state: next, values: readValues(next), events }
}

function countIn(active: readonly ActivePoint[], pointState: FirePointState): number {
  return active.filter((point) => point.states.includes(pointState)).length
}

function readValues(state: FireAlarmPanelState): StepResult<'fire-alarm-panel', FireAlarmPanelState>['values'] {
  return {
    mode: 'auto',
    mains_power_ok: true,
    backup_power_ok: true,
    points_total: state.pointsTotal,
    fire_points: countIn(state.active, 'fire'),
    fault_points: countIn(state.active, 'fault'),
    isolated_points: state.isolatedPoints,
    supervisory_points: 0,
    started_points: countIn(state.active, 'started'),
    feedback_points: countIn(state.active, 'feedback'),
    power_fault_points: 0,
  }
}
