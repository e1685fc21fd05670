/**
 * Work orders: how a fault, a request or a plan becomes a verified repair (DOMAIN.md §a.4), with the clocks a
 * property company is judged by. One definition for the store (which refuses an illegal transition whoever asks),
 * the api, the ingest service (alarms open work orders) and the dashboard.
 *
 * - **States**: new → triaged → assigned → accepted → in_progress ⇄ on_hold → resolved → verified; cancelled and
 *   rejected end a work order that was never done. A resolution the supervisor does not accept goes back to
 *   in_progress and the work order is no longer a first-time pass; a verified one reopened within REOPEN_WINDOW_MS is
 *   rework (返修). Both count against 零修合格率.
 * - **Clocks** (`SlaPolicy`): response (until dispatched), arrival (until the technician is on site), resolution
 *   (until resolved). Waiting for the resident or for an approval pauses them; waiting for parts or a contractor
 *   does not: that is the service the resident gets.
 */
import { type Static, Type } from 'typebox'
import type { Permission } from './access.ts'
import { WORK_ORDER_CATEGORIES, type WorkOrderCategory } from './alarm-rules.ts'
import { ALARM_PRIORITIES, type AlarmPriority } from './alarms.ts'
import { jsonDecoder } from './json-decoder.ts'
import { DEVICE_KINDS } from './kinds.ts'

export const WORK_ORDER_STATES = [
  /** 待受理: reported, nobody has looked at it */
  'new',
  /** 待派单: looked at, category and priority confirmed, waiting for a technician */
  'triaged',
  /** 待接单: dispatched to a technician */
  'assigned',
  /** 已接单: the technician took it and is on the way */
  'accepted',
  /** 处理中: on site, working */
  'in_progress',
  /** 挂起: waiting (`HOLD_REASONS`) */
  'on_hold',
  /** 待验收: the technician says it is done */
  'resolved',
  /** 已完成: the supervisor (or the resident) accepted the repair */
  'verified',
  /** 已取消 */
  'cancelled',
  /** 已驳回: not a repair of ours (a duplicate, a private matter) */
  'rejected',
] as const
export type WorkOrderState = (typeof WORK_ORDER_STATES)[number]

/** The states that end a work order: done and accepted, or never done. */
const FINAL_STATES: readonly WorkOrderState[] = ['verified', 'cancelled', 'rejected']

/** States in which a work order is still someone's job: every other. */
export const OPEN_WORK_ORDER_STATES: readonly WorkOrderState[] = WORK_ORDER_STATES.filter(
  (state) => !FINAL_STATES.includes(state),
)

export function isOpenWorkOrder(state: WorkOrderState): boolean {
  return OPEN_WORK_ORDER_STATES.includes(state)
}

export const WORK_ORDER_ORIGINS = [
  /** the alarm engine, from a rule that opens work orders */
  'alarm',
  /** a preventive-maintenance plan came due */
  'pm',
  /** a resident or the customer desk */
  'request',
  /** a guard on patrol or in the control room */
  'guard',
  /** a failed item of a checklist */
  'inspection',
  /** a complaint that needs a repair (投诉) */
  'complaint',
] as const
export type WorkOrderOrigin = (typeof WORK_ORDER_ORIGINS)[number]

export const HOLD_REASONS = [
  /** 等配件: the clock keeps running */
  'parts',
  /** 等业主: the resident is not home or asked for later; the clock pauses */
  'resident',
  /** 等外包: a contractor's visit; the clock keeps running */
  'contractor',
  /** 等审批: a cost above the technician's limit; the clock pauses */
  'approval',
] as const
export type HoldReason = (typeof HOLD_REASONS)[number]

/** The hold reasons that stop the SLA clocks (DOMAIN.md §a.4). */
export const PAUSING_HOLD_REASONS: readonly HoldReason[] = ['resident', 'approval']

