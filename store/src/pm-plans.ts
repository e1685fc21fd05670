/**
 * Preventive maintenance: a site's plans (seeded from `PM_LIBRARY`), their schedules per device, and the work
 * orders they open (DOMAIN.md §c).
 *
 * - **Calendar**: due at `base + everyDays`. The base is the plan's creation, then on completion the due date just
 *   met (`fixed`: the rhythm holds, missed occurrences are not owed twice) or the completion (`floating`). The base
 *   is stored, not the due date, so a site tightening an interval moves every next due date with it.
 * - **Usage**: due when the device's counter passes `usageBase + every`; the base is the first reading seen, then
 *   the counter at completion. A counter that went backwards was reset: it becomes the base.
 * - With both, whichever comes first; completing resets both.
 * - At most one open work order per (plan, device), held by a partial UNIQUE index; a cancelled or rejected one
 *   skips its occurrence, so the plan does not reopen it at once.
 */
import {
  type ChecklistItem,
  ChecklistItem as ChecklistItemSchema,
  type DeviceKind,
  type FieldValue,
  matchesPmDevice,
  PM_LIBRARY,
  type PmDeviceMatch,
  type PmPlan,
  type PmSchedule,
  type WorkOrderCategory,
  type WorkOrderPerson,
  type WorkOrderView,
} from '@fm/protocol'
import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import type { SqliteDatabase } from './sqlite.ts'
import type { PmPlanPatch, Store } from './types.ts'
import type { WorkOrderCore } from './work-order-core.ts'
import {
  type DeviceFacts,
  firstProblem,
  OPEN_STATES_SQL,
  parseJson,
  SYSTEM,
  WorkOrderError,
  type WorkOrderRow,
} from './work-order-rows.ts'

const DAY_MS = 86_400_000
const MAX_EVERY_DAYS = 3660
const validateChecklist = Compile(Type.Array(ChecklistItemSchema, { minItems: 1, maxItems: 100 }))

interface PlanRow {
  id: number
  site_id: string
  template_id: string | null
  title: string
  category: WorkOrderCategory
  priority: PmPlan['priority']
  device_id: string | null
  kind: DeviceKind | null
  device_match: string | null
  every_days: number | null
  calendar: 'fixed' | 'floating'
  usage_field: string | null
  usage_every: number | null
  checklist: string
  basis: string | null
  mandatory: number
  enabled: number
  created_at: number
}

interface ScheduleRow {
  plan_id: number
  device_id: string
  base_at: number
  last_done_at: number | null
  usage_base: number | null
}

function toPlan(row: PlanRow): PmPlan {
  const trigger: PmPlan['trigger'] = {}
  if (row.every_days !== null) Object.assign(trigger, { everyDays: row.every_days, calendar: row.calendar })
  if (row.usage_field !== null && row.usage_every !== null) {
    trigger.usage = { field: row.usage_field, every: row.usage_every }
  }
  const plan: PmPlan = {
    id: row.id,
    siteId: row.site_id,
    title: JSON.parse(row.title) as PmPlan['title'],
    category: row.category,
    priority: row.priority,
    trigger,
    checklist: JSON.parse(row.checklist) as ChecklistItem[],
    mandatory: row.mandatory === 1,
    enabled: row.enabled === 1,
  }
  if (row.template_id !== null) plan.templateId = row.template_id
  if (row.device_id !== null) plan.deviceId = row.device_id
  if (row.kind !== null) plan.kind = row.kind
  if (row.basis !== null) plan.basis = row.basis
  return plan
}

/** Whether a plan of the device's site applies to it: its device, or one of its kind that its match selects. */
function appliesTo(plan: PlanRow, device: DeviceFacts): boolean {
  if (plan.device_id !== null) return plan.device_id === device.id
  if (plan.kind !== device.kind) return false
  const attributes = JSON.parse(device.attributes) as Record<string, string | number | boolean>
  return matchesPmDevice(parseJson<PmDeviceMatch>(plan.device_match), { ...device, attributes })
}

function nextDueOf(plan: PlanRow, schedule: ScheduleRow): number | undefined {
  return plan.every_days === null ? undefined : schedule.base_at + plan.every_days * DAY_MS
}

