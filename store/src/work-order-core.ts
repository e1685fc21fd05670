/**
 * What every part of the work-order store shares: reading a work order with its clocks, the timeline, and the
 * insertion of a new work order (its number, its place and its frozen SLA targets). The parts (work-orders.ts,
 * work-order-actions.ts, work-order-sla.ts, pm-plans.ts) compose these in their own IMMEDIATE transactions.
 */
import {
  type AlarmPriority,
  defaultSlaTargets,
  type HoldReason,
  type SlaStep,
  type SlaTargets,
  type WorkOrderCategory,
  type WorkOrderState,
  type WorkOrderView,
} from '@fm/protocol'
import type { SqliteDatabase } from './sqlite.ts'
import {
  type DeviceFacts,
  type EventRow,
  type NewWorkOrder,
  SELECT_WORK_ORDER,
  type TimelineEntry,
  toEvent,
  toView,
  type WorkOrderChanges,
  WorkOrderError,
  type WorkOrderRow,
} from './work-order-rows.ts'

const dayFormats = new Map<string, Intl.DateTimeFormat>()

/** `yyyymmdd` of `ts` in the site's time zone (UTC when the zone is unknown to this runtime). */
function dayOf(ts: number, timeZone: string): string {
  let format = dayFormats.get(timeZone)
  if (!format) {
    const options = { year: 'numeric', month: '2-digit', day: '2-digit' } as const
    try {
      format = new Intl.DateTimeFormat('en-CA', { ...options, timeZone })
    } catch {
      format = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: 'UTC' })
    }
    dayFormats.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(ts).map((part) => [part.type, part.value]))
  return `${parts.year}${parts.month}${parts.day}`
}

function prepareStatements(db: SqliteDatabase) {
  return {
    byId: db.prepare<[number], WorkOrderRow>(`${SELECT_WORK_ORDER} WHERE w.id = ?`),
    timezone: db.prepare<[string], { timezone: string }>('SELECT timezone FROM sites WHERE id = ?'),
    lastSeq: db.prepare<[string, string], { seq: number | null }>(
      `SELECT max(CAST(substr(number, 13) AS INTEGER)) AS seq FROM work_orders WHERE site_id = ? AND number LIKE ?`,
    ),
    policy: db.prepare<[string, string, string], { targets: string }>(
      'SELECT targets FROM sla_policies WHERE site_id = ? AND category = ? AND priority = ?',
    ),
    insert: db.prepare<Record<string, unknown>>(
      `INSERT INTO work_orders (number, site_id, building_id, room_id, device_id, unit, resident, origin, category,
         priority, state, title, description, alarm_id, rule_id, pm_plan_id, pm_due_at, parent_id, parent_item_id,
         created_by, created_by_name, created_at, updated_at, sla_targets, checklist)
       VALUES (@number, @siteId, @buildingId, @roomId, @deviceId, @unit, @resident, @origin, @category, @priority,
         'new', @title, @description, @alarmId, @ruleId, @pmPlanId, @pmDueAt, @parentId, @parentItemId, @createdBy,
         @createdByName, @ts, @ts, @targets, @checklist)
       ON CONFLICT DO NOTHING`,
    ),
    appendEvent: db.prepare<Record<string, unknown>>(
      `INSERT INTO work_order_events (work_order_id, at, type, from_state, to_state, by_name, by_username, note, detail)
       VALUES (@workOrderId, @at, @type, @from, @to, @byName, @byUsername, @note, @detail)`,
    ),
    events: db.prepare<[number], EventRow>('SELECT * FROM work_order_events WHERE work_order_id = ? ORDER BY id'),
    steps: db.prepare<
      [string],
      { work_order_id: number; at: number; type: string; to_state: WorkOrderState; hold_reason: HoldReason | null }
    >(
      `SELECT work_order_id, at, type, to_state, json_extract(detail, '$.holdReason') AS hold_reason
         FROM work_order_events
        WHERE work_order_id IN (SELECT value FROM json_each(?)) AND to_state IS NOT NULL
        ORDER BY id`,
    ),
    site: db.prepare<[string], { id: string }>('SELECT id FROM sites WHERE id = ?'),
    building: db.prepare<[string, string], { id: string }>('SELECT id FROM buildings WHERE site_id = ? AND id = ?'),
    room: db.prepare<[string, string], { building_id: string | null }>(
      'SELECT building_id FROM rooms WHERE site_id = ? AND id = ?',
    ),
    device: db.prepare<[string], DeviceFacts>(
      'SELECT id, site_id, kind, name, building_id, room_id, attributes FROM devices WHERE id = ?',
    ),
  }
}

