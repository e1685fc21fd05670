/**
 * The audit log: who did what, to what, from where, and how it ended. Append-only at the database level (triggers
 * in the schema refuse UPDATE, DELETE and INSERT OR REPLACE), and this module offers no way to change an entry.
 *
 * What enters is bounded and scrubbed: strings from requests are cut to MAX_FIELD_CHARS, each JSON value (detail,
 * before, after) to AUDIT_VALUE_MAX_BYTES, and keys that look like secrets are removed at any depth. Callers must
 * still never pass secrets; the scrubbing is a safety net, not a licence.
 */
import type { SqliteDatabase } from './sqlite.ts'
import type { AuditActor, AuditEntry, AuditInput, AuditOutcome, AuditQuery, Store } from './types.ts'

export const DEFAULT_AUDIT_LIMIT = 100
export const MAX_AUDIT_LIMIT = 500
/** Largest JSON text kept for each of detail, before and after; a larger value is replaced by a truncation marker. */
export const AUDIT_VALUE_MAX_BYTES = 16 * 1024
/** Characters of the original JSON kept in a truncation marker. */
const TRUNCATED_PREVIEW_CHARS = 1024
/** Actor id and name, site id, target type and id, ip: enough for any id, short enough to stay an index key. */
const MAX_FIELD_CHARS = 256
/** Keys whose values are dropped from detail, before and after. */
const SECRET_KEY_RE = /password|token|secret/i
/** Nesting kept in JSON values; deeper parts become a marker (this also stops a runaway recursion). */
const MAX_DEPTH = 32
const ACTION_RE = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/
const MAX_ACTION_CHARS = 128
/** The characters an action may hold; a prefix with any other character matches nothing. */
const ACTION_PREFIX_RE = /^[A-Za-z0-9._-]*$/

const ACTOR_TYPES: ReadonlySet<string> = new Set<AuditActor['type']>([
  'user',
  'device',
  'service',
  'system',
  'anonymous',
])
const OUTCOMES: ReadonlySet<string> = new Set<AuditOutcome>(['ok', 'denied', 'failed'])

interface AuditRow {
  id: number
  ts: number
  actor_type: AuditActor['type']
  actor_id: string | null
  actor_name: string | null
  action: string
  outcome: AuditOutcome
  site_id: string | null
  target_type: string | null
  target_id: string | null
  ip: string | null
  detail: string | null
  value_before: string | null
  value_after: string | null
}

type InsertParams = Omit<AuditRow, 'id'>

const AUDIT_COLUMNS = `id, ts, actor_type, actor_id, actor_name, action, outcome, site_id, target_type, target_id, ip,
  detail, value_before, value_after`

/**
 * A copy of `value` as JSON would see it, less the keys that look like secrets, cycles and excess depth.
 * undefined stands for "nothing to store" (undefined, functions, symbols), as in JSON.stringify.
 */
function scrub(value: unknown, depth: number, ancestors: object[]): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'function' || typeof value === 'symbol') return undefined
  if (value === null || typeof value !== 'object') return value
  const { toJSON } = value as { toJSON?: unknown }
  if (typeof toJSON === 'function') return scrub(toJSON.call(value), depth, ancestors)
  if (ancestors.includes(value)) return '[circular]'
  if (depth >= MAX_DEPTH) return '[too deep]'
  ancestors.push(value)
  try {
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, ancestors) ?? null)
    const copy: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_KEY_RE.test(key)) continue
      const scrubbed = scrub(item, depth + 1, ancestors)
      if (scrubbed !== undefined) copy[key] = scrubbed
    }
    return copy
  } finally {
    ancestors.pop()
  }
}

/** The JSON text stored for a value: scrubbed, and replaced by a marker when too large. Null when there is none. */
function storedJson(value: unknown): string | null {
  if (value === undefined) return null
  const json = JSON.stringify(scrub(value, 0, []))
  if (json === undefined) return null
  const bytes = Buffer.byteLength(json, 'utf8')
  if (bytes <= AUDIT_VALUE_MAX_BYTES) return json
  return JSON.stringify({ _truncated: true, bytes, preview: json.slice(0, TRUNCATED_PREVIEW_CHARS) })
}

function clip(value: string | undefined): string | null {
  return typeof value === 'string' ? value.slice(0, MAX_FIELD_CHARS) : null
}

function toInsertParams(input: AuditInput, now: number): InsertParams {
  const { actor, action, outcome } = input
  if (!ACTOR_TYPES.has(actor?.type)) throw new Error(`audit: unknown actor type ${JSON.stringify(actor?.type)}`)
  if (typeof action !== 'string' || action.length > MAX_ACTION_CHARS || !ACTION_RE.test(action))
    throw new Error(`audit: action ${JSON.stringify(action)} is not dotted words such as "auth.login.failed"`)
  if (!OUTCOMES.has(outcome)) throw new Error(`audit: unknown outcome ${JSON.stringify(outcome)}`)
  const ts = input.ts ?? now
  if (!Number.isSafeInteger(ts) || ts < 0) throw new RangeError(`audit: ts must be epoch ms, got ${ts}`)
  return {
    ts,
    actor_type: actor.type,
    actor_id: clip(actor.id),
    actor_name: clip(actor.name),
    action,
    outcome,
    site_id: clip(input.siteId),
    target_type: input.target ? clip(input.target.type) : null,
    target_id: input.target ? clip(input.target.id) : null,
    ip: clip(input.ip),
    detail: storedJson(input.detail),
    value_before: storedJson(input.before),
    value_after: storedJson(input.after),
  }
}

