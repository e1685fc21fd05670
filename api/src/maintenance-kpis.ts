/**
 * The maintenance KPIs of DOMAIN.md §e for one site and period `[from, to)`, from the work orders (whose SLA clocks
 * were computed as of `now` by `slaClocks`), their timelines, the registered devices and the alarms. Pure: the route
 * reads the store, this module only counts. Each KPI's exact definition, numerator and denominator is on the function
 * that computes it; the KPI page shows them.
 *
 * Throughout:
 * - **Corrective** work orders are those not opened by a PM plan (`origin ≠ pm`); **minor** (零修) ones are P2/P3.
 * - Cancelled and rejected work orders count in no rate, mean or backlog: nothing was repaired.
 * - A timeliness rate counts a work order by its clock's **due time** (`dueAt` in the period), so that an overdue one
 *   still open is in the denominator, not hidden; one still running and not yet due is left out until it is met or
 *   breaches. On time = met without breach, i.e. `metAt ≤ dueAt`, paused time excluded (`sla.ts`).
 * - Rates are percent rounded to two decimals, undefined when the denominator is 0; means likewise, undefined with no
 *   samples.
 */
import {
  type AlarmView,
  type DeviceKind,
  isOpenWorkOrder,
  isUrgent,
  type KpiRate,
  type MaintenanceKpis,
  type PmPlan,
  type SlaClock,
  type SlaClockView,
  type WorkOrderEvent,
  type WorkOrderState,
  type WorkOrderView,
} from '@fm/protocol'
import { type CsvValue, csvTable } from './csv.ts'

const MIN_MS = 60_000
const HOUR_MS = 60 * MIN_MS
const DAY_MS = 24 * HOUR_MS

/** A registered device, as the KPIs see it. */
export interface KpiDevice {
  id: string
  kind: DeviceKind
  buildingId?: string
  /** reporting now (not past its offline timeout) */
  online: boolean
}

/** What the KPIs read of a PM plan: its interval (for the grace) and whether the law requires it. */
export type KpiPlan = Pick<PmPlan, 'id' | 'trigger' | 'mandatory'>

export interface MaintenanceKpiInput {
  siteId: string
  from: number
  to: number
  /** the time the clocks were computed at; the device and backlog figures are as of it */
  now: number
  workOrders: readonly WorkOrderView[]
  /** by work-order id: the first acceptance (MTTA) and the first verification (零修合格率) are read from it */
  timelines: ReadonlyMap<number, readonly WorkOrderEvent[]>
  devices: readonly KpiDevice[]
  /** the site's alarms now; the active and out-of-service (屏蔽) ones count against the fire facilities */
  alarms: readonly AlarmView[]
  plans: readonly KpiPlan[]
  /** by work-order id, the schedule's due time of a PM work order; without it, its resolution clock's `dueAt` */
  pmDueAt?: ReadonlyMap<number, number>
}

/** The seed targets (DOMAIN.md §e), percent. 设备故障率 has none: a site sets its own. */
export const MAINTENANCE_KPI_TARGETS = {
  minorRepairTimeliness: 95,
  minorRepairPassRate: 98,
  urgentRepairTimeliness: 100,
  equipmentRepairTimeliness: 95,
  equipmentIntactRate: 98,
  fireFacilitiesIntactRate: 100,
  pmCompliance: 90,
  mandatoryPmCompliance: 100,
} as const

/** The longest PM grace (SMRP): 28 days. */
export const MAX_PM_GRACE_MS = 28 * DAY_MS

/** The device kinds that are fire facilities in themselves; a pump counts while it has an open fire work order. */
export const FIRE_DEVICE_KINDS: readonly DeviceKind[] = ['fire-alarm-panel', 'fire-water']

const round2 = (value: number) => Math.round(value * 100) / 100
const inPeriod = (ms: number | undefined, from: number, to: number): ms is number =>
  ms !== undefined && ms >= from && ms < to
