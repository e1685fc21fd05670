/**
 * The maintenance KPIs: a fixed month whose figures are worked out by hand below, a generated month checked against
 * straightforward reference loops over what the generator did (not over the clocks), the edge cases, the breakdowns
 * and the CSV export. Work orders are built as the store keeps them, their clocks computed by `slaClocks`.
 */
import {
  type AlarmPriority,
  type AlarmView,
  defaultSlaTargets,
  type HoldReason,
  type KpiRate,
  type MaintenanceKpis,
  type SlaStep,
  slaClocks,
  WORK_ORDER_ACTIONS,
  type WorkOrderActionName,
  type WorkOrderCategory,
  type WorkOrderEvent,
  type WorkOrderOrigin,
  type WorkOrderView,
} from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import {
  computeMaintenanceKpis,
  type KpiDevice,
  type KpiPlan,
  type MaintenanceKpiInput,
  maintenanceKpisBy,
  maintenanceKpisCsv,
  pmGraceMs,
  reworkRate,
} from '../src/maintenance-kpis.ts'

const SITE = 'xingfuli'
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** November 2026 in Asia/Shanghai (month-range.test.ts): 1 November 00:00 +08:00 to 1 December 00:00 +08:00. */
const FROM = Date.UTC(2026, 9, 31, 16)
const TO = FROM + 30 * DAY
/** `n` days, `h` hours and `m` minutes after the start of November, Shanghai time. */
const day = (n: number, h = 0, m = 0) => FROM + n * DAY + h * HOUR + m * MIN

// ---- building work orders as the store keeps them ----------------------------------------------------------------

const act = (at: number, action: WorkOrderActionName, holdReason?: HoldReason): SlaStep => ({
  at,
  to: WORK_ORDER_ACTIONS[action].to,
  action,
  ...(holdReason ? { holdReason } : {}),
})

/** Dispatched 30 s after `createdAt`, accepted after `acceptMin` and on site after `arriveMin` minutes. */
const onSite = (createdAt: number, acceptMin = 15, arriveMin = 30): SlaStep[] => [
  act(createdAt + MIN / 2, 'assign'),
  act(createdAt + acceptMin * MIN, 'accept'),
  act(createdAt + arriveMin * MIN, 'arrive'),
]

interface Story {
  id: number
  createdAt: number
  steps: SlaStep[]
  origin?: WorkOrderOrigin
  category?: WorkOrderCategory
  priority?: AlarmPriority
  deviceId?: string
  buildingId?: string
  /** username; the display name is derived */
  assignee?: string
  pmPlanId?: number
}

interface Built {
  order: WorkOrderView
  timeline: WorkOrderEvent[]
}

/** The work order after its steps up to `now`: a reopen clears the resolution and verification, as the store does. */
function build(story: Story, now: number): Built {
  const steps = story.steps.filter((step) => step.at <= now).sort((a, b) => a.at - b.at)
  const { id, createdAt, origin = 'request', category = 'doors-hardware', priority = 'P2' } = story
  const last = (action: WorkOrderActionName) => steps.findLast((step) => step.action === action)?.at
  const reopened = last('reopen')
  const resolvedAt = last('resolve')
  const verifiedAt = last('verify')
  const state = steps.at(-1)?.to ?? 'new'
  const hold = steps.at(-1)?.holdReason
  const order: WorkOrderView = {
    id,
    number: `WO-${id}`,
    siteId: SITE,
    origin,
    category,
    priority,
    state,
    title: `work order ${id}`,
    createdBy: { username: 'desk', displayName: '客服' },
    createdAt,
    updatedAt: steps.at(-1)?.at ?? createdAt,
    firstTimePass: reopened === undefined && last('return') === undefined,
    rework: reopened !== undefined,
    clocks: slaClocks(createdAt, defaultSlaTargets(category, priority), steps, now),
    ...(story.deviceId ? { deviceId: story.deviceId } : {}),
    ...(story.buildingId ? { buildingId: story.buildingId } : {}),
    ...(story.assignee ? { assignee: { username: story.assignee, displayName: `师傅 ${story.assignee}` } } : {}),
    ...(story.pmPlanId ? { pmPlanId: story.pmPlanId } : {}),
    ...(state === 'on_hold' && hold ? { hold: { reason: hold, since: steps.at(-1)?.at ?? 0, note: '' } } : {}),
    ...(resolvedAt !== undefined && resolvedAt > (reopened ?? 0) ? { resolvedAt } : {}),
    ...(verifiedAt !== undefined && verifiedAt > (reopened ?? 0) ? { verifiedAt } : {}),
  }
  const timeline = steps.map((step, index) => ({
    id: id * 100 + index,
    workOrderId: id,
    at: step.at,
    type: step.action ?? 'created',
    to: step.to,
    by: 'fixture',
  }))
  return { order, timeline }
}