/** A verified work order reopened within this time is rework (返修) and fails 零修合格率. */
export const REOPEN_WINDOW_MS = 30 * 24 * 60 * 60_000

/** Before a clock breaches, its work order is escalated to the supervisors once this share of its time is used. */
export const ESCALATE_AT = 0.8

/**
 * What a user can do to a work order. `from` lists the states it starts in; `to` the state it leads to, `undefined`
 * when it stays (a note, a reassignment keeps `assigned`). `who` names the permission, and `assignee` whether only the
 * assigned technician may do it (a supervisor records it for them with `workorders.manage`).
 */
export interface WorkOrderAction {
  from: readonly WorkOrderState[]
  to: WorkOrderState
  permission: Permission
  /** the assigned technician may do it with `workorders.work`; others need `permission` */
  assignee: boolean
  /** a reason is mandatory (kept on the timeline) */
  reason: boolean
}

export const WORK_ORDER_ACTIONS = {
  /** category and priority confirmed; waiting for dispatch */
  triage: { from: ['new'], to: 'triaged', permission: 'workorders.manage', assignee: false, reason: false },
  /** dispatch to a technician, or to another one (needs `assignee` in the input) */
  assign: {
    from: ['new', 'triaged', 'assigned', 'accepted'],
    to: 'assigned',
    permission: 'workorders.manage',
    assignee: false,
    reason: false,
  },
  /** the technician takes it: the response clock stops if dispatch did not stop it */
  accept: { from: ['assigned'], to: 'accepted', permission: 'workorders.manage', assignee: true, reason: false },
  /** the technician gives it back (off sick, wrong trade): waiting for dispatch again */
  decline: {
    from: ['assigned', 'accepted'],
    to: 'triaged',
    permission: 'workorders.manage',
    assignee: true,
    reason: true,
  },
  /** on site: the arrival clock stops */
  arrive: { from: ['accepted'], to: 'in_progress', permission: 'workorders.manage', assignee: true, reason: false },
  /** waiting for parts, the resident, a contractor or an approval (needs `holdReason`) */
  hold: { from: ['in_progress'], to: 'on_hold', permission: 'workorders.manage', assignee: true, reason: true },
  resume: { from: ['on_hold'], to: 'in_progress', permission: 'workorders.manage', assignee: true, reason: false },
  /** done, with what was found and done: the resolution clock stops */
  resolve: { from: ['in_progress'], to: 'resolved', permission: 'workorders.manage', assignee: true, reason: true },
  /** the repair is accepted; refused while its alarm is active unless `override` with a reason */
  verify: { from: ['resolved'], to: 'verified', permission: 'workorders.manage', assignee: false, reason: false },
  /** the repair is not accepted: back to work, and no longer a first-time pass */
  return: { from: ['resolved'], to: 'in_progress', permission: 'workorders.manage', assignee: false, reason: true },
  /** the fault came back after verification: rework (返修) within REOPEN_WINDOW_MS */
  reopen: { from: ['verified'], to: 'in_progress', permission: 'workorders.manage', assignee: false, reason: true },
  cancel: {
    from: ['new', 'triaged', 'assigned', 'accepted', 'in_progress', 'on_hold'],
    to: 'cancelled',
    permission: 'workorders.manage',
    assignee: false,
    reason: true,
  },
  reject: { from: ['new', 'triaged'], to: 'rejected', permission: 'workorders.manage', assignee: false, reason: true },
} as const satisfies Record<string, WorkOrderAction>
export type WorkOrderActionName = keyof typeof WORK_ORDER_ACTIONS
export const WORK_ORDER_ACTION_NAMES = Object.keys(WORK_ORDER_ACTIONS) as WorkOrderActionName[]

/** Who may report a work order: everyone who operates the site, not a viewer. */
export const CREATE_WORK_ORDER_PERMISSIONS: readonly Permission[] = [
  'workorders.manage',
  'workorders.work',
  'alarms.respond',
]