const isCorrective = (order: WorkOrderView) => order.origin !== 'pm'
const isMinor = (order: WorkOrderView) => order.priority === 'P2' || order.priority === 'P3'
const clockOf = (order: WorkOrderView, clock: SlaClock): SlaClockView | undefined =>
  order.clocks.find((view) => view.clock === clock)
const mean = (values: readonly number[]) =>
  values.length === 0 ? undefined : round2(values.reduce((sum, value) => sum + value, 0) / values.length)

/** A rate in percent with what it counts; `value` undefined when nothing was counted. */
export function kpiRate(numerator: number, denominator: number, target?: number): KpiRate {
  return {
    numerator,
    denominator,
    ...(denominator === 0 ? {} : { value: round2((100 * numerator) / denominator) }),
    ...(target === undefined ? {} : { target }),
  }
}

/** 返修率 = 100 − 零修合格率, over the same minor repairs: those that failed first time or came back. */
export function reworkRate(passRate: KpiRate): KpiRate {
  return kpiRate(passRate.denominator - passRate.numerator, passRate.denominator)
}

/** The grace of a PM due date (SMRP): 20 % of the plan's interval, at most 28 days; none for a usage-only plan. */
export function pmGraceMs(everyDays: number | undefined): number {
  // ÷ 5 rather than × 0.2, which is not exact in binary: a weekly plan's grace is 33 h 36 min to the ms
  return everyDays === undefined ? 0 : Math.min((everyDays * DAY_MS) / 5, MAX_PM_GRACE_MS)
}

/** When the timeline first entered `state`. */
function firstEntered(events: readonly WorkOrderEvent[] | undefined, state: WorkOrderState): number | undefined {
  const times = (events ?? []).filter((event) => event.to === state).map((event) => event.at)
  return times.length === 0 ? undefined : Math.min(...times)
}

/**
 * Timeliness of one clock: of `orders`, those whose `clock` is due in `[from, to)` and decided (met, or breached);
 * numerator: met without breach (`metAt ≤ dueAt`).
 */
function timeliness(orders: readonly WorkOrderView[], clock: SlaClock, from: number, to: number, target: number) {
  let numerator = 0
  let denominator = 0
  for (const order of orders) {
    const view = clockOf(order, clock)
    if (!view || !inPeriod(view.dueAt, from, to)) continue
    if (view.metAt === undefined && view.breachedAt === undefined) continue
    denominator += 1
    if (view.breachedAt === undefined) numerator += 1
  }
  return kpiRate(numerator, denominator, target)
}

/**
 * 零修合格率: minor corrective work orders first verified in `[from, to)` (the timeline's first `verified`, else
 * `verifiedAt`); numerator: accepted at the first verification and not reopened (`firstTimePass && !rework`; a
 * reopen is rework only within REOPEN_WINDOW_MS, so a recent month's figure can still fall).
 */
function minorRepairPassRate(minor: readonly WorkOrderView[], input: MaintenanceKpiInput): KpiRate {
  const verified = minor.filter((order) =>
    inPeriod(firstEntered(input.timelines.get(order.id), 'verified') ?? order.verifiedAt, input.from, input.to),
  )
  const passed = verified.filter((order) => order.firstTimePass && !order.rework)
  return kpiRate(passed.length, verified.length, MAINTENANCE_KPI_TARGETS.minorRepairPassRate)
}

/**
 * The device figures, as of `now`:
 * - 设备完好率: registered devices online and without an open P0/P1 work order ÷ registered devices;
 * - 设备故障率 (variant B, count-based): corrective work orders of a registered device created in `[from, to)` ÷
 *   registered devices, percent (failures per 100 devices in the period; it may exceed 100);
 * - 消防设施完好率: fire devices (kinds FIRE_DEVICE_KINDS, and any device with an open `fire` work order) without an
 *   open `fire` work order and without an active or out-of-service (屏蔽) alarm ÷ fire devices.
 */