function inputOf(stories: readonly Story[], now: number, rest: Partial<MaintenanceKpiInput> = {}): MaintenanceKpiInput {
  const built = stories.map((story) => build(story, now))
  return {
    siteId: SITE,
    from: FROM,
    to: TO,
    now,
    workOrders: built.map(({ order }) => order),
    timelines: new Map(built.map(({ order, timeline }) => [order.id, timeline])),
    devices: [],
    alarms: [],
    plans: [],
    ...rest,
  }
}

const rate = (numerator: number, denominator: number, value: number | undefined, target?: number): KpiRate => ({
  numerator,
  denominator,
  ...(value === undefined ? {} : { value }),
  ...(target === undefined ? {} : { target }),
})

// ---- the fixed month ---------------------------------------------------------------------------------------------

const NOW = day(30, 12)

/**
 * November, worked out by hand (targets from `defaultSlaTargets`: P2 resolution 48 h, civil P2 3 days, P3 7 days;
 * P1 arrival 30 min and resolution 4 h; P0 arrival 15 min and resolution 4 h).
 */
const MONTH: Story[] = [
  // 1: resolved in 6 h of 48, first-time pass
  {
    id: 1,
    createdAt: day(0, 9),
    buildingId: 'B1',
    assignee: 'wang',
    steps: [...onSite(day(0, 9)), act(day(0, 15), 'resolve'), act(day(1, 9), 'verify')],
  },
  // 2: civil, due after 3 days (day 5), resolved on day 6: late, yet a first-time pass
  {
    id: 2,
    createdAt: day(2),
    category: 'civil',
    buildingId: 'B1',
    assignee: 'wang',
    steps: [...onSite(day(2)), act(day(6), 'resolve'), act(day(7), 'verify')],
  },
  // 3: P3, three days waiting for the resident: due day 19, resolved day 15 after 3 days of running time
  {
    id: 3,
    createdAt: day(9),
    priority: 'P3',
    buildingId: 'B2',
    assignee: 'li',
    steps: [
      ...onSite(day(9)),
      act(day(9, 1), 'hold', 'resident'),
      act(day(12, 1), 'resume'),
      act(day(15), 'resolve'),
      act(day(15, 1), 'verify'),
    ],
  },
  // 4: a gate, due day 22, still in progress: overdue, in the denominator
  {
    id: 4,
    createdAt: day(20),
    category: 'gates-parking',
    deviceId: 'gate-1',
    buildingId: 'B2',
    assignee: 'li',
    steps: onSite(day(20)),
  },
  // 5: cancelled: in no figure
  {
    id: 5,
    createdAt: day(21),
    buildingId: 'B1',
    assignee: 'wang',
    steps: [act(day(21, 0, 1), 'assign'), act(day(21, 1), 'cancel')],
  },
  // 6: on time, verified, reopened on day 14 (rework), verified again
  {
    id: 6,
    createdAt: day(4),
    buildingId: 'B1',
    assignee: 'wang',
    steps: [
      ...onSite(day(4)),
      act(day(4, 2), 'resolve'),
      act(day(4, 4), 'verify'),
      act(day(14), 'reopen'),
      act(day(14, 2), 'resolve'),
      act(day(14, 5), 'verify'),
    ],
  },
  // 7: resolved, returned, resolved again after 8 h: on time, not a first-time pass
  {
    id: 7,
    createdAt: day(11),
    category: 'public-facilities',
    buildingId: 'B2',
    assignee: 'li',
    steps: [
      ...onSite(day(11)),
      act(day(11, 5), 'resolve'),
      act(day(11, 6), 'return'),
      act(day(11, 8), 'resolve'),
      act(day(11, 9), 'verify'),
    ],
  },
  // 8: urgent pump repair: on site in 20 min, resolved in 2 h
  {
    id: 8,
    createdAt: day(1),
    category: 'water-power',
    priority: 'P1',
    deviceId: 'pump-1',
    buildingId: 'B1',
    assignee: 'zhao',
    steps: [...onSite(day(1), 5, 20), act(day(1, 2), 'resolve'), act(day(1, 3), 'verify')],
  },
  // 9: fire panel, P0: on site after 40 min of 15, still in progress past its 4 h
  {
    id: 9,
    createdAt: day(24),
    category: 'fire',
    priority: 'P0',
    deviceId: 'panel-1',
    buildingId: 'B1',
    assignee: 'zhao',
    steps: onSite(day(24), 5, 40),
  },
  // 10: October's, verified on 1 November: in the pass rate only
  {
    id: 10,
    createdAt: day(-4),
    buildingId: 'B1',
    assignee: 'wang',
    steps: [...onSite(day(-4)), act(day(-3), 'resolve'), act(day(0, 10), 'verify')],
  },
  // 11: resolved in 3 h, due 1 December 09:00: after the period; waiting for verification
  {
    id: 11,
    createdAt: day(28, 9),
    buildingId: 'B2',
    assignee: 'li',
    steps: [...onSite(day(28, 9)), act(day(28, 12), 'resolve')],
  },
  // 12: a pump with a fire fault, P3, dispatched only: nothing due yet
  {
    id: 12,
    createdAt: day(28),
    category: 'fire',
    priority: 'P3',
    deviceId: 'pump-2',
    buildingId: 'B2',
    assignee: 'li',
    steps: [act(day(28, 2), 'assign')],
  },
  // PM: plan 1 monthly and mandatory (grace 6 days), plan 2 weekly (33.6 h), plan 3 yearly (28 days, the cap)
  // 13: due day 9, done day 13: within the grace
  pm(13, 1, day(3), day(13), 'B1'),
  // 14: due day 15, done day 22: a day past the grace
  pm(14, 1, day(8), day(22), 'B1'),
  // 15: due day 20, done a day later
  pm(15, 2, day(17), day(21), 'B2'),
  // 16: no schedule due time: its resolution clock's (7 days, day 8); done 21 days late, within 28
  pm(16, 3, day(1), day(29), 'B2'),
  // 17: due day 27, not done, grace until day 33: not decided yet
  pm(17, 1, day(26), undefined, 'B1'),
]