function prepareStatements(db: SqliteDatabase) {
  return {
    plan: db.prepare<[number], PlanRow>('SELECT * FROM pm_plans WHERE id = ?'),
    sitePlans: db.prepare<[string], PlanRow>('SELECT * FROM pm_plans WHERE site_id = ? ORDER BY id'),
    duePlans: db.prepare<[], PlanRow>(
      'SELECT * FROM pm_plans WHERE enabled = 1 AND every_days IS NOT NULL ORDER BY id',
    ),
    usagePlans: db.prepare<[string, string, string], PlanRow>(
      `SELECT * FROM pm_plans WHERE enabled = 1 AND usage_field IS NOT NULL AND site_id = ?
         AND (device_id = ? OR (device_id IS NULL AND kind = ?)) ORDER BY id`,
    ),
    insertPlan: db.prepare<Record<string, unknown>>(
      `INSERT INTO pm_plans (site_id, template_id, title, category, priority, kind, device_match, every_days, calendar,
         usage_field, usage_every, checklist, basis, mandatory, created_at, updated_at)
       VALUES (@siteId, @templateId, @title, @category, @priority, @kind, @match, @everyDays, @calendar, @usageField,
         @usageEvery, @checklist, @basis, @mandatory, @ts, @ts)
       ON CONFLICT (site_id, template_id) DO NOTHING`,
    ),
    devicesOfKind: db.prepare<[string, string], DeviceFacts>(
      'SELECT id, site_id, kind, name, building_id, room_id, attributes FROM devices WHERE site_id = ? AND kind = ? ORDER BY rowid',
    ),
    schedule: db.prepare<[number, string], ScheduleRow>(
      'SELECT * FROM pm_schedules WHERE plan_id = ? AND device_id = ?',
    ),
    saveSchedule: db.prepare<ScheduleRow>(
      `INSERT INTO pm_schedules (plan_id, device_id, base_at, last_done_at, usage_base)
       VALUES (@plan_id, @device_id, @base_at, @last_done_at, @usage_base)
       ON CONFLICT (plan_id, device_id) DO UPDATE SET base_at = excluded.base_at,
         last_done_at = excluded.last_done_at, usage_base = excluded.usage_base`,
    ),
    openWorkOrder: db.prepare<[number, string], { id: number }>(
      `SELECT id FROM work_orders WHERE origin = 'pm' AND pm_plan_id = ? AND coalesce(device_id, '') = ?
         AND state IN ${OPEN_STATES_SQL}`,
    ),
    counter: db.prepare<[string, string], { value: unknown }>(
      'SELECT json_extract(field_values, ?) AS value FROM device_state WHERE device_id = ?',
    ),
    siteExists: db.prepare<[string], { id: string }>('SELECT id FROM sites WHERE id = ?'),
  }
}

/** The store's methods for PM plans, their schedules and the work orders they open. */
export type PmMethods =
  | 'seedPmPlans'
  | 'pmPlans'
  | 'getPmPlan'
  | 'updatePmPlan'
  | 'pmSchedules'
  | 'openDuePmWorkOrders'
  | 'startPmWorkOrder'
  | 'recordUsage'

