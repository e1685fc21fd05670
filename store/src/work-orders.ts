/**
 * Work orders (DOMAIN.md §a.4): reported by people, opened by alarms, by PM plans and by failed checklist items,
 * then walked through the state machine of `work-order-actions.ts`, with a timeline that nobody can change and the
 * SLA clocks computed from it (`slaClocks`, protocol).
 *
 * - One open work order per alarm (device, rule), whoever asks and however often it re-triggers: a partial UNIQUE
 *   index holds it, and the check-then-insert runs in an IMMEDIATE transaction, so two processes meet on one row.
 * - The SLA targets are frozen at creation from the site's policy: a policy changed later does not move the clocks
 *   of work orders already running.
 * - `createWorkOrders` composes the parts: this file, the actions, the SLA policies and escalation, the technicians,
 *   and the PM plans (`pm-plans.ts`).
 */
import {
  type AlarmView,
  alarmRule,
  ChecklistResult,
  CREATE_WORK_ORDER_PERMISSIONS,
  CreateWorkOrderInput,
  type WorkOrderPerson,
  type WorkOrderView,
} from '@fm/protocol'
import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { createPmPlans, type PmMethods } from './pm-plans.ts'
import type { SqliteDatabase } from './sqlite.ts'
import type { Store, WorkOrderActor, WorkOrderFilter, WorkOrderPhoto, WorkOrderPhotoInput } from './types.ts'
import { createWorkOrderActions } from './work-order-actions.ts'
import { mergeResults } from './work-order-checklist.ts'
import { createWorkOrderCore, type WorkOrderCore } from './work-order-core.ts'
import { createWorkOrderPeople } from './work-order-people.ts'
import {
  authorize,
  firstProblem,
  OPEN_STATES_SQL,
  parseJson,
  SELECT_WORK_ORDER,
  SYSTEM,
  WorkOrderError,
  type WorkOrderRow,
} from './work-order-rows.ts'
import { createWorkOrderSla } from './work-order-sla.ts'

export const WORK_ORDER_PAGE_MAX = 500
export const DEFAULT_WORK_ORDER_PAGE = 100
export const WORK_ORDER_PHOTO_MAX_BYTES = 5 * 1024 * 1024
/** Re-triggers closer together than this share one timeline event; the counter counts each. */
const RETRIGGER_EVENT_MS = 60_000
const MAX_RESULTS = 200

const invalid = (message: string) => new WorkOrderError('FM_ERR_WO_INVALID', message)

const validateCreate = Compile(CreateWorkOrderInput)
const validateResults = Compile(Type.Array(ChecklistResult, { maxItems: MAX_RESULTS }))