function deviceRates(orders: readonly WorkOrderView[], input: MaintenanceKpiInput) {
  const open = orders.filter((order) => isOpenWorkOrder(order.state) && order.deviceId !== undefined)
  const urgent = new Set(open.filter((order) => isUrgent(order.priority)).map((order) => order.deviceId))
  const fireWork = new Set(open.filter((order) => order.category === 'fire').map((order) => order.deviceId))
  const alarmed = new Set(
    input.alarms.filter((alarm) => alarm.active || alarm.outOfService !== undefined).map((alarm) => alarm.deviceId),
  )
  const registered = new Set(input.devices.map((device) => device.id))
  const failures = orders.filter(
    (order) =>
      isCorrective(order) && registered.has(order.deviceId ?? '') && inPeriod(order.createdAt, input.from, input.to),
  )
  const intact = input.devices.filter((device) => device.online && !urgent.has(device.id))
  const fire = input.devices.filter((device) => FIRE_DEVICE_KINDS.includes(device.kind) || fireWork.has(device.id))
  const fireIntact = fire.filter((device) => !fireWork.has(device.id) && !alarmed.has(device.id))
  const targets = MAINTENANCE_KPI_TARGETS
  return {
    equipmentIntactRate: kpiRate(intact.length, input.devices.length, targets.equipmentIntactRate),
    equipmentFailureRate: kpiRate(failures.length, input.devices.length),
    fireFacilitiesIntactRate: kpiRate(fireIntact.length, fire.length, targets.fireFacilitiesIntactRate),
  }
}

/**
 * PM compliance: PM work orders due in `[from, to)` (the schedule's due time, else the resolution clock's `dueAt`)
 * and decided (resolved, or past due + grace); numerator: resolved by due + `pmGraceMs` of the plan's interval.
 * `mandatoryPmCompliance` is the same over the plans the law requires.
 */
function pmRates(orders: readonly WorkOrderView[], input: MaintenanceKpiInput) {
  const plans = new Map(input.plans.map((plan) => [plan.id, plan]))
  const all = { numerator: 0, denominator: 0 }
  const mandatory = { numerator: 0, denominator: 0 }
  for (const order of orders) {
    if (order.origin !== 'pm') continue
    const plan = order.pmPlanId === undefined ? undefined : plans.get(order.pmPlanId)
    const resolution = clockOf(order, 'resolution')
    const dueAt = input.pmDueAt?.get(order.id) ?? resolution?.dueAt
    if (!inPeriod(dueAt, input.from, input.to)) continue
    const deadline = dueAt + pmGraceMs(plan?.trigger.everyDays)
    const doneAt = resolution?.metAt
    if (doneAt === undefined && input.now < deadline) continue
    const onTime = doneAt !== undefined && doneAt <= deadline ? 1 : 0
    for (const counts of plan?.mandatory ? [all, mandatory] : [all]) {
      counts.denominator += 1
      counts.numerator += onTime
    }
  }
  return {
    pmCompliance: kpiRate(all.numerator, all.denominator, MAINTENANCE_KPI_TARGETS.pmCompliance),
    mandatoryPmCompliance: kpiRate(
      mandatory.numerator,
      mandatory.denominator,
      MAINTENANCE_KPI_TARGETS.mandatoryPmCompliance,
    ),
  }
}

/**
 * The means over corrective work orders, in the period:
 * - `mttaMin`: created → first accepted (timeline), over those first accepted in `[from, to)`;
 * - `mttrMin`: created → resolved less the paused time, i.e. the resolution clock's running time to `metAt`, over those
 *   whose resolution was met in `[from, to)` (a returned resolution does not count; a reopen does not move it);
 * - `mtbfHours` (count-based): the mean gap between consecutive corrective work orders of the same device created in
 *   `[from, to)`, over all such gaps.
 */