// ---- SLA ------------------------------------------------------------------------------------------------------

export const SLA_CLOCKS = ['response', 'arrival', 'resolution'] as const
export type SlaClock = (typeof SLA_CLOCKS)[number]

export const SlaTargets = Type.Object(
  {
    responseMin: Type.Integer({ minimum: 1, maximum: 30 * 24 * 60, description: '受理/派单: until dispatched' }),
    arrivalMin: Type.Integer({ minimum: 1, maximum: 30 * 24 * 60, description: '到场: until on site' }),
    resolutionMin: Type.Integer({ minimum: 1, maximum: 90 * 24 * 60, description: '完成: until resolved' }),
  },
  { additionalProperties: false },
)
export type SlaTargets = Static<typeof SlaTargets>

const HOUR = 60
const DAY = 24 * HOUR

/**
 * The default clocks per priority (DOMAIN.md §b.0), in minutes. Categories the work plan names adjust them in
 * `defaultSlaTargets`: water, power and lift are repaired as soon as reported (随报随修), civil works within 3 days.
 */
const PRIORITY_TARGETS: Readonly<Record<AlarmPriority, SlaTargets>> = {
  P0: { responseMin: 1, arrivalMin: 15, resolutionMin: 4 * HOUR },
  P1: { responseMin: 5, arrivalMin: 30, resolutionMin: 4 * HOUR },
  P2: { responseMin: 30, arrivalMin: 8 * HOUR, resolutionMin: 2 * DAY },
  P3: { responseMin: DAY, arrivalMin: 3 * DAY, resolutionMin: 7 * DAY },
}

/** The seed policy of (category, priority); a site overrides it (`SlaPolicy`). */
export function defaultSlaTargets(category: WorkOrderCategory, priority: AlarmPriority): SlaTargets {
  const base = PRIORITY_TARGETS[priority]
  // 水电、电梯等设施随报随修: a minor water, power or lift repair has the clocks of an urgent one
  if ((category === 'water-power' || category === 'lift') && priority === 'P2') return { ...PRIORITY_TARGETS.P1 }
  // 土建 within 3 days
  if (category === 'civil' && priority === 'P2') return { ...base, resolutionMin: 3 * DAY }
  return { ...base }
}

export const SlaPolicy = Type.Object({
  siteId: Type.String(),
  category: Type.Enum(WORK_ORDER_CATEGORIES),
  priority: Type.Enum(ALARM_PRIORITIES),
  targets: SlaTargets,
  /** whether the site changed it from the seed */
  custom: Type.Boolean(),
  updatedAt: Type.Optional(Type.Integer()),
  updatedBy: Type.Optional(Type.String()),
})
export type SlaPolicy = Static<typeof SlaPolicy>

/** One clock of a work order, as computed from its timeline (`sla.ts`). */
export const SlaClockView = Type.Object({
  clock: Type.Enum(SLA_CLOCKS),
  targetMin: Type.Integer(),
  /** epoch ms; moves later while the clock is paused */
  dueAt: Type.Integer(),
  /** when the clock stopped (dispatched, arrived, resolved) */
  metAt: Type.Optional(Type.Integer()),
  /** when it passed its due time without being met */
  breachedAt: Type.Optional(Type.Integer()),
  /** paused time so far, ms */
  pausedMs: Type.Integer({ minimum: 0 }),
  paused: Type.Boolean(),
})
export type SlaClockView = Static<typeof SlaClockView>

// ---- the work order -----------------------------------------------------------------------------------------

const Text = (maxLength: number) => Type.String({ maxLength })

export const ChecklistItem = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' }),
  label: Type.Object({ 'zh-CN': Text(200), en: Text(200) }),
  type: Type.Enum(['pass-fail', 'number', 'photo']),
  unit: Type.Optional(Text(16)),
  /** for a number: the range a passing reading lies in */
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
})
export type ChecklistItem = Static<typeof ChecklistItem>