/** The first bytes of each accepted image type: a photo is checked to be what it says. */
const SIGNATURES: Record<WorkOrderPhotoInput['contentType'], (bytes: Buffer) => boolean> = {
  'image/jpeg': (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  'image/png': (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (bytes) =>
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
}

function photoProblem(photo: WorkOrderPhotoInput): string | undefined {
  const check = SIGNATURES[photo.contentType]
  if (!check) return 'a photo is image/jpeg, image/png or image/webp'
  if (!Buffer.isBuffer(photo.bytes) || photo.bytes.length === 0) return 'the photo is empty'
  if (photo.bytes.length > WORK_ORDER_PHOTO_MAX_BYTES) return `a photo is at most ${WORK_ORDER_PHOTO_MAX_BYTES} bytes`
  if (!check(photo.bytes)) return `the bytes are not ${photo.contentType}`
  return undefined
}

interface PhotoRow {
  id: number
  work_order_id: number
  content_type: WorkOrderPhotoInput['contentType']
  bytes: Buffer
  at: number
  by_name: string
}

type BasicMethods =
  | 'createWorkOrder'
  | 'openAlarmWorkOrder'
  | 'getWorkOrder'
  | 'listWorkOrders'
  | 'workOrderEvents'
  | 'openWorkOrderFor'
  | 'recordChecklist'
  | 'addWorkOrderPhoto'
  | 'getWorkOrderPhoto'

function createBasics(db: SqliteDatabase, core: WorkOrderCore): Pick<Store, BasicMethods> {
  const openAlarmRow = db.prepare<[string, string], WorkOrderRow>(
    `${SELECT_WORK_ORDER} WHERE w.origin = 'alarm' AND w.device_id = ? AND w.rule_id = ? AND w.state IN ${OPEN_STATES_SQL}`,
  )
  const lastRetriggered = db.prepare<[number], { at: number | null }>(
    `SELECT max(at) AS at FROM work_order_events WHERE work_order_id = ? AND type = 'retriggered'`,
  )
  const insertPhoto = db.prepare<[number, string, Buffer, number, string, string]>(
    `INSERT INTO work_order_photos (work_order_id, content_type, bytes, at, by_name, by_username)
     VALUES (?, ?, ?, ?, ?, ?)`,
  )
  const photoById = db.prepare<[number, number], PhotoRow>(
    'SELECT * FROM work_order_photos WHERE work_order_id = ? AND id = ?',
  )

  const create = db.transaction((input: CreateWorkOrderInput, actor: WorkOrderPerson, ts: number) => {
    const place = core.placeOf(input.siteId, input)
    const description = input.description?.trim()
    const row = core.insert(
      {
        ...input,
        buildingId: place.buildingId,
        roomId: place.roomId,
        deviceId: place.device?.id,
        title: input.title.trim(),
        description: description ? description : undefined,
        createdBy: { username: actor.username, displayName: actor.displayName },
      },
      ts,
    )
    if (!row) throw new Error('a reported work order was refused by a uniqueness rule it cannot break')
    return core.viewOf(row.id, ts)
  })

  function retrigger(row: WorkOrderRow, alarm: AlarmView, ts: number) {
    const retriggers = row.retriggers + 1
    core.update(row, { retriggers }, ts)
    const last = lastRetriggered.get(row.id)?.at ?? null
    if (last === null || ts - last >= RETRIGGER_EVENT_MS) {
      core.appendEvent(row.id, ts, { type: 'retriggered', by: SYSTEM, detail: { retriggers, alarmId: alarm.id } })
    }
    return { workOrder: core.viewOf(row.id, ts), created: false }
  }

  const openForAlarm = db.transaction(
    (alarm: AlarmView, spec: Parameters<Store['openAlarmWorkOrder']>[1], ts: number) => {
      const open = openAlarmRow.get(alarm.deviceId, alarm.ruleId)
      if (open) return retrigger(open, alarm, ts)
      const device = core.device(alarm.deviceId)
      if (!device) throw new WorkOrderError('FM_ERR_WO_INVALID', `no device "${alarm.deviceId}"`)
      const rule = alarmRule(alarm.ruleId)
      const row = core.insert(
        {
          siteId: device.site_id,
          buildingId: device.building_id ?? undefined,
          roomId: device.room_id ?? undefined,
          deviceId: device.id,
          origin: 'alarm',
          category: spec.category,
          priority: spec.priority,
          title: `${device.name}：${rule?.name['zh-CN'] ?? alarm.ruleId}`.slice(0, 200),
          description: rule?.guidance['zh-CN'],
          alarmId: alarm.id,
          ruleId: alarm.ruleId,
          createdBy: SYSTEM,
        },
        ts,
      )
      if (row) return { workOrder: core.viewOf(row.id, ts), created: true }
      // the index refused a second open one: another writer opened it first
      const winner = openAlarmRow.get(alarm.deviceId, alarm.ruleId)
      if (!winner) throw new Error(`work order of ${alarm.deviceId}/${alarm.ruleId} refused, yet none is open`)
      return retrigger(winner, alarm, ts)
    },
  )

  const checklist = db.transaction(
    (id: number, results: readonly ChecklistResult[], actor: WorkOrderActor, ts: number): WorkOrderView => {
      const row = core.rowOr404(id)
      if (row.state !== 'accepted' && row.state !== 'in_progress') {
        throw new WorkOrderError(
          'FM_ERR_WO_TRANSITION',
          `checklist results of work order ${row.number} are recorded while accepted or in_progress, not ${row.state}`,
        )
      }
      authorize('recording the checklist', { permission: 'workorders.manage', assignee: true }, row, actor)
      const items = parseJson<NonNullable<WorkOrderView['checklist']>>(row.checklist)
      if (!items) throw new WorkOrderError('FM_ERR_WO_INVALID', `work order ${row.number} has no checklist`)
      const current = parseJson<ChecklistResult[]>(row.checklist_results) ?? []
      const merged = mergeResults(items, current, results, (photoId) => photoById.get(id, photoId) !== undefined)
      core.update(row, { checklist_results: JSON.stringify(merged) }, ts)
      core.appendEvent(id, ts, { type: 'checklist', by: actor, detail: { items: results.map((r) => r.itemId) } })
      return core.viewOf(id, ts)
    },
  )

  const addPhoto = db.transaction((id: number, photo: WorkOrderPhotoInput, actor: WorkOrderActor, ts: number) => {
    const row = core.rowOr404(id)
    if (row.state === 'verified' || row.state === 'cancelled' || row.state === 'rejected') {
      throw new WorkOrderError('FM_ERR_WO_TRANSITION', `work order ${row.number} is ${row.state}: no more photos`)
    }
    if (!CREATE_WORK_ORDER_PERMISSIONS.some((permission) => actor.permissions.includes(permission))) {
      throw new WorkOrderError(
        'FM_ERR_WO_FORBIDDEN',
        `adding a photo to ${row.number} needs one of ${CREATE_WORK_ORDER_PERMISSIONS}`,
      )
    }
    const inserted = insertPhoto.run(id, photo.contentType, photo.bytes, ts, actor.displayName, actor.username)
    const photoId = Number(inserted.lastInsertRowid)
    const detail = {
      photoId,
      contentType: photo.contentType,
      bytes: photo.bytes.length,
      ...(photo.stage === undefined ? {} : { stage: photo.stage }),
    }
    core.appendEvent(id, ts, { type: 'photo', by: actor, detail })
    core.update(row, {}, ts)
    return { id: photoId }
  })

  return {
    createWorkOrder(input, actor, ts) {
      if (!validateCreate.Check(input)) throw invalid(`work order: ${firstProblem(validateCreate, input)}`)
      return create.immediate(input, actor, ts ?? core.now())
    },
    openAlarmWorkOrder: (alarm, spec, ts) => openForAlarm.immediate(alarm, spec, ts ?? core.now()),
    getWorkOrder(id, now) {
      const row = core.row(id)
      return row && core.views([row], now)[0]
    },
    listWorkOrders(filter = {}, now = core.now()) {
      const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? DEFAULT_WORK_ORDER_PAGE)), WORK_ORDER_PAGE_MAX)
      // one more than asked tells whether a next page exists
      const rows = listRows(db, filter, limit + 1)
      const items = core.views(rows.slice(0, limit), now)
      const last = rows.length > limit ? rows[limit - 1] : undefined
      return last ? { items, nextCursor: `${last.created_at}.${last.id}` } : { items }
    },
    workOrderEvents: (id) => core.events(id),
    openWorkOrderFor(deviceId, ruleId) {
      const row = openAlarmRow.get(deviceId, ruleId)
      return row && core.views([row])[0]
    },
    recordChecklist(id, results, actor, ts) {
      if (!validateResults.Check(results)) throw invalid(`checklist results: ${firstProblem(validateResults, results)}`)
      return checklist.immediate(id, results, actor, ts ?? core.now())
    },
    addWorkOrderPhoto(id, photo, actor, ts) {
      const problem = photoProblem(photo)
      if (problem !== undefined) throw new WorkOrderError('FM_ERR_PHOTO_INVALID', problem)
      return addPhoto.immediate(id, photo, actor, ts ?? core.now())
    },
    getWorkOrderPhoto(workOrderId, photoId): WorkOrderPhoto | undefined {
      const row = photoById.get(workOrderId, photoId)
      if (!row) return undefined
      const { id, content_type: contentType, bytes, at, by_name: by } = row
      return { id, workOrderId, contentType, bytes, at, by }
    },
  }
}