function pm(id: number, planId: number, createdAt: number, resolveAt: number | undefined, buildingId: string): Story {
  const category = ({ 1: 'fire', 2: 'water-power', 3: 'civil' } as const)[planId] ?? 'civil'
  const steps = onSite(createdAt)
  if (resolveAt !== undefined) steps.push(act(resolveAt, 'resolve'), act(resolveAt + 2 * HOUR, 'verify'))
  return {
    id,
    createdAt,
    origin: 'pm',
    category,
    priority: 'P3',
    pmPlanId: planId,
    buildingId,
    assignee: 'zhao',
    steps,
  }
}

const PLANS: KpiPlan[] = [
  { id: 1, trigger: { everyDays: 30, calendar: 'fixed' }, mandatory: true },
  { id: 2, trigger: { everyDays: 7, calendar: 'fixed' }, mandatory: false },
  { id: 3, trigger: { everyDays: 365, calendar: 'fixed' }, mandatory: false },
]
const PM_DUE = new Map([
  [13, day(9)],
  [14, day(15)],
  [15, day(20)],
  [17, day(27)],
])

const DEVICES: KpiDevice[] = [
  { id: 'pump-1', kind: 'pump', buildingId: 'B1', online: true },
  { id: 'panel-1', kind: 'fire-alarm-panel', buildingId: 'B1', online: true },
  { id: 'fire-water-1', kind: 'fire-water', buildingId: 'B1', online: true },
  { id: 'gate-1', kind: 'gate', buildingId: 'B2', online: true },
  { id: 'tank-1', kind: 'water-tank', buildingId: 'B2', online: false },
  { id: 'pump-2', kind: 'pump', buildingId: 'B2', online: true },
  { id: 'fire-water-2', kind: 'fire-water', buildingId: 'B2', online: true },
]

function alarm(id: number, deviceId: string, buildingId: string, active: boolean): AlarmView {
  return {
    id,
    siteId: SITE,
    buildingId,
    deviceId,
    kind: 'fire-water',
    ruleId: 'fire-water.pressure-low',
    priority: 'P1',
    state: active ? 'ack' : 'normal',
    active,
    acknowledged: true,
    latched: false,
    conditionActive: active,
    count: 1,
    raisedAt: day(25),
    suppressedByDesign: false,
    updatedAt: day(25),
  }
}

/** The pressure of fire-water-1 is low now; fire-water-2's alarm has cleared. */
const ALARMS = [alarm(1, 'fire-water-1', 'B1', true), alarm(2, 'fire-water-2', 'B2', false)]

const monthInput = () => inputOf(MONTH, NOW, { devices: DEVICES, alarms: ALARMS, plans: PLANS, pmDueAt: PM_DUE })

