/**
 * The rows of the work-order tables and what the store answers for them: the views with their SLA clocks (computed
 * from the timeline's state changes), the timeline events, the coded error, and the permission check every part
 * applies.
 */
import {
  type AlarmPriority,
  type ChecklistItem,
  type ChecklistResult,
  type HoldReason,
  type Permission,
  type SlaStep,
  type SlaTargets,
  slaClocks,
  type WorkOrderCategory,
  type WorkOrderEvent,
  type WorkOrderOrigin,
  type WorkOrderPerson,
  type WorkOrderState,
  type WorkOrderView,
} from '@fm/protocol'
import type { Validator } from 'typebox/compile'

export type WorkOrderErrorCode =
  | 'FM_ERR_WO_NOT_FOUND'
  | 'FM_ERR_WO_TRANSITION'
  | 'FM_ERR_WO_FORBIDDEN'
  | 'FM_ERR_WO_INVALID'
  | 'FM_ERR_WO_ALARM_ACTIVE'
  | 'FM_ERR_WO_REOPEN_EXPIRED'
  | 'FM_ERR_WO_CHECKLIST_INCOMPLETE'
  | 'FM_ERR_PHOTO_INVALID'
  | 'FM_ERR_PM_PLAN_NOT_FOUND'
  | 'FM_ERR_PM_PLAN_INVALID'

/** A refused work-order or PM operation; `code` tells the api which answer to give. */
export class WorkOrderError extends Error {
  readonly code: WorkOrderErrorCode

  constructor(code: WorkOrderErrorCode, message: string) {
    super(message)
    this.name = 'WorkOrderError'
    this.code = code
  }
}

/** The platform, as the author of what no person did (alarm and PM work orders, escalations). */
export const SYSTEM: WorkOrderPerson = Object.freeze({ username: 'system', displayName: 'system' })

export const OPEN_STATES_SQL = `('new', 'triaged', 'assigned', 'accepted', 'in_progress', 'on_hold', 'resolved')`

export interface WorkOrderRow {
  id: number
  number: string
  site_id: string
  building_id: string | null
  room_id: string | null
  device_id: string | null
  unit: string | null
  resident: string | null
  origin: WorkOrderOrigin
  category: WorkOrderCategory
  priority: AlarmPriority
  state: WorkOrderState
  title: string
  description: string | null
  alarm_id: number | null
  rule_id: string | null
  retriggers: number
  pm_plan_id: number | null
  pm_due_at: number | null
  parent_id: number | null
  parent_item_id: string | null
  assignee: string | null
  created_by: string
  created_by_name: string
  created_at: number
  updated_at: number
  hold_reason: HoldReason | null
  hold_since: number | null
  hold_note: string | null
  resolution: string | null
  resolved_at: number | null
  verified_at: number | null
  first_time_pass: number
  rework: number
  escalated_at: number | null
  sla_targets: string
  checklist: string | null
  checklist_results: string | null
  // joined from users
  assignee_name: string | null
}

/** Columns a change may set. */
export type WorkOrderChanges = Partial<Omit<WorkOrderRow, 'id' | 'number' | 'site_id' | 'created_at' | 'assignee_name'>>

export const SELECT_WORK_ORDER = `SELECT w.*, u.display_name AS assignee_name
  FROM work_orders w LEFT JOIN users u ON u.username = w.assignee`

/** A new work order as the parts of the store open it; the place is checked by `placeOf` before. */
export interface NewWorkOrder {
  siteId: string
  buildingId?: string | undefined
  roomId?: string | undefined
  deviceId?: string | undefined
  unit?: string | undefined
  resident?: { name: string; phone?: string } | undefined
  origin: WorkOrderOrigin
  category: WorkOrderCategory
  priority: AlarmPriority
  title: string
  description?: string | undefined
  alarmId?: number
  ruleId?: string
  pmPlanId?: number
  pmDueAt?: number
  parentId?: number
  parentItemId?: string
  checklist?: readonly ChecklistItem[]
  createdBy: WorkOrderPerson
}