export function createPmPlans(db: SqliteDatabase, core: WorkOrderCore) {
  const statements = prepareStatements(db)

  /** The devices a plan applies to; `undefined` alone for a plan of the site itself. */
  function targetsOf(plan: PlanRow): (DeviceFacts | undefined)[] {
    if (plan.device_id !== null) return [core.device(plan.device_id)].filter((device) => device !== undefined)
    if (plan.kind === null) return [undefined]
    return statements.devicesOfKind.all(plan.site_id, plan.kind).filter((device) => appliesTo(plan, device))
  }

  function scheduleOf(plan: PlanRow, deviceId: string): ScheduleRow {
    return (
      statements.schedule.get(plan.id, deviceId) ?? {
        plan_id: plan.id,
        device_id: deviceId,
        base_at: plan.created_at,
        last_done_at: null,
        usage_base: null,
      }
    )
  }

  function open(
    plan: PlanRow,
    device: DeviceFacts | undefined,
    dueAt: number,
    ts: number,
    createdBy: WorkOrderPerson = SYSTEM,
  ): WorkOrderRow | undefined {
    const title = JSON.parse(plan.title) as PmPlan['title']
    return core.insert(
      {
        siteId: plan.site_id,
        buildingId: device?.building_id ?? undefined,
        roomId: device?.room_id ?? undefined,
        deviceId: device?.id,
        origin: 'pm',
        category: plan.category,
        priority: plan.priority,
        title: (device ? `${title['zh-CN']}：${device.name}` : title['zh-CN']).slice(0, 200),
        description: plan.basis === null ? undefined : `依据 ${plan.basis}`,
        pmPlanId: plan.id,
        pmDueAt: dueAt,
        checklist: JSON.parse(plan.checklist) as ChecklistItem[],
        createdBy,
      },
      ts,
    )
  }

  function counterOf(deviceId: string, field: string): number | undefined {
    const value = statements.counter.get(`$.${field}`, deviceId)?.value
    return typeof value === 'number' ? value : undefined
  }

  /** Schedules the next occurrence once a PM work order is verified (`done`), cancelled or rejected (`skipped`). */
  function onPmClosed(row: WorkOrderRow, ts: number, outcome: 'done' | 'skipped'): void {
    const plan = row.pm_plan_id === null ? undefined : statements.plan.get(row.pm_plan_id)
    if (!plan) return
    const schedule = { ...scheduleOf(plan, row.device_id ?? '') }
    if (plan.every_days !== null) {
      const every = plan.every_days * DAY_MS
      if (plan.calendar === 'floating') schedule.base_at = ts
      else {
        schedule.base_at = row.pm_due_at ?? nextDueOf(plan, schedule) ?? ts
        while (schedule.base_at + every <= ts) schedule.base_at += every
      }
    }
    if (plan.usage_field !== null && row.device_id !== null) {
      schedule.usage_base = counterOf(row.device_id, plan.usage_field) ?? schedule.usage_base
    }
    if (outcome === 'done') schedule.last_done_at = ts
    statements.saveSchedule.run(schedule)
  }

  const openDue = db.transaction((now: number): WorkOrderView[] => {
    const opened: WorkOrderRow[] = []
    for (const plan of statements.duePlans.all()) {
      for (const device of targetsOf(plan)) {
        const dueAt = nextDueOf(plan, scheduleOf(plan, device?.id ?? ''))
        if (dueAt === undefined || dueAt > now) continue
        const row = open(plan, device, dueAt, now)
        if (row) opened.push(row)
      }
    }
    return core.views(opened, now)
  })

  /** A plan's work order for one of its devices (or the site), now, ahead of its schedule. */
  const start = db.transaction(
    (id: number, deviceId: string | undefined, actor: WorkOrderPerson, ts: number): WorkOrderView => {
      const plan = statements.plan.get(id)
      if (!plan) throw new WorkOrderError('FM_ERR_PM_PLAN_NOT_FOUND', `no PM plan ${id}`)
      const targets = targetsOf(plan)
      const device = targets.find((target) => target?.id === deviceId)
      if (!targets.includes(device)) {
        const which = deviceId === undefined ? 'the site' : `device "${deviceId}"`
        throw new WorkOrderError('FM_ERR_WO_INVALID', `PM plan ${id} does not apply to ${which}`)
      }
      const row = open(plan, device, ts, ts, actor)
      if (!row) {
        const openId = statements.openWorkOrder.get(plan.id, device?.id ?? '')?.id
        throw new WorkOrderError('FM_ERR_WO_INVALID', `work order ${openId} of this plan is open already`)
      }
      const [view] = core.views([row], ts)
      if (!view) throw new Error(`work order ${row.id} vanished`)
      return view
    },
  )

  /**
   * What a reading means to a usage plan of its device: `rebase` for a first counter or one that went back (a reset),
   * `due` once it passed the base by the plan's interval and no work order of the plan is open for it; else nothing.
   */
  function usageStep(plan: PlanRow, device: DeviceFacts, values: Readonly<Record<string, FieldValue>>) {
    const value = plan.usage_field === null ? undefined : values[plan.usage_field]
    if (typeof value !== 'number' || plan.usage_every === null || !appliesTo(plan, device)) return undefined
    const schedule = scheduleOf(plan, device.id)
    if (schedule.usage_base === null || value < schedule.usage_base) return { step: 'rebase', schedule, value } as const
    if (value < schedule.usage_base + plan.usage_every || statements.openWorkOrder.get(plan.id, device.id))
      return undefined
    return { step: 'due', schedule, value } as const
  }

  const usage = db.transaction((device: DeviceFacts, values: Readonly<Record<string, FieldValue>>, ts: number) => {
    const opened: WorkOrderRow[] = []
    for (const plan of statements.usagePlans.all(device.site_id, device.id, device.kind)) {
      const next = usageStep(plan, device, values)
      if (next?.step === 'rebase') statements.saveSchedule.run({ ...next.schedule, usage_base: next.value })
      const row = next?.step === 'due' ? open(plan, device, ts, ts) : undefined
      if (row) opened.push(row)
    }
    return core.views(opened, ts)
  })

  const seed = db.transaction((siteId: string, ts: number): PmPlan[] => {
    if (!statements.siteExists.get(siteId)) throw new WorkOrderError('FM_ERR_PM_PLAN_INVALID', `no site "${siteId}"`)
    const created: PmPlan[] = []
    for (const template of PM_LIBRARY) {
      const { trigger } = template
      const inserted = statements.insertPlan.run({
        siteId,
        templateId: template.id,
        title: JSON.stringify(template.title),
        category: template.category,
        priority: template.priority,
        kind: template.kind ?? null,
        match: template.match === undefined ? null : JSON.stringify(template.match),
        everyDays: trigger.everyDays ?? null,
        calendar: trigger.calendar ?? 'fixed',
        usageField: trigger.usage?.field ?? null,
        usageEvery: trigger.usage?.every ?? null,
        checklist: JSON.stringify(template.checklist),
        basis: template.basis,
        mandatory: template.mandatory ? 1 : 0,
        ts,
      })
      const row = inserted.changes === 0 ? undefined : statements.plan.get(Number(inserted.lastInsertRowid))
      if (row) created.push(toPlan(row))
    }
    return created
  })

  const update = db.transaction((id: number, patch: PmPlanPatch, by: string, ts: number): PmPlan => {
    const plan = statements.plan.get(id)
    if (!plan) throw new WorkOrderError('FM_ERR_PM_PLAN_NOT_FOUND', `no PM plan ${id}`)
    const changes = planChanges(plan, patch)
    const columns = Object.keys(changes).map((column) => `${column} = @${column}`)
    db.prepare(
      `UPDATE pm_plans SET ${[...columns, 'updated_at = @ts', 'updated_by = @by'].join(', ')} WHERE id = @id`,
    ).run({ ...changes, ts, by, id })
    const row = statements.plan.get(id)
    if (!row) throw new Error(`PM plan ${id} vanished`)
    return toPlan(row)
  })

  const methods: Pick<Store, PmMethods> = {
    seedPmPlans: (siteId, ts) => seed.immediate(siteId, ts ?? core.now()),
    pmPlans: (siteId) => statements.sitePlans.all(siteId).map(toPlan),
    getPmPlan(id) {
      const row = statements.plan.get(id)
      return row && toPlan(row)
    },
    updatePmPlan: (id, patch, actor, ts) => update.immediate(id, patch, actor.displayName, ts ?? core.now()),
    pmSchedules(siteId) {
      return statements.sitePlans
        .all(siteId)
        .filter((plan) => plan.enabled === 1)
        .flatMap((plan) =>
          targetsOf(plan).map((device) => {
            const schedule = scheduleOf(plan, device?.id ?? '')
            const view: PmSchedule = { planId: plan.id, deviceId: schedule.device_id }
            const nextDueAt = nextDueOf(plan, schedule)
            const openId = statements.openWorkOrder.get(plan.id, schedule.device_id)?.id
            if (nextDueAt !== undefined) view.nextDueAt = nextDueAt
            if (schedule.last_done_at !== null) view.lastDoneAt = schedule.last_done_at
            if (schedule.usage_base !== null) view.usageBase = schedule.usage_base
            if (openId !== undefined) view.openWorkOrderId = openId
            return view
          }),
        )
    },
    openDuePmWorkOrders: (now) => openDue.immediate(now ?? core.now()),
    startPmWorkOrder: (id, deviceId, actor, ts) => start.immediate(id, deviceId, actor, ts ?? core.now()),
    recordUsage(deviceId, values, ts) {
      // every reading of a pump or a gate comes here: the write lock is taken only when a plan has something to write
      const device = core.device(deviceId)
      if (!device) return []
      const plans = statements.usagePlans.all(device.site_id, device.id, device.kind)
      const acts = plans.some((plan) => usageStep(plan, device, values) !== undefined)
      return acts ? usage.immediate(device, values, ts ?? core.now()) : []
    },
  }
  return { methods, onPmClosed }
}