export function createWorkOrderCore(db: SqliteDatabase, now: () => number) {
  const statements = prepareStatements(db)
  const invalid = (message: string) => new WorkOrderError('FM_ERR_WO_INVALID', message)

  function rowOr404(id: number): WorkOrderRow {
    const row = statements.byId.get(id)
    if (!row) throw new WorkOrderError('FM_ERR_WO_NOT_FOUND', `no work order ${id}`)
    return row
  }

  function targetsFor(siteId: string, category: WorkOrderCategory, priority: AlarmPriority): SlaTargets {
    const policy = statements.policy.get(siteId, category, priority)
    return policy ? (JSON.parse(policy.targets) as SlaTargets) : defaultSlaTargets(category, priority)
  }

  /** The state changes of each work order's timeline, as `slaClocks` reads them. */
  function stepsOf(ids: readonly number[]): Map<number, SlaStep[]> {
    const steps = new Map<number, SlaStep[]>()
    for (const row of statements.steps.all(JSON.stringify(ids))) {
      const step: SlaStep = { at: row.at, to: row.to_state, action: row.type }
      if (row.hold_reason !== null) step.holdReason = row.hold_reason
      const list = steps.get(row.work_order_id)
      if (list) list.push(step)
      else steps.set(row.work_order_id, [step])
    }
    return steps
  }

  function views(rows: readonly WorkOrderRow[], at = now()): WorkOrderView[] {
    const steps = stepsOf(rows.map((row) => row.id))
    return rows.map((row) => toView(row, steps.get(row.id) ?? [], at))
  }

  function viewOf(id: number, at = now()): WorkOrderView {
    const [view] = views([rowOr404(id)], at)
    if (!view) throw new Error(`work order ${id} vanished`)
    return view
  }

  function appendEvent(workOrderId: number, at: number, entry: TimelineEntry): void {
    statements.appendEvent.run({
      workOrderId,
      at,
      type: entry.type,
      from: entry.from ?? null,
      to: entry.to ?? null,
      byName: entry.by.displayName,
      byUsername: entry.by.username,
      note: entry.note ?? null,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    })
  }

  function update(row: WorkOrderRow, changes: WorkOrderChanges, ts: number): void {
    const all: Record<string, unknown> = { ...changes, updated_at: ts }
    const assignments = Object.keys(all).map((column) => `${column} = @${column}`)
    db.prepare(`UPDATE work_orders SET ${assignments.join(', ')} WHERE id = @id`).run({ ...all, id: row.id })
  }

  /**
   * Checks that the places exist in the site and belong together, and fills in the room's building and the
   * device's room and building.
   */
  function placeOf(
    siteId: string,
    given: { buildingId?: string | undefined; roomId?: string | undefined; deviceId?: string | undefined },
  ): { buildingId?: string; roomId?: string; device?: DeviceFacts } {
    if (!statements.site.get(siteId)) throw invalid(`no site "${siteId}"`)
    let { buildingId, roomId } = given
    let device: DeviceFacts | undefined
    if (given.deviceId !== undefined) {
      device = statements.device.get(given.deviceId)
      if (!device || device.site_id !== siteId) throw invalid(`no device "${given.deviceId}" at site "${siteId}"`)
      if (roomId !== undefined && roomId !== device.room_id)
        throw invalid(`device "${device.id}" is not in "${roomId}"`)
      if (buildingId !== undefined && buildingId !== device.building_id) {
        throw invalid(`device "${device.id}" is not in building "${buildingId}"`)
      }
      roomId ??= device.room_id ?? undefined
      buildingId ??= device.building_id ?? undefined
    }
    if (roomId !== undefined) {
      const room = statements.room.get(siteId, roomId)
      if (!room) throw invalid(`no room "${roomId}" at site "${siteId}"`)
      if (buildingId !== undefined && room.building_id !== null && room.building_id !== buildingId) {
        throw invalid(`room "${roomId}" is not in building "${buildingId}"`)
      }
      buildingId ??= room.building_id ?? undefined
    }
    if (buildingId !== undefined && !statements.building.get(siteId, buildingId)) {
      throw invalid(`no building "${buildingId}" at site "${siteId}"`)
    }
    return {
      ...(buildingId === undefined ? {} : { buildingId }),
      ...(roomId === undefined ? {} : { roomId }),
      ...(device === undefined ? {} : { device }),
    }
  }

  /**
   * Inserts a work order with the `created` event; undefined when a partial UNIQUE index refused it (an open one of
   * the same alarm or plan and device exists, or the checklist item already has its corrective work order).
   */
  function insert(spec: NewWorkOrder, ts: number): WorkOrderRow | undefined {
    const day = dayOf(ts, statements.timezone.get(spec.siteId)?.timezone ?? 'UTC')
    const seq = (statements.lastSeq.get(spec.siteId, `WO-${day}-%`)?.seq ?? 0) + 1
    const inserted = statements.insert.run({
      number: `WO-${day}-${String(seq).padStart(3, '0')}`,
      siteId: spec.siteId,
      buildingId: spec.buildingId ?? null,
      roomId: spec.roomId ?? null,
      deviceId: spec.deviceId ?? null,
      unit: spec.unit ?? null,
      resident: spec.resident === undefined ? null : JSON.stringify(spec.resident),
      origin: spec.origin,
      category: spec.category,
      priority: spec.priority,
      title: spec.title,
      description: spec.description ?? null,
      alarmId: spec.alarmId ?? null,
      ruleId: spec.ruleId ?? null,
      pmPlanId: spec.pmPlanId ?? null,
      pmDueAt: spec.pmDueAt ?? null,
      parentId: spec.parentId ?? null,
      parentItemId: spec.parentItemId ?? null,
      createdBy: spec.createdBy.username,
      createdByName: spec.createdBy.displayName,
      ts,
      targets: JSON.stringify(targetsFor(spec.siteId, spec.category, spec.priority)),
      checklist: spec.checklist === undefined ? null : JSON.stringify(spec.checklist),
    })
    if (inserted.changes === 0) return undefined
    const id = Number(inserted.lastInsertRowid)
    appendEvent(id, ts, { type: 'created', to: 'new', by: spec.createdBy, detail: { origin: spec.origin } })
    return rowOr404(id)
  }

  return {
    now,
    row: (id: number) => statements.byId.get(id),
    rowOr404,
    device: (id: string) => statements.device.get(id),
    targetsFor,
    views,
    viewOf,
    appendEvent,
    events: (id: number) => statements.events.all(id).map(toEvent),
    update,
    placeOf,
    insert,
  }
}

export type WorkOrderCore = ReturnType<typeof createWorkOrderCore>
