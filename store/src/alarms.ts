/**
 * Alarms and their journal: the ISA-18.2 state machine, enforced here whoever asks (ingest raising and clearing,
 * the api acknowledging, shelving, resetting), each change one IMMEDIATE transaction that also appends the journal.
 *
 * - One row per (device, rule), UNIQUE: two readings that raise the same alarm at once, even from two processes,
 *   meet on that row; the second is a no-op or a re-trigger, never a second alarm.
 * - A raise while the condition already holds changes nothing (answers undefined); a raise after the condition
 *   cleared, while the alarm is not back to normal, is a re-trigger (`count` + 1, unacknowledged again); a raise from
 *   normal starts a new occurrence on the same row.
 * - The journal is append-only (triggers), like the audit log.
 *
 * See `protocol/src/alarms.ts` for the states and what suppression means.
 */
import {
  type AlarmJournalEntry,
  type AlarmPriority,
  type AlarmTransition,
  type AlarmView,
  alarmState,
  type DeviceKind,
  type FieldValue,
  type FireStep,
  MAX_OUT_OF_SERVICE_MS,
  MAX_SHELVE_MS,
  type RuleOverride,
} from '@fm/protocol'
import type { SqliteDatabase } from './sqlite.ts'

export type AlarmErrorCode = 'FM_ERR_ALARM_NOT_FOUND' | 'FM_ERR_ALARM_STATE' | 'FM_ERR_ALARM_INVALID'

/** A refused alarm operation: unknown alarm, a transition its state does not allow, or invalid input. */
export class AlarmError extends Error {
  readonly code: AlarmErrorCode

  constructor(code: AlarmErrorCode, message: string) {
    super(message)
    this.name = 'AlarmError'
    this.code = code
  }
}

/** Who acts on an alarm: a user (id and display name, kept in the journal). */
export interface AlarmActor {
  userId: string
  name: string
}

/** One change: the alarm after it, and the transition the journal recorded. */
export interface AlarmUpdate {
  alarm: AlarmView
  transition: AlarmTransition
  ts: number
}

export interface AlarmRaise {
  deviceId: string
  ruleId: string
  priority: AlarmPriority
  latch: boolean
  ack: 'required' | 'auto'
  value?: FieldValue
  ts: number
  suppressedByDesign?: boolean
}

export interface ShelveRequest {
  kind: 'timed' | 'one-shot'
  /** epoch ms, for a timed shelve */
  until?: number
  reason: string
}

export interface AlarmFilter {
  siteIds?: readonly string[]
  deviceId?: string
  /** only alarms not in state normal, or shelved, or out of service: what a console shows */
  open?: boolean
}

export interface AlarmJournalQuery {
  alarmId?: number
  deviceId?: string
  siteIds?: readonly string[]
  /** inclusive, epoch ms */
  from?: number
  /** exclusive, epoch ms */
  to?: number
  transitions?: readonly AlarmTransition[]
  /** newest first; at most MAX_JOURNAL_LIMIT */
  limit?: number
  /** paging: entries with a smaller id */
  beforeId?: number
  /** oldest first instead, for computing figures over a period */
  ascending?: boolean
}

export interface SiteRuleOverride extends RuleOverride {
  siteId: string
  updatedAt: number
}

export const DEFAULT_JOURNAL_LIMIT = 100
export const MAX_JOURNAL_LIMIT = 100_000