export interface TimelineEntry {
  type: string
  from?: WorkOrderState
  to?: WorkOrderState
  by: WorkOrderPerson
  note?: string | undefined
  detail?: Record<string, unknown>
}

export interface DeviceFacts {
  id: string
  site_id: string
  kind: string
  name: string
  building_id: string | null
  room_id: string | null
  attributes: string
}

export interface EventRow {
  id: number
  work_order_id: number
  at: number
  type: string
  from_state: WorkOrderState | null
  to_state: WorkOrderState | null
  by_name: string
  note: string | null
  detail: string | null
}

/**
 * Refuses an actor who lacks `rule.permission`, unless `rule.assignee` and the actor is the work order's assignee
 * with `workorders.work`. `what` names the operation in the message.
 */
export function authorize(
  what: string,
  rule: { permission: Permission; assignee: boolean },
  row: Pick<WorkOrderRow, 'number' | 'assignee'>,
  actor: { username: string; permissions: readonly Permission[] },
): void {
  if (actor.permissions.includes(rule.permission)) return
  const isAssignee = row.assignee !== null && row.assignee === actor.username
  if (rule.assignee && isAssignee && actor.permissions.includes('workorders.work')) return
  const who = rule.assignee ? `the assigned technician or ${rule.permission}` : rule.permission
  throw new WorkOrderError('FM_ERR_WO_FORBIDDEN', `${what} on work order ${row.number} needs ${who}`)
}

/** The first schema error of `value`, for the message of a refusal. */
export function firstProblem(validator: Validator, value: unknown): string {
  const [first] = validator.Errors(value)
  return first ? `${first.instancePath || '/'} ${first.message}` : 'does not match the schema'
}

export function parseJson<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T)
}

export function toEvent(row: EventRow): WorkOrderEvent {
  const event: WorkOrderEvent = {
    id: row.id,
    workOrderId: row.work_order_id,
    at: row.at,
    type: row.type,
    by: row.by_name,
  }
  if (row.from_state !== null) event.from = row.from_state
  if (row.to_state !== null) event.to = row.to_state
  if (row.note !== null) event.note = row.note
  if (row.detail !== null) event.detail = JSON.parse(row.detail) as Record<string, unknown>
  return event
}

export function toView(row: WorkOrderRow, steps: readonly SlaStep[], now: number): WorkOrderView {
  const view: WorkOrderView = {
    id: row.id,
    number: row.number,
    siteId: row.site_id,
    origin: row.origin,
    category: row.category,
    priority: row.priority,
    state: row.state,
    title: row.title,
    createdBy: { username: row.created_by, displayName: row.created_by_name },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    firstTimePass: row.first_time_pass === 1,
    rework: row.rework === 1,
    clocks: slaClocks(row.created_at, JSON.parse(row.sla_targets) as SlaTargets, steps, now),
  }
  const optional: Partial<WorkOrderView> = {
    buildingId: row.building_id ?? undefined,
    roomId: row.room_id ?? undefined,
    deviceId: row.device_id ?? undefined,
    unit: row.unit ?? undefined,
    resident: parseJson(row.resident),
    description: row.description ?? undefined,
    pmPlanId: row.pm_plan_id ?? undefined,
    parentId: row.parent_id ?? undefined,
    resolution: parseJson(row.resolution),
    resolvedAt: row.resolved_at ?? undefined,
    verifiedAt: row.verified_at ?? undefined,
    escalatedAt: row.escalated_at ?? undefined,
    checklist: parseJson<ChecklistItem[]>(row.checklist),
    checklistResults: parseJson<ChecklistResult[]>(row.checklist_results),
  }
  if (row.alarm_id !== null && row.rule_id !== null) {
    optional.alarm = { id: row.alarm_id, ruleId: row.rule_id, retriggers: row.retriggers }
  }
  if (row.assignee !== null) {
    optional.assignee = { username: row.assignee, displayName: row.assignee_name ?? row.assignee }
  }
  if (row.hold_reason !== null) {
    optional.hold = { reason: row.hold_reason, since: row.hold_since ?? row.updated_at, note: row.hold_note ?? '' }
  }
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(view, { [key]: value })
  return view
}