describe('computeMaintenanceKpis', () => {
  it('counts November worked out by hand', () => {
    expect(computeMaintenanceKpis(monthInput())).toEqual<MaintenanceKpis>({
      siteId: SITE,
      from: FROM,
      to: TO,
      // due in November and decided: 1 ✓, 2 ✗ (late), 3 ✓, 4 ✗ (overdue, open), 6 ✓, 7 ✓; not 5 (cancelled),
      // 10 (due in October), 11 (due 1 December), 12 (not due)
      minorRepairTimeliness: rate(4, 6, 66.67, 95),
      // first verified in November: 1 ✓, 2 ✓, 3 ✓, 6 ✗ (rework), 7 ✗ (returned), 10 ✓
      minorRepairPassRate: rate(4, 6, 66.67, 98),
      // arrival: 8 in 20 of 30 min ✓, 9 in 40 of 15 ✗
      urgentRepairTimeliness: rate(1, 2, 50, 100),
      // with a device, resolution due and decided: 4 ✗, 8 ✓, 9 ✗ (12 not due)
      equipmentRepairTimeliness: rate(1, 3, 33.33, 95),
      // 7 devices; panel-1 has the open P0 (9), tank-1 is offline
      equipmentIntactRate: rate(5, 7, 71.43, 98),
      // corrective with a device, created in November: 4, 8, 9, 12
      equipmentFailureRate: rate(4, 7, 57.14),
      // panel-1, fire-water-1, fire-water-2 and pump-2 (open fire work order 12); only fire-water-2 is intact
      fireFacilitiesIntactRate: rate(1, 4, 25, 100),
      // 13 ✓, 14 ✗, 15 ✓, 16 ✓; 17 not decided
      pmCompliance: rate(3, 4, 75, 90),
      // plan 1: 13 ✓, 14 ✗
      mandatoryPmCompliance: rate(1, 2, 50, 100),
      // first accepted in November: 1, 2, 3, 4, 6, 7, 11 after 15 min, 8 and 9 after 5: 115 / 9
      mttaMin: 12.78,
      // resolved in November, minutes: 1: 360, 2: 5 760, 3: 4 320 (6 days less 3 paused), 6: 120 (the first
      // resolution), 7: 480 (the accepted one), 8: 120, 11: 180; 11 340 / 7
      mttrMin: 1620,
      // no device had two corrective work orders
      backlog: {
        // 4, 9, 11 (waiting for verification), 12, 17
        open: 5,
        // 4 and 9 breached
        overdue: 2,
      },
    })
  })

  it('counts an overdue open work order once it is due, and leaves one not yet due out', () => {
    const stories: Story[] = [{ id: 1, createdAt: day(9), steps: onSite(day(9)) }]

    // due day 11: on day 10 it may still be done in time
    expect(computeMaintenanceKpis(inputOf(stories, day(10))).minorRepairTimeliness).toEqual(rate(0, 0, undefined, 95))
    expect(computeMaintenanceKpis(inputOf(stories, day(12))).minorRepairTimeliness).toEqual(rate(0, 1, 0, 95))
  })

  it('leaves cancelled and rejected work orders out of every figure', () => {
    const stories: Story[] = [
      { id: 1, createdAt: day(3), deviceId: 'pump-1', steps: [act(day(3, 1), 'assign'), act(day(3, 2), 'cancel')] },
      { id: 2, createdAt: day(3), priority: 'P1', deviceId: 'pump-1', steps: [act(day(3, 1), 'reject')] },
    ]
    const devices: KpiDevice[] = [{ id: 'pump-1', kind: 'pump', online: true }]

    const kpis = computeMaintenanceKpis(inputOf(stories, NOW, { devices }))

    expect(kpis.minorRepairTimeliness.denominator).toBe(0)
    expect(kpis.urgentRepairTimeliness.denominator).toBe(0)
    expect(kpis.equipmentFailureRate).toEqual(rate(0, 1, 0))
    expect(kpis.backlog).toEqual({ open: 0, overdue: 0 })
  })

  it('leaves the paused time out of MTTR, not a wait for parts', () => {
    const held = (id: number, reason: HoldReason): Story => ({
      id,
      createdAt: day(5),
      priority: 'P3',
      steps: [...onSite(day(5)), act(day(5, 1), 'hold', reason), act(day(7, 1), 'resume'), act(day(8), 'resolve')],
    })

    // 3 days, 2 of them waiting
    expect(computeMaintenanceKpis(inputOf([held(1, 'resident')], NOW)).mttrMin).toBe(24 * 60)
    expect(computeMaintenanceKpis(inputOf([held(1, 'approval')], NOW)).mttrMin).toBe(24 * 60)
    expect(computeMaintenanceKpis(inputOf([held(1, 'parts')], NOW)).mttrMin).toBe(72 * 60)
  })

  it('fails a repair reopened within 30 days, counted at its first verification though the store cleared it', () => {
    // verified 28 October, reopened 3 November and still in progress: October's figure, not November's
    const story: Story = {
      id: 1,
      createdAt: day(-5),
      steps: [...onSite(day(-5)), act(day(-4), 'resolve'), act(day(-3), 'verify'), act(day(2), 'reopen')],
    }
    const built = build(story, NOW)
    const october = { from: FROM - 31 * DAY, to: FROM }

    expect(built.order).toMatchObject({ state: 'in_progress', rework: true, firstTimePass: false })
    expect(built.order.verifiedAt).toBeUndefined()
    expect(computeMaintenanceKpis(inputOf([story], NOW)).minorRepairPassRate).toEqual(rate(0, 0, undefined, 98))
    expect(computeMaintenanceKpis(inputOf([story], NOW, october)).minorRepairPassRate).toEqual(rate(0, 1, 0, 98))
    // reworked, but its first resolution was on time
    expect(computeMaintenanceKpis(inputOf([story], NOW, october)).minorRepairTimeliness).toEqual(rate(1, 1, 100, 95))
  })

  it('gives a PM the SMRP grace: a monthly plan 6 days, to the millisecond', () => {
    const plans: KpiPlan[] = [{ id: 1, trigger: { everyDays: 30 }, mandatory: false }]
    const pmDueAt = new Map([[1, day(10)]])
    const doneAt = (at: number) => inputOf([pm(1, 1, day(3), at, 'B1')], NOW, { plans, pmDueAt })

    expect(computeMaintenanceKpis(doneAt(day(16))).pmCompliance).toEqual(rate(1, 1, 100, 90))
    expect(computeMaintenanceKpis(doneAt(day(16) + 1)).pmCompliance).toEqual(rate(0, 1, 0, 90))
    // not done: missed once the grace is over
    const open = (now: number) => inputOf([pm(1, 1, day(3), undefined, 'B1')], now, { plans, pmDueAt })
    expect(computeMaintenanceKpis(open(day(16) - 1)).pmCompliance.denominator).toBe(0)
    expect(computeMaintenanceKpis(open(day(16))).pmCompliance).toEqual(rate(0, 1, 0, 90))
  })

  it('takes the mean gap between corrective work orders of the same device as MTBF', () => {
    const repair = (id: number, deviceId: string, createdAt: number, extra: Partial<Story> = {}): Story => ({
      id,
      createdAt,
      deviceId,
      steps: onSite(createdAt),
      ...extra,
    })
    const stories = [
      repair(1, 'pump-1', day(1)),
      repair(2, 'pump-1', day(3)),
      repair(3, 'pump-1', day(8)),
      repair(4, 'pump-2', day(2)),
      repair(5, 'pump-2', day(2, 12)),
      // not counted: October's, a PM, a cancelled one
      repair(6, 'pump-1', day(-2)),
      repair(7, 'pump-1', day(4), { origin: 'pm', priority: 'P3' }),
      repair(8, 'pump-2', day(5), { steps: [act(day(5, 1), 'cancel')] }),
    ]

    // gaps of 48, 120 and 12 h
    expect(computeMaintenanceKpis(inputOf(stories, NOW)).mtbfHours).toBe(60)
  })

  it('times MTTA to the first acceptance, in the period of that acceptance', () => {
    const story: Story = {
      id: 1,
      createdAt: day(29, 23),
      steps: [
        act(day(29, 23, 5), 'assign'),
        act(day(29, 23, 20), 'accept'),
        act(day(29, 23, 30), 'decline'),
        act(day(30, 1), 'assign'),
        act(day(30, 2), 'accept'),
      ],
    }

    expect(computeMaintenanceKpis(inputOf([story], NOW)).mttaMin).toBe(20)
    expect(computeMaintenanceKpis(inputOf([story], NOW, { from: TO, to: TO + DAY })).mttaMin).toBeUndefined()
  })

  it('refuses an empty period', () => {
    expect(() => computeMaintenanceKpis(inputOf([], NOW, { from: TO, to: TO }))).toThrow(RangeError)
  })
})