export interface AlarmStore {
  /** Raises or re-triggers; undefined when the condition was already active or the device is unknown. */
  raiseAlarm(raise: AlarmRaise): AlarmUpdate | undefined
  /** The condition cleared; undefined when it was not active. A latched alarm stays active until reset. */
  clearAlarm(deviceId: string, ruleId: string, ts: number): AlarmUpdate | undefined
  /** Flags or unflags suppression by design; undefined when unchanged or the alarm does not exist. */
  setAlarmDesignSuppression(deviceId: string, ruleId: string, suppressed: boolean, ts: number): AlarmUpdate | undefined
  acknowledgeAlarm(id: number, actor: AlarmActor, ts: number, comment?: string): AlarmUpdate
  resetAlarm(id: number, actor: AlarmActor, ts: number): AlarmUpdate
  shelveAlarm(id: number, actor: AlarmActor, shelve: ShelveRequest, ts: number): AlarmUpdate
  unshelveAlarm(id: number, actor: AlarmActor, ts: number): AlarmUpdate
  /** By (device, rule): a point may be taken out of service before it ever alarmed. */
  setAlarmOutOfService(
    target: { deviceId: string; ruleId: string; priority: AlarmPriority; latch: boolean; ack: 'required' | 'auto' },
    actor: AlarmActor,
    period: { until: number; reason: string },
    ts: number,
  ): AlarmUpdate
  returnAlarmToService(id: number, actor: AlarmActor, ts: number): AlarmUpdate
  recordFireStep(id: number, actor: AlarmActor, step: FireStep, ts: number, note?: string): AlarmUpdate
  /** Ends the timed shelves and out-of-service periods due by `now`, as the platform. */
  expireAlarmSuppressions(now: number): AlarmUpdate[]
  getAlarm(id: number): AlarmView | undefined
  findAlarm(deviceId: string, ruleId: string): AlarmView | undefined
  listAlarms(filter?: AlarmFilter): AlarmView[]
  alarmJournal(query?: AlarmJournalQuery): AlarmJournalEntry[]
  listRuleOverrides(siteId?: string): SiteRuleOverride[]
  setRuleOverride(siteId: string, override: RuleOverride, ts: number): SiteRuleOverride
  deleteRuleOverride(siteId: string, ruleId: string, deviceId?: string): boolean
}

interface AlarmRow {
  id: number
  device_id: string
  rule_id: string
  priority: AlarmPriority
  active: number
  acknowledged: number
  condition_active: number
  latched: number
  ack_required: number
  count: number
  raised_at: number | null
  last_raised_at: number | null
  cleared_at: number | null
  acknowledged_at: number | null
  acknowledged_by: string | null
  value: string | null
  shelve_kind: 'timed' | 'one-shot' | null
  shelved_until: number | null
  shelve_reason: string | null
  shelved_by: string | null
  shelved_at: number | null
  oos_until: number | null
  oos_reason: string | null
  oos_by: string | null
  oos_at: number | null
  suppressed_by_design: number
  updated_at: number
  // from the device
  site_id: string
  kind: DeviceKind
  building_id: string | null
  room_id: string | null
}

interface JournalRow {
  id: number
  alarm_id: number
  site_id: string
  device_id: string
  rule_id: string
  priority: AlarmPriority
  ts: number
  transition: AlarmTransition
  user_id: string | null
  user_name: string | null
  detail: string | null
}

const SELECT_ALARM = `SELECT a.*, d.site_id, d.kind, d.building_id, d.room_id
  FROM alarms a JOIN devices d ON d.id = a.device_id`

/** Columns an update may set; everything else is fixed by the row. */
type Changes = Partial<Omit<AlarmRow, 'id' | 'device_id' | 'rule_id' | 'site_id' | 'kind' | 'building_id' | 'room_id'>>

const MIN_REASON_CHARS = 2
const MAX_TEXT_CHARS = 500

function reasonOf(text: string): string {
  const reason = text.trim()
  if (reason.length < MIN_REASON_CHARS) throw new AlarmError('FM_ERR_ALARM_INVALID', 'a reason is required')
  if (reason.length > MAX_TEXT_CHARS) throw new AlarmError('FM_ERR_ALARM_INVALID', 'the reason is too long')
  return reason
}

function isNormal(row: Pick<AlarmRow, 'active' | 'acknowledged'>): boolean {
  return row.active === 0 && row.acknowledged === 1
}

