/**
 * SLA policies per site, (category × priority) → targets, over the seed of `defaultSlaTargets`; and escalation, which
 * tells the supervisors once per clock when a clock of an open work order nears its due time, and records the
 * breach once per clock.
 */
import {
  ALARM_PRIORITIES,
  type AlarmPriority,
  needsEscalation,
  type SlaClockView,
  type SlaPolicy,
  SlaTargets,
  WORK_ORDER_CATEGORIES,
  type WorkOrderCategory,
  type WorkOrderView,
} from '@fm/protocol'
import { Compile } from 'typebox/compile'
import type { SqliteDatabase } from './sqlite.ts'
import type { Store } from './types.ts'
import type { WorkOrderCore } from './work-order-core.ts'
import {
  firstProblem,
  OPEN_STATES_SQL,
  SELECT_WORK_ORDER,
  SYSTEM,
  WorkOrderError,
  type WorkOrderRow,
} from './work-order-rows.ts'

const validateTargets = Compile(SlaTargets)

interface PolicyRow {
  category: WorkOrderCategory
  priority: AlarmPriority
  targets: string
  updated_at: number
  updated_by: string | null
}

function toPolicy(siteId: string, row: PolicyRow): SlaPolicy {
  const policy: SlaPolicy = {
    siteId,
    category: row.category,
    priority: row.priority,
    targets: JSON.parse(row.targets) as SlaTargets,
    custom: true,
    updatedAt: row.updated_at,
  }
  if (row.updated_by !== null) policy.updatedBy = row.updated_by
  return policy
}

/** Escalate before a breach, or at it when no run saw the clock near its due time. */
function shouldEscalate(clock: SlaClockView, now: number): boolean {
  return needsEscalation(clock, now) || (clock.breachedAt !== undefined && clock.metAt === undefined)
}

export function createWorkOrderSla(
  db: SqliteDatabase,
  core: WorkOrderCore,
): Pick<Store, 'slaPolicies' | 'setSlaPolicy' | 'escalateWorkOrders'> {
  const policies = db.prepare<[string], PolicyRow>(
    'SELECT category, priority, targets, updated_at, updated_by FROM sla_policies WHERE site_id = ?',
  )
  const upsert = db.prepare<{
    siteId: string
    category: string
    priority: string
    targets: string
    ts: number
    by: string
  }>(
    `INSERT INTO sla_policies (site_id, category, priority, targets, updated_at, updated_by)
     VALUES (@siteId, @category, @priority, @targets, @ts, @by)
     ON CONFLICT (site_id, category, priority) DO UPDATE SET targets = excluded.targets,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  )
  const siteExists = db.prepare<[string], { id: string }>('SELECT id FROM sites WHERE id = ?')
  const openRows = db.prepare<[], WorkOrderRow>(
    `${SELECT_WORK_ORDER} WHERE w.state IN ${OPEN_STATES_SQL} ORDER BY w.id`,
  )
  const flagged = db.prepare<[], { work_order_id: number; type: string; clock: string | null }>(
    `SELECT e.work_order_id, e.type, json_extract(e.detail, '$.clock') AS clock
       FROM work_order_events e JOIN work_orders w ON w.id = e.work_order_id
      WHERE w.state IN ${OPEN_STATES_SQL} AND e.type IN ('escalated', 'breached')`,
  )

  const escalate = db.transaction((now: number): WorkOrderView[] => {
    const rows = openRows.all()
    const done = new Set(flagged.all().map((event) => `${event.type}:${event.work_order_id}:${event.clock}`))
    const changed: number[] = []
    for (const [index, view] of core.views(rows, now).entries()) {
      const row = rows[index]
      if (!row) continue
      let escalated = false
      let touched = false
      for (const clock of view.clocks) {
        const key = `${row.id}:${clock.clock}`
        if (shouldEscalate(clock, now) && !done.has(`escalated:${key}`)) {
          core.appendEvent(row.id, now, { type: 'escalated', by: SYSTEM, detail: { ...clock } })
          escalated = true
          touched = true
        }
        if (clock.breachedAt !== undefined && !done.has(`breached:${key}`)) {
          core.appendEvent(row.id, now, { type: 'breached', by: SYSTEM, detail: { ...clock } })
          touched = true
        }
      }
      if (!touched) continue
      core.update(row, escalated && row.escalated_at === null ? { escalated_at: now } : {}, now)
      changed.push(row.id)
    }
    return changed.map((id) => core.viewOf(id, now))
  })

  return {
    slaPolicies(siteId) {
      const custom = new Map(policies.all(siteId).map((row) => [`${row.category}:${row.priority}`, row]))
      return WORK_ORDER_CATEGORIES.flatMap((category) =>
        ALARM_PRIORITIES.map((priority): SlaPolicy => {
          const row = custom.get(`${category}:${priority}`)
          if (row) return toPolicy(siteId, row)
          return { siteId, category, priority, targets: core.targetsFor(siteId, category, priority), custom: false }
        }),
      )
    },
    setSlaPolicy(siteId, category, priority, targets, actor, ts) {
      const invalid = (message: string) => new WorkOrderError('FM_ERR_WO_INVALID', message)
      if (!WORK_ORDER_CATEGORIES.includes(category)) throw invalid(`no category "${category}"`)
      if (!ALARM_PRIORITIES.includes(priority)) throw invalid(`no priority "${priority}"`)
      if (!validateTargets.Check(targets)) throw invalid(`SLA targets: ${firstProblem(validateTargets, targets)}`)
      // dispatch comes before arrival, arrival before the repair
      if (targets.responseMin > targets.arrivalMin || targets.arrivalMin > targets.resolutionMin) {
        throw invalid('SLA targets must not decrease: response ≤ arrival ≤ resolution')
      }
      if (!siteExists.get(siteId)) throw invalid(`no site "${siteId}"`)
      const { responseMin, arrivalMin, resolutionMin } = targets
      const at = ts ?? core.now()
      const json = JSON.stringify({ responseMin, arrivalMin, resolutionMin })
      upsert.run({ siteId, category, priority, targets: json, ts: at, by: actor.displayName })
      return toPolicy(siteId, { category, priority, targets: json, updated_at: at, updated_by: actor.displayName })
    },
    escalateWorkOrders: (now) => escalate.immediate(now ?? core.now()),
  }
}