describe('pmGraceMs', () => {
  it.each([
    [30, 6 * DAY],
    [7, 33 * HOUR + 36 * MIN],
    [90, 18 * DAY],
    [140, 28 * DAY],
    [365, 28 * DAY],
    [undefined, 0],
  ])('gives a plan every %s days a grace of %i ms: 20 % of the interval, at most 28 days', (everyDays, grace) => {
    expect(pmGraceMs(everyDays)).toBe(grace)
  })
})

// ---- a generated month -----------------------------------------------------------------------------------------

/** A Lehmer (Park–Miller) generator in [0, 1), seeded: the month is the same on every run. */
function prng(seed: number): () => number {
  let state = seed % 2_147_483_647 || 1
  return () => {
    state = (state * 48_271) % 2_147_483_647
    return (state - 1) / 2_147_483_646
  }
}

/** What the generator did to one work order, which the reference loops read instead of the clocks. */
interface Fact {
  story: Story
  cancelled: boolean
  hold?: HoldReason
  holdMs: number
  firstResolvedAt: number
  /** returned one hour after its first resolution, and resolved again two hours later */
  returned: boolean
  verifiedAt: number
  reopenedAt?: number
  pm?: { dueAt: number; everyDays: number; mandatory: boolean }
}

/** Resolution targets written out (DOMAIN.md §b.0 and the seed: 随报随修, 土建 3 days). */
const RESOLUTION_MS: Record<string, Partial<Record<AlarmPriority, number>>> = {
  'doors-hardware': { P1: 4 * HOUR, P2: 48 * HOUR, P3: 7 * DAY },
  civil: { P1: 4 * HOUR, P2: 3 * DAY, P3: 7 * DAY },
  'water-power': { P1: 4 * HOUR, P2: 4 * HOUR, P3: 7 * DAY },
}
const GRACE_MS: Record<number, number> = { 7: 33 * HOUR + 36 * MIN, 30: 6 * DAY, 90: 18 * DAY }
const GENERATED_NOW = day(33)