export function createAlarms(db: SqliteDatabase): AlarmStore {
  const byId = db.prepare<[number], AlarmRow>(`${SELECT_ALARM} WHERE a.id = ?`)
  const byKey = db.prepare<[string, string], AlarmRow>(`${SELECT_ALARM} WHERE a.device_id = ? AND a.rule_id = ?`)
  const insert = db.prepare<{
    deviceId: string
    ruleId: string
    priority: AlarmPriority
    active: number
    acknowledged: number
    conditionActive: number
    latched: number
    ackRequired: number
    count: number
    raisedAt: number | null
    value: string | null
    suppressed: number
    ts: number
  }>(
    `INSERT INTO alarms (device_id, rule_id, priority, active, acknowledged, condition_active, latched, ack_required,
       count, raised_at, last_raised_at, value, suppressed_by_design, updated_at)
     SELECT id, @ruleId, @priority, @active, @acknowledged, @conditionActive, @latched, @ackRequired, @count,
       @raisedAt, @raisedAt, @value, @suppressed, @ts FROM devices WHERE id = @deviceId`,
  )
  const appendJournal = db.prepare<{
    alarmId: number
    ts: number
    transition: AlarmTransition
    userId: string | null
    userName: string | null
    detail: string | null
  }>(
    `INSERT INTO alarm_journal (alarm_id, site_id, device_id, rule_id, priority, ts, transition, user_id, user_name,
       detail)
     SELECT a.id, d.site_id, a.device_id, a.rule_id, a.priority, @ts, @transition, @userId, @userName, @detail
       FROM alarms a JOIN devices d ON d.id = a.device_id WHERE a.id = @alarmId`,
  )
  const fireSteps = db.prepare<[number, number], JournalRow>(
    `SELECT * FROM alarm_journal WHERE alarm_id = ? AND transition = 'fire-step' AND ts >= ? ORDER BY id`,
  )
  const dueShelves = db.prepare<[number], { id: number }>(
    `SELECT id FROM alarms WHERE shelve_kind = 'timed' AND shelved_until <= ?`,
  )
  const dueOutOfService = db.prepare<[number], { id: number }>(`SELECT id FROM alarms WHERE oos_until <= ?`)

  function view(row: AlarmRow): AlarmView {
    const alarm: AlarmView = {
      id: row.id,
      siteId: row.site_id,
      deviceId: row.device_id,
      kind: row.kind,
      ruleId: row.rule_id,
      priority: row.priority,
      state: alarmState(row.active === 1, row.acknowledged === 1),
      active: row.active === 1,
      acknowledged: row.acknowledged === 1,
      latched: row.latched === 1,
      conditionActive: row.condition_active === 1,
      count: row.count,
      suppressedByDesign: row.suppressed_by_design === 1,
      updatedAt: row.updated_at,
    }
    if (row.building_id !== null) alarm.buildingId = row.building_id
    if (row.room_id !== null) alarm.roomId = row.room_id
    if (row.raised_at !== null) alarm.raisedAt = row.raised_at
    if (row.last_raised_at !== null) alarm.lastRaisedAt = row.last_raised_at
    if (row.cleared_at !== null) alarm.clearedAt = row.cleared_at
    if (row.acknowledged_at !== null) alarm.acknowledgedAt = row.acknowledged_at
    if (row.acknowledged_by !== null) alarm.acknowledgedBy = row.acknowledged_by
    if (row.value !== null) alarm.value = JSON.parse(row.value) as FieldValue
    if (row.shelve_kind !== null) {
      alarm.shelved = {
        kind: row.shelve_kind,
        reason: row.shelve_reason ?? '',
        by: row.shelved_by ?? '',
        at: row.shelved_at ?? 0,
        ...(row.shelved_until === null ? {} : { until: row.shelved_until }),
      }
    }
    if (row.oos_until !== null) {
      alarm.outOfService = {
        until: row.oos_until,
        reason: row.oos_reason ?? '',
        by: row.oos_by ?? '',
        at: row.oos_at ?? 0,
      }
    }
    if (row.priority === 'P0' && row.raised_at !== null) {
      alarm.fireSteps = fireSteps.all(row.id, row.raised_at).map((entry) => {
        const detail = entry.detail === null ? {} : (JSON.parse(entry.detail) as { step?: string; note?: string })
        return {
          step: detail.step ?? '',
          at: entry.ts,
          by: entry.user_name ?? '',
          ...(detail.note === undefined ? {} : { note: detail.note }),
        }
      })
    }
    return alarm
  }

  function rowOr404(id: number): AlarmRow {
    const row = byId.get(id)
    if (!row) throw new AlarmError('FM_ERR_ALARM_NOT_FOUND', `no alarm ${id}`)
    return row
  }

  /** Writes the changes and the journal entry, and answers the alarm after them. */
  function apply(
    row: AlarmRow,
    changes: Changes,
    transition: AlarmTransition,
    ts: number,
    actor?: AlarmActor,
    detail?: Record<string, unknown>,
  ): AlarmUpdate {
    const next = { ...row, ...changes, updated_at: ts }
    // a one-shot shelve lasts until the alarm is back to normal
    const oneShotEnds = next.shelve_kind === 'one-shot' && isNormal(next)
    if (oneShotEnds) Object.assign(next, noShelve)
    const columns = Object.keys({ ...changes, ...(oneShotEnds ? noShelve : {}), updated_at: ts })
    const assignments = columns.map((column) => `${column} = @${column}`).join(', ')
    const params: Record<string, unknown> = { id: row.id }
    for (const column of columns) params[column] = next[column as keyof AlarmRow]
    db.prepare(`UPDATE alarms SET ${assignments} WHERE id = @id`).run(params)
    journal(row.id, transition, ts, actor, detail)
    if (oneShotEnds) journal(row.id, 'unshelved', ts, undefined, { reason: 'one-shot shelve ended: back to normal' })
    return { alarm: view(rowOr404(row.id)), transition, ts }
  }

  function journal(
    alarmId: number,
    transition: AlarmTransition,
    ts: number,
    actor?: AlarmActor,
    detail?: Record<string, unknown>,
  ): void {
    appendJournal.run({
      alarmId,
      ts,
      transition,
      userId: actor?.userId ?? null,
      userName: actor?.name ?? null,
      detail: detail === undefined ? null : JSON.stringify(detail),
    })
  }

  const raise = db.transaction((input: AlarmRaise): AlarmUpdate | undefined => {
    const { deviceId, ruleId, ts } = input
    const value = input.value === undefined ? null : JSON.stringify(input.value)
    const suppressed = input.suppressedByDesign ? 1 : 0
    const row = byKey.get(deviceId, ruleId)
    if (!row) {
      const inserted = insert.run({
        deviceId,
        ruleId,
        priority: input.priority,
        active: 1,
        acknowledged: 0,
        conditionActive: 1,
        latched: input.latch ? 1 : 0,
        ackRequired: input.ack === 'required' ? 1 : 0,
        count: 1,
        raisedAt: ts,
        value,
        suppressed,
        ts,
      })
      if (inserted.changes === 0) return undefined
      const id = Number(inserted.lastInsertRowid)
      journal(id, 'raised', ts, undefined, { value: input.value ?? null })
      return { alarm: view(rowOr404(id)), transition: 'raised', ts }
    }
    if (row.condition_active === 1) return undefined
    const common: Changes = {
      active: 1,
      condition_active: 1,
      cleared_at: null,
      last_raised_at: ts,
      value,
      suppressed_by_design: suppressed,
      latched: input.latch ? 1 : 0,
      ack_required: input.ack === 'required' ? 1 : 0,
    }
    if (!isNormal(row)) {
      // the condition came back: someone must look again, even at a latched fire alarm acknowledged before
      const unacknowledged: Changes = { acknowledged: 0, acknowledged_at: null, acknowledged_by: null }
      return apply(row, { ...common, ...unacknowledged, count: row.count + 1 }, 'retriggered', ts, undefined, {
        value: input.value ?? null,
      })
    }
    return apply(
      row,
      {
        ...common,
        priority: input.priority,
        acknowledged: 0,
        acknowledged_at: null,
        acknowledged_by: null,
        count: 1,
        raised_at: ts,
      },
      'raised',
      ts,
      undefined,
      { value: input.value ?? null },
    )
  })

  const clear = db.transaction((deviceId: string, ruleId: string, ts: number): AlarmUpdate | undefined => {
    const row = byKey.get(deviceId, ruleId)
    if (!row || row.condition_active === 0) return undefined
    if (row.latched === 1) return apply(row, { condition_active: 0, cleared_at: ts }, 'cleared', ts)
    const changes: Changes = { condition_active: 0, cleared_at: ts, active: 0 }
    if (row.ack_required === 0 && row.acknowledged === 0) changes.acknowledged = 1
    return apply(row, changes, 'cleared', ts)
  })

  const designSuppression = db.transaction(
    (deviceId: string, ruleId: string, suppressed: boolean, ts: number): AlarmUpdate | undefined => {
      const row = byKey.get(deviceId, ruleId)
      if (!row || row.suppressed_by_design === (suppressed ? 1 : 0)) return undefined
      return apply(row, { suppressed_by_design: suppressed ? 1 : 0 }, suppressed ? 'suppressed' : 'unsuppressed', ts)
    },
  )

  const acknowledge = db.transaction((id: number, actor: AlarmActor, ts: number, comment?: string) => {
    const row = rowOr404(id)
    if (row.acknowledged === 1) throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} is already acknowledged`)
    const detail = comment?.trim() ? { comment: comment.trim().slice(0, MAX_TEXT_CHARS) } : undefined
    return apply(
      row,
      { acknowledged: 1, acknowledged_at: ts, acknowledged_by: actor.name },
      'acknowledged',
      ts,
      actor,
      detail,
    )
  })

  const reset = db.transaction((id: number, actor: AlarmActor, ts: number) => {
    const row = rowOr404(id)
    if (row.latched === 0) throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} does not latch: nothing to reset`)
    if (row.active === 0) throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} is not active`)
    if (row.condition_active === 1) {
      throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} cannot be reset while its condition still holds`)
    }
    const changes: Changes = { active: 0 }
    if (row.ack_required === 0) changes.acknowledged = 1
    return apply(row, changes, 'reset', ts, actor)
  })

  const shelve = db.transaction((id: number, actor: AlarmActor, request: ShelveRequest, ts: number) => {
    const row = rowOr404(id)
    const reason = reasonOf(request.reason)
    if (row.priority === 'P0') {
      throw new AlarmError(
        'FM_ERR_ALARM_STATE',
        'a P0 alarm cannot be shelved: acknowledge it, or take the point out of service with a reason',
      )
    }
    if (row.oos_until !== null) throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} is out of service`)
    let until: number | null = null
    if (request.kind === 'timed') {
      if (request.until === undefined || request.until <= ts) {
        throw new AlarmError('FM_ERR_ALARM_INVALID', 'a timed shelve needs an end in the future')
      }
      if (request.until - ts > MAX_SHELVE_MS) {
        throw new AlarmError('FM_ERR_ALARM_INVALID', `a shelve lasts at most ${MAX_SHELVE_MS / 3_600_000} hours`)
      }
      until = request.until
    } else if (isNormal(row)) {
      throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} is normal: a one-shot shelve would end at once`)
    }
    return apply(
      row,
      {
        shelve_kind: request.kind,
        shelved_until: until,
        shelve_reason: reason,
        shelved_by: actor.name,
        shelved_at: ts,
      },
      'shelved',
      ts,
      actor,
      { kind: request.kind, until, reason },
    )
  })

  const noShelve = {
    shelve_kind: null,
    shelved_until: null,
    shelve_reason: null,
    shelved_by: null,
    shelved_at: null,
  } as const satisfies Changes
  const noOutOfService = { oos_until: null, oos_reason: null, oos_by: null, oos_at: null } as const satisfies Changes

  const unshelve = db.transaction((id: number, actor: AlarmActor | undefined, ts: number) => {
    const row = rowOr404(id)
    if (row.shelve_kind === null) throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} is not shelved`)
    return apply(row, noShelve, 'unshelved', ts, actor, actor ? undefined : { reason: 'the shelve expired' })
  })

  const outOfService = db.transaction(
    (
      target: Parameters<AlarmStore['setAlarmOutOfService']>[0],
      actor: AlarmActor,
      period: { until: number; reason: string },
      ts: number,
    ) => {
      const reason = reasonOf(period.reason)
      if (period.until <= ts) throw new AlarmError('FM_ERR_ALARM_INVALID', 'out of service needs an end in the future')
      if (period.until - ts > MAX_OUT_OF_SERVICE_MS) {
        throw new AlarmError(
          'FM_ERR_ALARM_INVALID',
          `out of service lasts at most ${MAX_OUT_OF_SERVICE_MS / 86_400_000} days`,
        )
      }
      let row = byKey.get(target.deviceId, target.ruleId)
      if (!row) {
        const inserted = insert.run({
          deviceId: target.deviceId,
          ruleId: target.ruleId,
          priority: target.priority,
          active: 0,
          acknowledged: 1,
          conditionActive: 0,
          latched: target.latch ? 1 : 0,
          ackRequired: target.ack === 'required' ? 1 : 0,
          count: 0,
          raisedAt: null,
          value: null,
          suppressed: 0,
          ts,
        })
        if (inserted.changes === 0) throw new AlarmError('FM_ERR_ALARM_NOT_FOUND', `no device "${target.deviceId}"`)
        row = rowOr404(Number(inserted.lastInsertRowid))
      }
      // out of service replaces a shelve: one reason at a time tells why the console does not show it
      return apply(
        row,
        { ...noShelve, oos_until: period.until, oos_reason: reason, oos_by: actor.name, oos_at: ts },
        'out-of-service',
        ts,
        actor,
        { until: period.until, reason },
      )
    },
  )

  const inService = db.transaction((id: number, actor: AlarmActor | undefined, ts: number) => {
    const row = rowOr404(id)
    if (row.oos_until === null) throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} is in service`)
    return apply(
      row,
      noOutOfService,
      'in-service',
      ts,
      actor,
      actor ? undefined : { reason: 'the out-of-service period ended' },
    )
  })

  const fireStep = db.transaction((id: number, actor: AlarmActor, step: FireStep, ts: number, note?: string) => {
    const row = rowOr404(id)
    if (row.priority !== 'P0' || row.raised_at === null || isNormal(row)) {
      throw new AlarmError('FM_ERR_ALARM_STATE', `alarm ${id} is not a P0 alarm that is still open`)
    }
    if (view(row).fireSteps?.some((done) => done.step === step)) {
      throw new AlarmError('FM_ERR_ALARM_STATE', `step "${step}" is already recorded for this alarm`)
    }
    const detail: Record<string, unknown> = { step }
    if (note?.trim()) detail.note = note.trim().slice(0, MAX_TEXT_CHARS)
    journal(row.id, 'fire-step', ts, actor, detail)
    db.prepare('UPDATE alarms SET updated_at = ? WHERE id = ?').run(ts, row.id)
    return { alarm: view(rowOr404(row.id)), transition: 'fire-step' as const, ts }
  })

  const expire = db.transaction((now: number): AlarmUpdate[] => {
    const updates: AlarmUpdate[] = []
    for (const { id } of dueShelves.all(now)) updates.push(unshelve(id, undefined, now))
    for (const { id } of dueOutOfService.all(now)) updates.push(inService(id, undefined, now))
    return updates
  })

  function listAlarms(filter: AlarmFilter = {}): AlarmView[] {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.siteIds) {
      if (filter.siteIds.length === 0) return []
      where.push(`d.site_id IN (${filter.siteIds.map(() => '?').join(', ')})`)
      params.push(...filter.siteIds)
    }
    if (filter.deviceId !== undefined) {
      where.push('a.device_id = ?')
      params.push(filter.deviceId)
    }
    if (filter.open)
      where.push('(a.active = 1 OR a.acknowledged = 0 OR a.shelve_kind IS NOT NULL OR a.oos_until IS NOT NULL)')
    const sql = `${SELECT_ALARM}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.priority, a.raised_at`
    return db
      .prepare<unknown[], AlarmRow>(sql)
      .all(...params)
      .map(view)
  }

  function alarmJournal(query: AlarmJournalQuery = {}): AlarmJournalEntry[] {
    const where: string[] = []
    const params: unknown[] = []
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause)
      params.push(...values)
    }
    if (query.alarmId !== undefined) add('alarm_id = ?', query.alarmId)
    if (query.deviceId !== undefined) add('device_id = ?', query.deviceId)
    if (query.siteIds) {
      if (query.siteIds.length === 0) return []
      add(`site_id IN (${query.siteIds.map(() => '?').join(', ')})`, ...query.siteIds)
    }
    if (query.from !== undefined) add('ts >= ?', query.from)
    if (query.to !== undefined) add('ts < ?', query.to)
    if (query.transitions) {
      if (query.transitions.length === 0) return []
      add(`transition IN (${query.transitions.map(() => '?').join(', ')})`, ...query.transitions)
    }
    if (query.beforeId !== undefined) add('id < ?', query.beforeId)
    const limit = Math.min(Math.max(1, query.limit ?? DEFAULT_JOURNAL_LIMIT), MAX_JOURNAL_LIMIT)
    const order = query.ascending ? 'ASC' : 'DESC'
    const sql = `SELECT * FROM alarm_journal${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id ${order} LIMIT ${limit}`
    return db
      .prepare<unknown[], JournalRow>(sql)
      .all(...params)
      .map((row) => {
        const entry: AlarmJournalEntry = {
          id: row.id,
          alarmId: row.alarm_id,
          siteId: row.site_id,
          deviceId: row.device_id,
          ruleId: row.rule_id,
          priority: row.priority,
          ts: row.ts,
          transition: row.transition,
        }
        if (row.user_id !== null) entry.userId = row.user_id
        if (row.user_name !== null) entry.userName = row.user_name
        if (row.detail !== null) entry.detail = JSON.parse(row.detail) as Record<string, unknown>
        return entry
      })
  }

  const overrideRows = db.prepare<
    { siteId: string | null },
    { site_id: string; rule_id: string; device_id: string; settings: string; updated_at: number }
  >(
    `SELECT * FROM alarm_rule_overrides WHERE (@siteId IS NULL OR site_id = @siteId) ORDER BY site_id, rule_id, device_id`,
  )
  const upsertOverride = db.prepare<{ siteId: string; ruleId: string; deviceId: string; settings: string; ts: number }>(
    `INSERT INTO alarm_rule_overrides (site_id, rule_id, device_id, settings, updated_at)
     VALUES (@siteId, @ruleId, @deviceId, @settings, @ts)
     ON CONFLICT (site_id, rule_id, device_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
  )
  const removeOverride = db.prepare<[string, string, string]>(
    'DELETE FROM alarm_rule_overrides WHERE site_id = ? AND rule_id = ? AND device_id = ?',
  )

  function toOverride(row: {
    site_id: string
    rule_id: string
    device_id: string
    settings: string
    updated_at: number
  }) {
    const override: SiteRuleOverride = {
      ...(JSON.parse(row.settings) as Omit<RuleOverride, 'ruleId' | 'deviceId'>),
      siteId: row.site_id,
      ruleId: row.rule_id,
      updatedAt: row.updated_at,
    }
    if (row.device_id !== '') override.deviceId = row.device_id
    return override
  }

  return {
    raiseAlarm: (input) => raise.immediate(input),
    clearAlarm: (deviceId, ruleId, ts) => clear.immediate(deviceId, ruleId, ts),
    setAlarmDesignSuppression: (deviceId, ruleId, suppressed, ts) =>
      designSuppression.immediate(deviceId, ruleId, suppressed, ts),
    acknowledgeAlarm: (id, actor, ts, comment) => acknowledge.immediate(id, actor, ts, comment),
    resetAlarm: (id, actor, ts) => reset.immediate(id, actor, ts),
    shelveAlarm: (id, actor, request, ts) => shelve.immediate(id, actor, request, ts),
    unshelveAlarm: (id, actor, ts) => unshelve.immediate(id, actor, ts),
    setAlarmOutOfService: (target, actor, period, ts) => outOfService.immediate(target, actor, period, ts),
    returnAlarmToService: (id, actor, ts) => inService.immediate(id, actor, ts),
    recordFireStep: (id, actor, step, ts, note) => fireStep.immediate(id, actor, step, ts, note),
    expireAlarmSuppressions: (now) => expire.immediate(now),
    getAlarm(id) {
      const row = byId.get(id)
      return row && view(row)
    },
    findAlarm(deviceId, ruleId) {
      const row = byKey.get(deviceId, ruleId)
      return row && view(row)
    },
    listAlarms,
    alarmJournal,
    listRuleOverrides: (siteId) => overrideRows.all({ siteId: siteId ?? null }).map(toOverride),
    setRuleOverride(siteId, override, ts) {
      const { ruleId, deviceId, ...settings } = override
      upsertOverride.run({ siteId, ruleId, deviceId: deviceId ?? '', settings: JSON.stringify(settings), ts })
      return { ...override, siteId, updatedAt: ts }
    },
    deleteRuleOverride: (siteId, ruleId, deviceId) => removeOverride.run(siteId, ruleId, deviceId ?? '').changes > 0,
  }
}