function cursorOf(cursor: string): { createdAt: number; id: number } {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(cursor)
  if (!match) throw invalid(`"${cursor}" is not a cursor of this list`)
  return { createdAt: Number(match[1]), id: Number(match[2]) }
}

function listRows(db: SqliteDatabase, filter: WorkOrderFilter, limit: number): WorkOrderRow[] {
  const where: string[] = []
  const params: unknown[] = []
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause)
    params.push(...values)
  }
  const inList = (column: string, values: readonly unknown[]) =>
    add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values)
  for (const [column, values] of [
    ['w.site_id', filter.siteIds],
    ['w.building_id', filter.buildingIds],
    ['w.state', filter.states],
  ] as const) {
    if (values === undefined) continue
    if (values.length === 0) return []
    inList(column, values)
  }
  if (filter.buildingId !== undefined) add('w.building_id = ?', filter.buildingId)
  if (filter.open) add(`w.state IN ${OPEN_STATES_SQL}`)
  if (filter.assignee !== undefined) add('w.assignee = ?', filter.assignee)
  if (filter.priority !== undefined) add('w.priority = ?', filter.priority)
  if (filter.category !== undefined) add('w.category = ?', filter.category)
  if (filter.origin !== undefined) add('w.origin = ?', filter.origin)
  if (filter.deviceId !== undefined) add('w.device_id = ?', filter.deviceId)
  if (filter.unit !== undefined) add('w.unit = ?', filter.unit)
  if (filter.createdFrom !== undefined) add('w.created_at >= ?', filter.createdFrom)
  if (filter.createdTo !== undefined) add('w.created_at < ?', filter.createdTo)
  if (filter.cursor !== undefined) {
    const { createdAt, id } = cursorOf(filter.cursor)
    add('(w.created_at < ? OR (w.created_at = ? AND w.id < ?))', createdAt, createdAt, id)
  }
  const sql = `${SELECT_WORK_ORDER}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY w.created_at DESC, w.id DESC LIMIT ${limit}`
  return db.prepare<unknown[], WorkOrderRow>(sql).all(...params)
}

type WorkOrderMethods =
  | BasicMethods
  | 'actOnWorkOrder'
  | 'slaPolicies'
  | 'setSlaPolicy'
  | 'escalateWorkOrders'
  | 'technicians'
  | 'setTrades'
  | PmMethods

/** Every work-order and PM method of the store. `getAlarm` answers whether an alarm is still active (verify). */
export function createWorkOrders(
  db: SqliteDatabase,
  options: { now: () => number; getAlarm: (id: number) => AlarmView | undefined },
): Pick<Store, WorkOrderMethods> {
  const core = createWorkOrderCore(db, options.now)
  const people = createWorkOrderPeople(db)
  const pm = createPmPlans(db, core)
  const actions = createWorkOrderActions(db, core, {
    getAlarm: options.getAlarm,
    canBeAssigned: people.canBeAssigned,
    onPmClosed: pm.onPmClosed,
  })
  return {
    ...createBasics(db, core),
    ...actions,
    ...createWorkOrderSla(db, core),
    ...people.methods,
    ...pm.methods,
  }
}