/** The columns a patch changes, checked. */
function planChanges(plan: PlanRow, patch: PmPlanPatch): Record<string, number | string> {
  const invalid = (message: string) => new WorkOrderError('FM_ERR_PM_PLAN_INVALID', message)
  const changes: Record<string, number | string> = {}
  if (patch.everyDays !== undefined) {
    if (!Number.isInteger(patch.everyDays) || patch.everyDays < 1 || patch.everyDays > MAX_EVERY_DAYS) {
      throw invalid(`everyDays is a whole number of days, 1 to ${MAX_EVERY_DAYS}`)
    }
    if (plan.every_days === null) throw invalid(`PM plan ${plan.id} has no calendar trigger`)
    changes.every_days = patch.everyDays
  }
  if (patch.usage !== undefined) {
    if (plan.usage_field === null) throw invalid(`PM plan ${plan.id} has no usage trigger`)
    if (!Number.isFinite(patch.usage.every) || patch.usage.every <= 0) throw invalid('usage.every must be above 0')
    changes.usage_every = patch.usage.every
  }
  if (patch.enabled !== undefined) {
    if (typeof patch.enabled !== 'boolean') throw invalid('enabled is true or false')
    changes.enabled = patch.enabled ? 1 : 0
  }
  if (patch.checklist !== undefined) {
    if (!validateChecklist.Check(patch.checklist)) {
      throw invalid(`checklist: ${firstProblem(validateChecklist, patch.checklist)}`)
    }
    const ids = patch.checklist.map((item) => item.id)
    if (new Set(ids).size !== ids.length) throw invalid('checklist item ids must be unique')
    changes.checklist = JSON.stringify(patch.checklist)
  }
  return changes
}