function means(corrective: readonly WorkOrderView[], input: MaintenanceKpiInput) {
  const { from, to, timelines } = input
  const ackMin: number[] = []
  const repairMin: number[] = []
  const byDevice = new Map<string, number[]>()
  for (const order of corrective) {
    const acceptedAt = firstEntered(timelines.get(order.id), 'accepted')
    if (inPeriod(acceptedAt, from, to)) ackMin.push((acceptedAt - order.createdAt) / MIN_MS)
    const resolution = clockOf(order, 'resolution')
    if (resolution && inPeriod(resolution.metAt, from, to)) {
      repairMin.push((resolution.metAt - order.createdAt - resolution.pausedMs) / MIN_MS)
    }
    if (order.deviceId !== undefined && inPeriod(order.createdAt, from, to)) {
      byDevice.set(order.deviceId, [...(byDevice.get(order.deviceId) ?? []), order.createdAt])
    }
  }
  const gapsHours = [...byDevice.values()].flatMap((times) =>
    times
      .sort((a, b) => a - b)
      .slice(1)
      .map((time, index) => (time - (times[index] ?? time)) / HOUR_MS),
  )
  const mttaMin = mean(ackMin)
  const mttrMin = mean(repairMin)
  const mtbfHours = mean(gapsHours)
  return {
    ...(mttaMin === undefined ? {} : { mttaMin }),
    ...(mttrMin === undefined ? {} : { mttrMin }),
    ...(mtbfHours === undefined ? {} : { mtbfHours }),
  }
}

/**
 * The maintenance KPIs of DOMAIN.md §e. Besides those above:
 * - 零修及时率: minor corrective work orders by their resolution clock (`timeliness`);
 * - 急修及时率: P0/P1 corrective work orders by their arrival clock;
 * - 维修及时率: corrective work orders with a device, any priority, by their resolution clock;
 * - backlog: open work orders now (`isOpenWorkOrder`), and those of them with any clock breached.
 */
export function computeMaintenanceKpis(input: MaintenanceKpiInput): MaintenanceKpis {
  const { siteId, from, to } = input
  if (!(from < to)) throw new RangeError(`maintenance KPIs need from < to, got ${from} and ${to}`)
  const orders = input.workOrders.filter((order) => order.state !== 'cancelled' && order.state !== 'rejected')
  const corrective = orders.filter(isCorrective)
  const minor = corrective.filter(isMinor)
  const targets = MAINTENANCE_KPI_TARGETS
  const open = orders.filter((order) => isOpenWorkOrder(order.state))
  return {
    siteId,
    from,
    to,
    minorRepairTimeliness: timeliness(minor, 'resolution', from, to, targets.minorRepairTimeliness),
    minorRepairPassRate: minorRepairPassRate(minor, input),
    urgentRepairTimeliness: timeliness(
      corrective.filter((order) => isUrgent(order.priority)),
      'arrival',
      from,
      to,
      targets.urgentRepairTimeliness,
    ),
    equipmentRepairTimeliness: timeliness(
      corrective.filter((order) => order.deviceId !== undefined),
      'resolution',
      from,
      to,
      targets.equipmentRepairTimeliness,
    ),
    ...deviceRates(orders, input),
    ...pmRates(orders, input),
    ...means(corrective, input),
    backlog: {
      open: open.length,
      overdue: open.filter((order) => order.clocks.some((clock) => clock.breachedAt !== undefined)).length,
    },
  }
}

// ---- breakdowns ------------------------------------------------------------------------------------------------

export type KpiDimension = 'building' | 'category' | 'technician'

export interface KpiBreakdown {
  dimension: KpiDimension
  /** the building id, the category, or the technician's username */
  key: string
  /** what to show: the key, or the technician's name */
  label: string
  kpis: MaintenanceKpis
}

/**
 * The KPIs per building, category or technician (the current assignee): the same computation on the work orders of
 * each key, the others left out. Per building, the devices and alarms of that building; per category or technician
 * there are no devices (a device has neither), so the device rates have no denominator. Work orders without the key
 * (no building, no assignee) are in the site's figures only.
 */