function generateMonth(seed: number): Fact[] {
  const random = prng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const minutes = (max: number) => Math.floor(random() * max) * MIN
  const facts: Fact[] = []
  for (let id = 1; id <= 40; id += 1) {
    const createdAt = day(-5) + minutes(34 * 24 * 60)
    const story: Story = {
      id,
      createdAt,
      origin: pick(['request', 'guard', 'complaint'] as const),
      category: pick(['doors-hardware', 'civil', 'water-power'] as const),
      priority: pick(['P1', 'P2', 'P2', 'P2', 'P3'] as const),
      steps: onSite(createdAt, 10, 30),
    }
    const hold = random() < 0.4 ? pick(['resident', 'approval', 'parts', 'contractor'] as const) : undefined
    const holdMs = hold ? MIN + minutes(2 * 24 * 60) : 0
    const firstResolve = createdAt + HOUR + holdMs + 30 * MIN + minutes(5 * 24 * 60)
    const returned = random() < 0.15
    const verifiedAt = firstResolve + (returned ? 5 : 2) * HOUR
    const reopenedAt = random() < 0.15 ? verifiedAt + 5 * DAY : undefined
    const cancelled = random() < 0.1
    if (cancelled) story.steps = [act(createdAt + 5 * MIN, 'assign'), act(createdAt + 20 * MIN, 'cancel')]
    else {
      if (hold) story.steps.push(act(createdAt + HOUR, 'hold', hold), act(createdAt + HOUR + holdMs, 'resume'))
      story.steps.push(act(firstResolve, 'resolve'))
      if (returned) story.steps.push(act(firstResolve + HOUR, 'return'), act(firstResolve + 3 * HOUR, 'resolve'))
      story.steps.push(act(verifiedAt, 'verify'))
      if (reopenedAt) story.steps.push(act(reopenedAt, 'reopen'), act(reopenedAt + 3 * HOUR, 'resolve'))
    }
    const extra = { ...(hold ? { hold } : {}), ...(reopenedAt ? { reopenedAt } : {}) }
    facts.push({ story, cancelled, holdMs, firstResolvedAt: firstResolve, returned, verifiedAt, ...extra })
  }
  const plans = [
    { id: 1, everyDays: 30, mandatory: true },
    { id: 2, everyDays: 7, mandatory: false },
    { id: 3, everyDays: 90, mandatory: false },
  ]
  for (let id = 41; id <= 50; id += 1) {
    const plan = pick(plans)
    const dueAt = day(-3) + minutes(33 * 24 * 60)
    const createdAt = dueAt - 7 * DAY
    const resolvedAt = dueAt + Math.round(((random() * 1.6 - 0.3) * (GRACE_MS[plan.everyDays] ?? 0)) / MIN) * MIN
    const cancelled = random() < 0.1
    const story = pm(id, plan.id, createdAt, cancelled ? undefined : resolvedAt, 'B1')
    if (cancelled) story.steps.push(act(createdAt + HOUR, 'cancel'))
    const pmFacts = { dueAt, everyDays: plan.everyDays, mandatory: plan.mandatory }
    const verifiedAt = resolvedAt + 2 * HOUR
    facts.push({ story, cancelled, holdMs: 0, firstResolvedAt: resolvedAt, returned: false, verifiedAt, pm: pmFacts })
  }
  return facts
}

