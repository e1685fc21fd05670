/**
 * The work-order state machine, enforced here whoever asks: `WORK_ORDER_ACTIONS` (protocol) says from which states
 * each action starts, where it leads, who may do it and whether it needs a reason. Each action is one IMMEDIATE
 * transaction that checks, changes the row and appends the timeline, in that order of refusals: unknown work order,
 * illegal from this state, not allowed to this user, invalid input, then the rules of the action itself.
 */
import {
  type AlarmView,
  type ChecklistItem,
  type ChecklistResult,
  REOPEN_WINDOW_MS,
  WORK_ORDER_ACTIONS,
  type WorkOrderAction,
  WorkOrderActionInput,
  type WorkOrderActionName,
  type WorkOrderState,
  type WorkOrderView,
} from '@fm/protocol'
import { Compile } from 'typebox/compile'
import type { SqliteDatabase } from './sqlite.ts'
import type { WorkOrderActor } from './types.ts'
import { failedItems, missingItems } from './work-order-checklist.ts'
import type { WorkOrderCore } from './work-order-core.ts'
import { authorize, parseJson, type WorkOrderChanges, WorkOrderError, type WorkOrderRow } from './work-order-rows.ts'

const MIN_REASON_CHARS = 2
const MAX_TITLE_CHARS = 200
/** `WorkOrderView.hold.note`; the full reason stays on the timeline */
const MAX_HOLD_NOTE_CHARS = 500
const validateInput = Compile(WorkOrderActionInput)

interface Context {
  row: WorkOrderRow
  input: WorkOrderActionInput
  actor: WorkOrderActor
  ts: number
  reason: string | undefined
}

interface Effect {
  changes?: WorkOrderChanges
  detail?: Record<string, unknown>
}

export interface WorkOrderActionDeps {
  getAlarm(id: number): AlarmView | undefined
  canBeAssigned(username: string, siteId: string, buildingId: string | undefined): boolean
  /** A PM work order was verified (`done`) or cancelled or rejected: the plan's next one is scheduled. */
  onPmClosed(row: WorkOrderRow, ts: number, outcome: 'done' | 'skipped'): void
}

const invalid = (message: string) => new WorkOrderError('FM_ERR_WO_INVALID', message)

function reasonOf(given: string | undefined, required: boolean, name: string): string | undefined {
  const reason = given?.trim()
  if (reason !== undefined && reason.length >= MIN_REASON_CHARS) return reason
  if (required) throw invalid(`${name} needs a reason`)
  return undefined
}