export function maintenanceKpisBy(input: MaintenanceKpiInput, dimension: KpiDimension): KpiBreakdown[] {
  const keyOf = (order: WorkOrderView): string | undefined =>
    dimension === 'building' ? order.buildingId : dimension === 'category' ? order.category : order.assignee?.username
  const labels = new Map<string, string>()
  for (const order of input.workOrders) {
    const key = keyOf(order)
    if (key !== undefined) labels.set(key, order.assignee?.displayName ?? key)
  }
  if (dimension === 'building') {
    for (const device of input.devices)
      if (device.buildingId !== undefined) labels.set(device.buildingId, device.buildingId)
  }
  return [...labels.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((key) => ({
      dimension,
      key,
      label: dimension === 'technician' ? (labels.get(key) ?? key) : key,
      kpis: computeMaintenanceKpis({
        ...input,
        workOrders: input.workOrders.filter((order) => keyOf(order) === key),
        devices: dimension === 'building' ? input.devices.filter((device) => device.buildingId === key) : [],
        alarms: dimension === 'building' ? input.alarms.filter((alarm) => alarm.buildingId === key) : [],
      }),
    }))
}

// ---- CSV export ------------------------------------------------------------------------------------------------

type RateKey = {
  [K in keyof MaintenanceKpis]-?: MaintenanceKpis[K] extends KpiRate ? K : never
}[keyof MaintenanceKpis]

/** The CSV's labels, as the KPI page names them. */
export const MAINTENANCE_KPI_LABELS: Readonly<Record<RateKey, string>> = {
  minorRepairTimeliness: '零修及时率',
  minorRepairPassRate: '零修合格率',
  urgentRepairTimeliness: '急修及时率',
  equipmentRepairTimeliness: '维修及时率',
  equipmentIntactRate: '设备完好率',
  equipmentFailureRate: '设备故障率（按次数）',
  fireFacilitiesIntactRate: '消防设施完好率',
  pmCompliance: '计划保养完成率',
  mandatoryPmCompliance: '法定保养完成率',
}

function kpiRows(subject: string, kpis: MaintenanceKpis): CsvValue[][] {
  const rate = (kpi: string, label: string, { numerator, denominator, value, target }: KpiRate): CsvValue[] => [
    subject,
    kpi,
    label,
    numerator,
    denominator,
    value,
    target,
  ]
  const figure = (kpi: string, label: string, value: number | undefined): CsvValue[] => [
    subject,
    kpi,
    label,
    '',
    '',
    value,
    '',
  ]
  return [
    ...Object.entries(MAINTENANCE_KPI_LABELS).map(([kpi, label]) => rate(kpi, label, kpis[kpi as RateKey])),
    rate('reworkRate', '返修率', reworkRate(kpis.minorRepairPassRate)),
    figure('mttaMin', 'MTTA（分钟，创建→接单）', kpis.mttaMin),
    figure('mttrMin', 'MTTR（分钟，创建→完成，扣除暂停）', kpis.mttrMin),
    figure('mtbfHours', 'MTBF（小时，同设备相邻故障工单间隔）', kpis.mtbfHours),
    figure('backlogOpen', '未完成工单', kpis.backlog.open),
    figure('backlogOverdue', '其中已超时', kpis.backlog.overdue),
  ]
}

/**
 * The KPIs as CSV (`csv.ts`): one row per KPI with `subject,kpi,label,numerator,denominator,value,target`; the site's
 * figures have the subject `site:<id>`, a breakdown's `<dimension>:<key>`. The first rows give the period (ISO 8601).
 */
export function maintenanceKpisCsv(kpis: MaintenanceKpis, breakdowns: readonly KpiBreakdown[] = []): string {
  const iso = (ms: number) => new Date(ms).toISOString()
  return csvTable([
    ['subject', 'kpi', 'label', 'numerator', 'denominator', 'value', 'target'],
    [`site:${kpis.siteId}`, 'from', '开始', '', '', iso(kpis.from), ''],
    [`site:${kpis.siteId}`, 'to', '结束（不含）', '', '', iso(kpis.to), ''],
    ...kpiRows(`site:${kpis.siteId}`, kpis),
    ...breakdowns.flatMap((breakdown) => kpiRows(`${breakdown.dimension}:${breakdown.key}`, breakdown.kpis)),
  ])
}