/** The four KPIs by plain loops over the facts: the definitions of DOMAIN.md §e, one condition a line. */
function reference(facts: readonly Fact[]) {
  const done = (at: number | undefined) => (at !== undefined && at <= GENERATED_NOW ? at : undefined)
  // the resolution standing now: the first, unless it was returned; then the second, once made
  const standing = (fact: Fact) =>
    fact.returned && done(fact.firstResolvedAt + HOUR) !== undefined
      ? done(fact.firstResolvedAt + 3 * HOUR)
      : done(fact.firstResolvedAt)
  const inNovember = (at: number) => at >= FROM && at < TO
  const timeliness = { numerator: 0, denominator: 0 }
  const pass = { numerator: 0, denominator: 0 }
  const compliance = { numerator: 0, denominator: 0 }
  const repairMinutes: number[] = []
  for (const fact of facts) {
    const { story } = fact
    if (fact.cancelled) continue
    const resolved = standing(fact)
    if (fact.pm) {
      const deadline = fact.pm.dueAt + (GRACE_MS[fact.pm.everyDays] ?? 0)
      if (!inNovember(fact.pm.dueAt)) continue
      if (resolved === undefined && GENERATED_NOW < deadline) continue
      compliance.denominator += 1
      if (resolved !== undefined && resolved <= deadline) compliance.numerator += 1
      continue
    }
    const paused = fact.hold === 'resident' || fact.hold === 'approval' ? fact.holdMs : 0
    if (resolved !== undefined && inNovember(resolved)) repairMinutes.push((resolved - story.createdAt - paused) / MIN)
    if (story.priority === 'P1') continue
    const dueAt = story.createdAt + (RESOLUTION_MS[story.category ?? '']?.[story.priority ?? 'P2'] ?? 0) + paused
    if (inNovember(dueAt) && (resolved !== undefined || dueAt <= GENERATED_NOW)) {
      timeliness.denominator += 1
      if (resolved !== undefined && resolved <= dueAt) timeliness.numerator += 1
    }
    const verified = done(fact.verifiedAt)
    if (verified !== undefined && inNovember(verified)) {
      pass.denominator += 1
      if (!fact.returned && done(fact.reopenedAt) === undefined) pass.numerator += 1
    }
  }
  const sum = repairMinutes.reduce((total, value) => total + value, 0)
  return { timeliness, pass, compliance, mttrMin: Math.round((sum / repairMinutes.length) * 100) / 100 }
}

describe('a generated month', () => {
  it.each([42, 2026, 777, 20261101])('agrees with the reference loops (seed %i)', (seed) => {
    const facts = generateMonth(seed)
    const plans: KpiPlan[] = [
      { id: 1, trigger: { everyDays: 30 }, mandatory: true },
      { id: 2, trigger: { everyDays: 7 }, mandatory: false },
      { id: 3, trigger: { everyDays: 90 }, mandatory: false },
    ]
    const pmDueAt = new Map(facts.flatMap((fact) => (fact.pm ? [[fact.story.id, fact.pm.dueAt] as const] : [])))
    const input = inputOf(
      facts.map((fact) => fact.story),
      GENERATED_NOW,
      { plans, pmDueAt },
    )
    const expected = reference(facts)

    const kpis = computeMaintenanceKpis(input)

    expect(kpis.minorRepairTimeliness).toMatchObject(expected.timeliness)
    expect(kpis.minorRepairPassRate).toMatchObject(expected.pass)
    expect(kpis.pmCompliance).toMatchObject(expected.compliance)
    expect(kpis.mttrMin).toBe(expected.mttrMin)
    // the month exercises what it should: misses and hits in every rate
    for (const counts of [expected.timeliness, expected.pass]) {
      expect(counts.denominator).toBeGreaterThanOrEqual(10)
      expect(counts.numerator).toBeLessThan(counts.denominator)
    }
    expect(expected.compliance.denominator).toBeGreaterThanOrEqual(4)
  })
})

// ---- breakdowns and CSV -----------------------------------------------------------------------------------------

const RATE_KEYS = [
  'minorRepairTimeliness',
  'minorRepairPassRate',
  'urgentRepairTimeliness',
  'equipmentRepairTimeliness',
  'equipmentIntactRate',
  'equipmentFailureRate',
  'fireFacilitiesIntactRate',
  'pmCompliance',
  'mandatoryPmCompliance',
] as const