export function createWorkOrderActions(db: SqliteDatabase, core: WorkOrderCore, deps: WorkOrderActionDeps) {
  const effects: Record<WorkOrderActionName, (context: Context) => Effect> = {
    triage({ row, input }) {
      const category = input.category ?? row.category
      const priority = input.priority ?? row.priority
      if (category === row.category && priority === row.priority) return {}
      // the clocks of the corrected (category, priority), from the site's policy
      const sla_targets = JSON.stringify(core.targetsFor(row.site_id, category, priority))
      return {
        changes: { category, priority, sla_targets },
        detail: { category: [row.category, category], priority: [row.priority, priority] },
      }
    },
    assign({ row, input }) {
      if (input.assignee === undefined) throw invalid('assign needs an assignee')
      if (!deps.canBeAssigned(input.assignee, row.site_id, row.building_id ?? undefined)) {
        throw invalid(`"${input.assignee}" is not an enabled technician covering this work order's place`)
      }
      return { changes: { assignee: input.assignee }, detail: { assignee: input.assignee } }
    },
    accept: () => ({}),
    decline: ({ row }) => ({ changes: { assignee: null }, detail: { assignee: row.assignee } }),
    arrive: () => ({}),
    hold({ input, ts, reason }) {
      if (input.holdReason === undefined) throw invalid('hold needs a holdReason')
      return {
        changes: {
          hold_reason: input.holdReason,
          hold_since: ts,
          hold_note: (reason ?? '').slice(0, MAX_HOLD_NOTE_CHARS),
        },
        detail: { holdReason: input.holdReason },
      }
    },
    resume: () => ({}),
    resolve({ row, input, ts, reason }) {
      const checklist = parseJson<ChecklistItem[]>(row.checklist) ?? []
      const missing = missingItems(checklist, parseJson<ChecklistResult[]>(row.checklist_results) ?? [])
      if (missing.length > 0) {
        throw new WorkOrderError(
          'FM_ERR_WO_CHECKLIST_INCOMPLETE',
          `work order ${row.number} lacks results for ${missing.join(', ')}`,
        )
      }
      const resolution = {
        note: reason ?? '',
        ...(input.cause === undefined ? {} : { cause: input.cause }),
        ...(input.laborMin === undefined ? {} : { laborMin: input.laborMin }),
      }
      return { changes: { resolution: JSON.stringify(resolution), resolved_at: ts } }
    },
    verify({ row, input, actor, ts, reason }) {
      const alarm = row.alarm_id === null ? undefined : deps.getAlarm(row.alarm_id)
      if (!alarm?.active) return { changes: { verified_at: ts } }
      if (input.override !== true) {
        throw new WorkOrderError(
          'FM_ERR_WO_ALARM_ACTIVE',
          `alarm ${alarm.id} of work order ${row.number} is still active; a supervisor may verify with override and a reason`,
        )
      }
      if (reason === undefined) throw invalid('verifying over an active alarm needs a reason')
      if (!actor.permissions.includes('workorders.manage')) {
        throw new WorkOrderError('FM_ERR_WO_FORBIDDEN', 'verifying over an active alarm needs workorders.manage')
      }
      return { changes: { verified_at: ts }, detail: { override: true, alarmId: alarm.id } }
    },
    return: () => ({ changes: { first_time_pass: 0, resolved_at: null } }),
    reopen({ row, ts }) {
      if (row.verified_at !== null && ts - row.verified_at > REOPEN_WINDOW_MS) {
        const days = REOPEN_WINDOW_MS / 86_400_000
        throw new WorkOrderError(
          'FM_ERR_WO_REOPEN_EXPIRED',
          `work order ${row.number} was verified more than ${days} days ago: report a new one`,
        )
      }
      return { changes: { rework: 1, first_time_pass: 0, verified_at: null, resolved_at: null } }
    },
    cancel: () => ({}),
    reject: () => ({}),
  }

  /** One corrective work order per failed item of the checklist, once: the index refuses a second. */
  function openCorrective(row: WorkOrderRow, actor: WorkOrderActor, ts: number): void {
    const checklist = parseJson<ChecklistItem[]>(row.checklist) ?? []
    for (const { item, result } of failedItems(checklist, parseJson<ChecklistResult[]>(row.checklist_results) ?? [])) {
      const found = result.value === undefined ? '不合格' : `${result.value}${item.unit ?? ''}`
      core.insert(
        {
          siteId: row.site_id,
          buildingId: row.building_id ?? undefined,
          roomId: row.room_id ?? undefined,
          deviceId: row.device_id ?? undefined,
          origin: 'inspection',
          category: row.category,
          priority: 'P2',
          title: `整改：${item.label['zh-CN']}（${row.title}）`.slice(0, MAX_TITLE_CHARS),
          description: `${row.number} 检查项「${item.label['zh-CN']}」：${found}${result.note ? `，${result.note}` : ''}`,
          parentId: row.id,
          parentItemId: item.id,
          createdBy: actor,
        },
        ts,
      )
    }
  }

  const act = db.transaction(
    (id: number, input: WorkOrderActionInput, actor: WorkOrderActor, ts: number): WorkOrderView => {
      if (!validateInput.Check(input)) {
        const [first] = validateInput.Errors(input)
        throw invalid(first ? `${first.instancePath || '/'} ${first.message}` : 'invalid action')
      }
      const row = core.rowOr404(id)
      const name = input.action
      const action: WorkOrderAction = WORK_ORDER_ACTIONS[name]
      if (!action.from.includes(row.state)) {
        throw new WorkOrderError(
          'FM_ERR_WO_TRANSITION',
          `cannot ${name} work order ${row.number} in state ${row.state}; ${name} is allowed from ${action.from.join(', ')}`,
        )
      }
      authorize(name, action, row, actor)
      const reason = reasonOf(input.reason, action.reason, name)
      const effect = effects[name]({ row, input, actor, ts, reason })
      const to: WorkOrderState = action.to
      const changes: WorkOrderChanges = { ...effect.changes, state: to }
      if (to !== 'on_hold') Object.assign(changes, { hold_reason: null, hold_since: null, hold_note: null })
      try {
        core.update(row, changes, ts)
      } catch (error) {
        // a reopen, while another work order of the same alarm or plan and device was opened meanwhile
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error
        throw new WorkOrderError('FM_ERR_WO_TRANSITION', `another work order is open for what ${row.number} was for`)
      }
      core.appendEvent(id, ts, { type: name, from: row.state, to, by: actor, note: reason, detail: effect.detail })
      const after = core.rowOr404(id)
      if (name === 'resolve') openCorrective(after, actor, ts)
      if (after.pm_plan_id !== null && (name === 'verify' || name === 'cancel' || name === 'reject')) {
        deps.onPmClosed(after, ts, name === 'verify' ? 'done' : 'skipped')
      }
      return core.viewOf(id, ts)
    },
  )

  return {
    actOnWorkOrder(id: number, input: WorkOrderActionInput, actor: WorkOrderActor, ts?: number): WorkOrderView {
      return act.immediate(id, input, actor, ts ?? core.now())
    },
  }
}