function toAuditEntry(row: AuditRow): AuditEntry {
  const actor: AuditActor = { type: row.actor_type }
  if (row.actor_id !== null) actor.id = row.actor_id
  if (row.actor_name !== null) actor.name = row.actor_name
  const entry: AuditEntry = { id: row.id, ts: row.ts, actor, action: row.action, outcome: row.outcome }
  if (row.site_id !== null) entry.siteId = row.site_id
  if (row.target_type !== null && row.target_id !== null) entry.target = { type: row.target_type, id: row.target_id }
  if (row.ip !== null) entry.ip = row.ip
  if (row.detail !== null) entry.detail = JSON.parse(row.detail) as Record<string, unknown>
  if (row.value_before !== null) entry.before = JSON.parse(row.value_before) as unknown
  if (row.value_after !== null) entry.after = JSON.parse(row.value_after) as unknown
  return entry
}

function auditLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_AUDIT_LIMIT
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`audit limit must be a positive integer, got ${limit}`)
  return Math.min(limit, MAX_AUDIT_LIMIT)
}

function checkTime(name: string, value: number | undefined): void {
  if (value !== undefined && !Number.isFinite(value)) throw new RangeError(`audit ${name} must be epoch ms`)
}

/**
 * The WHERE clause and parameters of a query; undefined when it can match nothing. Each filter is a range or an
 * equality on an indexed column, so SQLite can pick the narrowest index.
 */
function whereClause(query: AuditQuery): { where: string; params: Record<string, unknown> } | undefined {
  const conditions: string[] = []
  const params: Record<string, unknown> = {}
  checkTime('from', query.from)
  checkTime('to', query.to)
  if (query.from !== undefined) {
    conditions.push('ts >= @from')
    params.from = query.from
  }
  if (query.to !== undefined) {
    conditions.push('ts < @to')
    params.to = query.to
  }
  if (query.actorId !== undefined) {
    conditions.push('actor_id = @actorId')
    params.actorId = query.actorId
  }
  if (query.action !== undefined && query.action !== '') {
    if (!ACTION_PREFIX_RE.test(query.action)) return undefined
    // every action character sorts below U+007F, so this range holds exactly the actions that start with the prefix
    conditions.push('action >= @actionFrom AND action < @actionTo')
    params.actionFrom = query.action
    params.actionTo = `${query.action}\u007f`
  }
  if (query.outcome !== undefined) {
    conditions.push('outcome = @outcome')
    params.outcome = query.outcome
  }
  if (query.targetId !== undefined) {
    conditions.push('target_id = @targetId')
    params.targetId = query.targetId
  }
  if (query.siteIds !== undefined) {
    const ofSites = 'site_id IN (SELECT value FROM json_each(@siteIds))'
    conditions.push(query.includeGlobal === true ? `(${ofSites} OR site_id IS NULL)` : ofSites)
    params.siteIds = JSON.stringify(query.siteIds)
  } else if (query.includeGlobal === false) {
    conditions.push('site_id IS NOT NULL')
  }
  if (query.before !== undefined) {
    checkTime('before.ts', query.before.ts)
    checkTime('before.id', query.before.id)
    // the cursor is (ts, id), as for device events: entries of one millisecond are not skipped at a page boundary
    conditions.push('(ts, id) < (@beforeTs, @beforeId)')
    params.beforeTs = query.before.ts
    params.beforeId = query.before.id
  }
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params }
}

export function createAudit(db: SqliteDatabase, now: () => number): Pick<Store, 'appendAudit' | 'queryAudit'> {
  const insert = db.prepare<InsertParams, AuditRow>(
    `INSERT INTO audit_log (ts, actor_type, actor_id, actor_name, action, outcome, site_id, target_type, target_id,
       ip, detail, value_before, value_after)
     VALUES (@ts, @actor_type, @actor_id, @actor_name, @action, @outcome, @site_id, @target_type, @target_id,
       @ip, @detail, @value_before, @value_after)
     RETURNING ${AUDIT_COLUMNS}`,
  )
  // one statement per combination of filters, prepared once: there are few combinations in use
  const queries = new Map<string, ReturnType<typeof db.prepare<Record<string, unknown>, AuditRow>>>()
  function prepared(sql: string) {
    let statement = queries.get(sql)
    if (!statement) {
      statement = db.prepare<Record<string, unknown>, AuditRow>(sql)
      queries.set(sql, statement)
    }
    return statement
  }

  return {
    appendAudit(input) {
      const row = insert.get(toInsertParams(input, now()))
      if (!row) throw new Error('audit: the insert returned no row')
      return toAuditEntry(row)
    },
    queryAudit(query = {}) {
      const limit = auditLimit(query.limit)
      const clause = whereClause(query)
      if (!clause) return []
      const sql = `SELECT ${AUDIT_COLUMNS} FROM audit_log ${clause.where} ORDER BY ts DESC, id DESC LIMIT @limit`
      return prepared(sql)
        .all({ ...clause.params, limit })
        .map(toAuditEntry)
    },
  }
}
