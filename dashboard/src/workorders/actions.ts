/**
 * What a user may do to a work order now, derived from the protocol's one table (`WORK_ORDER_ACTIONS`): the action
 * must start in the work order's state, and the user needs its permission, or be the assigned technician with
 * `workorders.work` where the action is the assignee's. The api and the store check the same again; this only spares
 * the user buttons that would be refused.
 */
import {
  type Permission,
  WORK_ORDER_ACTION_NAMES,
  WORK_ORDER_ACTIONS,
  type WorkOrderActionName,
  type WorkOrderView,
} from '@fm/protocol'

/** Who is asking: the signed-in user's name and permissions. */
export interface Actor {
  username: string
  can: (permission: Permission) => boolean
}

/** Whether `actor` is the technician the work order is assigned to. */
export function isAssignee(order: Pick<WorkOrderView, 'assignee'>, actor: Actor | undefined): boolean {
  return actor !== undefined && order.assignee?.username === actor.username
}

/** Whether `actor` may take `action` on `order` in its current state. */
export function mayAct(
  action: WorkOrderActionName,
  order: Pick<WorkOrderView, 'state' | 'assignee'>,
  actor: Actor | undefined,
): boolean {
  const rule = WORK_ORDER_ACTIONS[action]
  if (!actor || !(rule.from as readonly string[]).includes(order.state)) return false
  if (actor.can(rule.permission)) return true
  return rule.assignee && actor.can('workorders.work') && isAssignee(order, actor)
}

/** The actions `actor` may take on `order` now, in the order of `WORK_ORDER_ACTIONS`. */
export function availableActions(
  order: Pick<WorkOrderView, 'state' | 'assignee'>,
  actor: Actor | undefined,
): WorkOrderActionName[] {
  return WORK_ORDER_ACTION_NAMES.filter((action) => mayAct(action, order, actor))
}

/** What an action asks for before it is sent: nothing, a reason, a technician, a hold reason, the repair, a triage. */
export type ActionForm = 'none' | 'reason' | 'assign' | 'hold' | 'resolve' | 'triage'

export function actionForm(action: WorkOrderActionName): ActionForm {
  switch (action) {
    case 'assign':
    case 'hold':
    case 'resolve':
    case 'triage':
      return action
    default:
      return WORK_ORDER_ACTIONS[action].reason ? 'reason' : 'none'
  }
}

/** Actions that end or undo something: shown apart, in the danger style. */
const DESTRUCTIVE: ReadonlySet<WorkOrderActionName> = new Set(['cancel', 'reject', 'decline', 'return', 'reopen'])

export function isDestructive(action: WorkOrderActionName): boolean {
  return DESTRUCTIVE.has(action)
}

/** The dispatcher's actions a board card offers; the rest (cancel, reopen, the technician's) are on the detail page. */
export const CARD_ACTIONS: readonly WorkOrderActionName[] = ['triage', 'assign', 'reject', 'verify', 'return']

/**
 * The technician's next step in each state, shown first and large on the phone: accept, go on site, resume, finish.
 */
export const NEXT_STEP: Partial<Record<WorkOrderView['state'], WorkOrderActionName>> = {
  assigned: 'accept',
  accepted: 'arrive',
  in_progress: 'resolve',
  on_hold: 'resume',
}

/** `actions` with the next step of `state` first, the destructive ones last, otherwise in the table's order. */
export function orderActions(
  actions: readonly WorkOrderActionName[],
  state: WorkOrderView['state'],
): WorkOrderActionName[] {
  const rank = (action: WorkOrderActionName) => (action === NEXT_STEP[state] ? 0 : isDestructive(action) ? 2 : 1)
  return [...actions].sort((a, b) => rank(a) - rank(b))
}

/** States in which a repair is under way: its checklist and photos can be recorded. */
const WORKING_STATES: readonly WorkOrderView['state'][] = ['accepted', 'in_progress', 'on_hold']

/** Whether `actor` may record the checklist and photos: the assigned technician, or a supervisor for them. */
export function mayRecordWork(order: Pick<WorkOrderView, 'state' | 'assignee'>, actor: Actor | undefined): boolean {
  if (!actor || !WORKING_STATES.includes(order.state)) return false
  return actor.can('workorders.manage') || (actor.can('workorders.work') && isAssignee(order, actor))
}