export const ChecklistResult = Type.Object(
  {
    itemId: Type.String({ minLength: 1, maxLength: 64 }),
    pass: Type.Optional(Type.Boolean()),
    value: Type.Optional(Type.Number()),
    /** an attachment id, for a photo item */
    photoId: Type.Optional(Type.Integer({ minimum: 1 })),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
)
export type ChecklistResult = Static<typeof ChecklistResult>

export const WorkOrderPerson = Type.Object({ username: Type.String(), displayName: Type.String() })
export type WorkOrderPerson = Static<typeof WorkOrderPerson>

export const WorkOrderView = Type.Object({
  id: Type.Integer(),
  /** what people say on the phone: `WO-<yyyymmdd>-<seq>`, per site */
  number: Type.String(),
  siteId: Type.String(),
  buildingId: Type.Optional(Type.String()),
  roomId: Type.Optional(Type.String()),
  deviceId: Type.Optional(Type.String()),
  /** 房号 of a household repair, e.g. `3-1-502` */
  unit: Type.Optional(Text(64)),
  resident: Type.Optional(Type.Object({ name: Text(64), phone: Type.Optional(Text(32)) })),
  origin: Type.Enum(WORK_ORDER_ORIGINS),
  category: Type.Enum(WORK_ORDER_CATEGORIES),
  priority: Type.Enum(ALARM_PRIORITIES),
  state: Type.Enum(WORK_ORDER_STATES),
  title: Text(200),
  description: Type.Optional(Text(2000)),
  /** the alarm that opened it (origin `alarm`): one open work order per (device, rule) */
  alarm: Type.Optional(Type.Object({ id: Type.Integer(), ruleId: Type.String(), retriggers: Type.Integer() })),
  /** the plan that opened it (origin `pm`) */
  pmPlanId: Type.Optional(Type.Integer()),
  /** the work order whose failed checklist item opened it (origin `inspection`) */
  parentId: Type.Optional(Type.Integer()),
  assignee: Type.Optional(WorkOrderPerson),
  createdBy: WorkOrderPerson,
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  hold: Type.Optional(Type.Object({ reason: Type.Enum(HOLD_REASONS), since: Type.Integer(), note: Text(500) })),
  resolution: Type.Optional(
    Type.Object({ note: Text(2000), cause: Type.Optional(Text(200)), laborMin: Type.Optional(Type.Integer()) }),
  ),
  resolvedAt: Type.Optional(Type.Integer()),
  verifiedAt: Type.Optional(Type.Integer()),
  /** accepted at the first verification: false once a resolution was returned or the work order reopened */
  firstTimePass: Type.Boolean(),
  /** reopened after verification (返修) */
  rework: Type.Boolean(),
  /** escalated to the supervisors before a breach */
  escalatedAt: Type.Optional(Type.Integer()),
  clocks: Type.Array(SlaClockView),
  checklist: Type.Optional(Type.Array(ChecklistItem)),
  checklistResults: Type.Optional(Type.Array(ChecklistResult)),
})
export type WorkOrderView = Static<typeof WorkOrderView>

/** One step on a work order's timeline: every transition, note, escalation and breach, with who and when. */
export const WorkOrderEvent = Type.Object({
  id: Type.Integer(),
  workOrderId: Type.Integer(),
  at: Type.Integer(),
  /** an action, or what the platform recorded: `created`, `retriggered`, `escalated`, `breached`, `checklist` */
  type: Type.String(),
  from: Type.Optional(Type.Enum(WORK_ORDER_STATES)),
  to: Type.Optional(Type.Enum(WORK_ORDER_STATES)),
  by: Type.String({ description: "display name, or 'system'" }),
  note: Type.Optional(Text(2000)),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
})
export type WorkOrderEvent = Static<typeof WorkOrderEvent>

// ---- REST inputs ---------------------------------------------------------------------------------------------

export const CreateWorkOrderInput = Type.Object(
  {
    siteId: Type.String({ minLength: 1, maxLength: 64 }),
    buildingId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    roomId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    resident: Type.Optional(
      Type.Object(
        { name: Type.String({ minLength: 1, maxLength: 64 }), phone: Type.Optional(Type.String({ maxLength: 32 })) },
        { additionalProperties: false },
      ),
    ),
    origin: Type.Enum(['request', 'guard', 'complaint']),
    category: Type.Enum(WORK_ORDER_CATEGORIES),
    priority: Type.Enum(ALARM_PRIORITIES),
    title: Type.String({ minLength: 2, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
)
export type CreateWorkOrderInput = Static<typeof CreateWorkOrderInput>

export const WorkOrderActionInput = Type.Object(
  {
    action: Type.Enum(WORK_ORDER_ACTION_NAMES),
    /** mandatory for the actions with `reason` */
    reason: Type.Optional(Type.String({ minLength: 2, maxLength: 2000 })),
    /** `assign`: the technician's username */
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** `hold` */
    holdReason: Type.Optional(Type.Enum(HOLD_REASONS)),
    /** `resolve` */
    cause: Type.Optional(Type.String({ maxLength: 200 })),
    laborMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 24 * 60 })),
    /** `verify` while the alarm is still active: a supervisor's override, with `reason` */
    override: Type.Optional(Type.Boolean()),
    /** `triage` may correct these */
    category: Type.Optional(Type.Enum(WORK_ORDER_CATEGORIES)),
    priority: Type.Optional(Type.Enum(ALARM_PRIORITIES)),
  },
  { additionalProperties: false },
)
export type WorkOrderActionInput = Static<typeof WorkOrderActionInput>

// ---- preventive maintenance ---------------------------------------------------------------------------------

/** Counters of a device a usage plan can follow, by kind. */
export const USAGE_FIELDS = {
  pump: ['run_hours_h', 'starts_count'],
  gate: ['vehicles_in_count', 'vehicles_out_count'],
} as const satisfies Partial<Record<(typeof DEVICE_KINDS)[number], readonly string[]>>

export const PmTrigger = Type.Object(
  {
    /** calendar: every `everyDays`, counted from the last due date (`fixed`) or the last completion (`floating`) */
    everyDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660 })),
    calendar: Type.Optional(Type.Enum(['fixed', 'floating'])),
    /** usage: every `every` units of the device's counter `field`, counted from the last completion */
    usage: Type.Optional(
      Type.Object(
        { field: Type.String({ minLength: 1, maxLength: 64 }), every: Type.Number({ exclusiveMinimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'with both, whichever comes first' },
)
export type PmTrigger = Static<typeof PmTrigger>

export const PmPlan = Type.Object({
  id: Type.Integer(),
  siteId: Type.String(),
  /** the library entry it came from, or undefined for a plan the site wrote itself */
  templateId: Type.Optional(Type.String()),
  title: Type.Object({ 'zh-CN': Text(200), en: Text(200) }),
  category: Type.Enum(WORK_ORDER_CATEGORIES),
  priority: Type.Enum(ALARM_PRIORITIES),
  /** one device, or every device of a kind at the site */
  deviceId: Type.Optional(Type.String()),
  kind: Type.Optional(Type.Enum(DEVICE_KINDS)),
  trigger: PmTrigger,
  checklist: Type.Array(ChecklistItem),
  /** the regulation it fulfils, shown on the work order */
  basis: Type.Optional(Text(200)),
  /** mandatory by law (fire, secondary water): PM compliance for these is reported apart */
  mandatory: Type.Boolean(),
  enabled: Type.Boolean(),
})
export type PmPlan = Static<typeof PmPlan>

/** The schedule of a plan for one device: when it is due next and where its usage counter stands. */
export const PmSchedule = Type.Object({
  planId: Type.Integer(),
  deviceId: Type.String(),
  nextDueAt: Type.Optional(Type.Integer()),
  lastDoneAt: Type.Optional(Type.Integer()),
  /** the counter's value at the last completion (or when the plan started) */
  usageBase: Type.Optional(Type.Number()),
  /** the open work order of this plan and device, if any */
  openWorkOrderId: Type.Optional(Type.Integer()),
})
export type PmSchedule = Static<typeof PmSchedule>

// ---- KPIs ---------------------------------------------------------------------------------------------------

/** A rate with its numerator and denominator, as the KPI page shows them: a rate alone hides what it counts. */
export const KpiRate = Type.Object({
  numerator: Type.Integer(),
  denominator: Type.Integer(),
  /** percent; undefined when nothing was due */
  value: Type.Optional(Type.Number()),
  target: Type.Optional(Type.Number()),
})
export type KpiRate = Static<typeof KpiRate>

export const MaintenanceKpis = Type.Object({
  siteId: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  /** 零修及时率: P2/P3 corrective work orders resolved within their resolution clock ÷ those due in the period */
  minorRepairTimeliness: KpiRate,
  /** 零修合格率: minor repairs verified first time without rework within 30 days ÷ minor repairs completed */
  minorRepairPassRate: KpiRate,
  /** 急修及时率: P0/P1 work orders arrived within their arrival clock ÷ P0/P1 work orders due to arrive */
  urgentRepairTimeliness: KpiRate,
  /** 维修及时率: equipment work orders (with a device) resolved within their clock ÷ due */
  equipmentRepairTimeliness: KpiRate,
  /** 设备完好率: devices online without an open P0/P1 work order ÷ registered devices, now */
  equipmentIntactRate: KpiRate,
  /** 设备故障率 (count-based): corrective equipment work orders ÷ registered devices */
  equipmentFailureRate: KpiRate,
  /** 消防设施完好率: fire devices without an open fire work order or an alarm ÷ fire devices */
  fireFacilitiesIntactRate: KpiRate,
  /** PM work orders completed by their due date (plus grace) ÷ PM work orders due */
  pmCompliance: KpiRate,
  /** mandatory (fire, water) PM only */
  mandatoryPmCompliance: KpiRate,
  /** minutes: created → accepted */
  mttaMin: Type.Optional(Type.Number()),
  /** minutes: created → resolved, paused time excluded */
  mttrMin: Type.Optional(Type.Number()),
  /** hours between consecutive corrective work orders of the same device */
  mtbfHours: Type.Optional(Type.Number()),
  /** open work orders now, and those of them past a due time */
  backlog: Type.Object({ open: Type.Integer(), overdue: Type.Integer() }),
})
export type MaintenanceKpis = Static<typeof MaintenanceKpis>

export const decodeWorkOrderView = jsonDecoder(WorkOrderView)

// ---- changes on MQTT ------------------------------------------------------------------------------------------

/**
 * A work order changed: published by the service that changed it on `fm/services/<service>/workorders/<siteId>`
 * (QoS 1), so that every api instance pushes it to the dashboards allowed to see the site. The store is the truth;
 * a receiver may read the work order again.
 */
export const WorkOrderChange = Type.Object({
  workOrder: WorkOrderView,
  /** the timeline event that made the change: an action, `created`, `retriggered`, `escalated`, `breached` */
  type: Type.String({ maxLength: 64 }),
  ts: Type.Integer({ minimum: 0 }),
})
export type WorkOrderChange = Static<typeof WorkOrderChange>

export const decodeWorkOrderChange = jsonDecoder(WorkOrderChange)

export const WORK_ORDER_CHANGE_FILTER = 'fm/services/+/workorders/+'
export function workOrderChangeTopic(service: 'ingest' | 'api', siteId: string): string {
  return `fm/services/${service}/workorders/${siteId}`
}