describe('maintenanceKpisBy', () => {
  it('splits November by building: work orders, devices and alarms of each', () => {
    const site = computeMaintenanceKpis(monthInput())
    const byBuilding = maintenanceKpisBy(monthInput(), 'building')

    expect(byBuilding.map(({ key }) => key)).toEqual(['B1', 'B2'])
    // B1: pump-1 and fire-water-1 intact, panel-1 not; B2: gate-1, pump-2, fire-water-2 intact, tank-1 offline
    expect(byBuilding.map(({ kpis }) => kpis.equipmentIntactRate)).toEqual([rate(2, 3, 66.67, 98), rate(3, 4, 75, 98)])
    // B1: 1 ✓, 2 ✗, 6 ✓; B2: 3 ✓, 4 ✗, 7 ✓
    expect(byBuilding.map(({ kpis }) => kpis.minorRepairTimeliness.numerator)).toEqual([2, 2])
    // every work order and device has a building: the parts add up to the site
    for (const key of RATE_KEYS) {
      expect(
        byBuilding.reduce((sum, { kpis }) => sum + kpis[key].numerator, 0),
        key,
      ).toBe(site[key].numerator)
      expect(
        byBuilding.reduce((sum, { kpis }) => sum + kpis[key].denominator, 0),
        key,
      ).toBe(site[key].denominator)
    }
  })

  it('splits by technician and category, with no device rates', () => {
    const byTechnician = maintenanceKpisBy(monthInput(), 'technician')
    const byCategory = maintenanceKpisBy(monthInput(), 'category')

    expect(byTechnician.map(({ key, label }) => [key, label])).toEqual([
      ['li', '师傅 li'],
      ['wang', '师傅 wang'],
      ['zhao', '师傅 zhao'],
    ])
    // li: 3 ✓, 7 ✗; wang: 1 ✓, 2 ✓, 6 ✗, 10 ✓
    expect(byTechnician.map(({ kpis }) => kpis.minorRepairPassRate)).toEqual([
      rate(1, 2, 50, 98),
      rate(3, 4, 75, 98),
      rate(0, 0, undefined, 98),
    ])
    expect(byTechnician[0]?.kpis.equipmentIntactRate).toEqual(rate(0, 0, undefined, 98))
    expect(byCategory.map(({ key }) => key)).toEqual([
      'civil',
      'doors-hardware',
      'fire',
      'gates-parking',
      'public-facilities',
      'water-power',
    ])
    // fire: PM 13 ✓, 14 ✗ (17 not decided)
    expect(byCategory.find(({ key }) => key === 'fire')?.kpis.pmCompliance).toEqual(rate(1, 2, 50, 90))
  })
})

describe('maintenanceKpisCsv', () => {
  it('writes one row per KPI with numerator, denominator, value and target, with a byte-order mark', () => {
    const kpis = computeMaintenanceKpis(monthInput())
    const byBuilding = maintenanceKpisBy(monthInput(), 'building')

    const csv = maintenanceKpisCsv(kpis, byBuilding)
    const lines = csv.slice(1).split('\r\n')

    expect(csv.startsWith('\uFEFFsubject,kpi,label,numerator,denominator,value,target\r\n')).toBe(true)
    expect(lines).toContain('site:xingfuli,from,开始,,,2026-10-31T16:00:00.000Z,')
    expect(lines).toContain('site:xingfuli,minorRepairTimeliness,零修及时率,4,6,66.67,95')
    expect(lines).toContain('site:xingfuli,reworkRate,返修率,2,6,33.33,')
    expect(lines).toContain('site:xingfuli,equipmentFailureRate,设备故障率（按次数）,4,7,57.14,')
    expect(lines).toContain('site:xingfuli,mttrMin,MTTR（分钟，创建→完成，扣除暂停）,,,1620,')
    expect(lines).toContain('site:xingfuli,mtbfHours,MTBF（小时，同设备相邻故障工单间隔）,,,,')
    expect(lines).toContain('building:B2,equipmentIntactRate,设备完好率,3,4,75,98')
    // a header, two period rows, 15 rows for the site and 15 per building, and the empty string after the last CRLF
    expect(lines).toHaveLength(1 + 2 + 15 * 3 + 1)
  })

  it('gives 返修率 over the same base as 零修合格率', () => {
    expect(reworkRate(rate(49, 50, 98, 98))).toEqual(rate(1, 50, 2))
    expect(reworkRate(rate(0, 0, undefined, 98))).toEqual(rate(0, 0, undefined))
  })
})
