/**
 * The filters of the audit page, kept in the page's URL so that a supervisor can send a link to exactly what they see
 * ("failed sign-ins since Monday"), and turned into the query of `GET /api/audit`. Times go into the URL as local
 * time with its offset ("2026-05-14T08:30+08:00"): readable, and the same instant wherever the link is opened.
 */
import type { AuditEntryView, AuditPage } from '@fm/protocol'

export type AuditOutcome = AuditEntryView['outcome']
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['ok', 'denied', 'failed']

/**
 * The prefixes offered in the action filter: every sign-in, every change to users, to devices, and every response to
 * an alarm or change of an alarm rule.
 */
export const ACTION_PREFIXES = ['auth.', 'user.', 'device.', 'alarm.'] as const

/** The api's pattern for `action` (api/src/routes/audit.ts); anything else answers 400. */
const ACTION_RE = /^[A-Za-z0-9._-]{1,128}$/
const SITE_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/
const ID_MAX_CHARS = 256

/** Entries per page: enough to fill a large screen, small enough to page through quickly. */
export const AUDIT_PAGE_SIZE = 100

export interface AuditFilters {
  /** Entries at or after, epoch ms. */
  from?: number
  /** Entries before, epoch ms. */
  to?: number
  /** The id of the actor, e.g. a user id. */
  actor?: string
  /** A prefix of the action: `auth.` or `auth.login`. */
  action?: string
  outcome?: AuditOutcome
  site?: string
  /** The id of the target: a user or device id. */
  target?: string
}

export type AuditCursor = NonNullable<AuditPage['next']>

export function isActionPrefix(text: string): boolean {
  return ACTION_RE.test(text)
}

const pad2 = (n: number) => String(Math.abs(n)).padStart(2, '0')

/** `ms` as local time to the minute with the browser's offset: "2026-05-14T08:30+08:00". */
export function timeParam(ms: number): string {
  const d = new Date(ms)
  const offset = -d.getTimezoneOffset()
  const zone = `${offset < 0 ? '-' : '+'}${pad2(Math.trunc(offset / 60))}:${pad2(offset % 60)}`
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}${zone}`
}

/**
 * A time of the URL as epoch ms: one written by `timeParam`, any ISO 8601 time, or epoch ms; else undefined. A "+"
 * typed into a link by hand arrives as a space (form encoding), so a space before the offset is read as "+".
 */
export function parseTimeParam(text: string | null): number | undefined {
  if (!text) return undefined
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text.replace(/ (\d\d:\d\d)$/, '+$1'))
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined
}

const idParam = (text: string | null) => {
  const id = text?.trim()
  return id && id.length <= ID_MAX_CHARS ? id : undefined
}

/**
 * The filters a URL holds. A value the api would refuse (an unknown outcome, an action with spaces) is left out
 * rather than turned into an error page: a link typed by hand still shows the log.
 */
export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {}
  const from = parseTimeParam(search.get('from'))
  const to = parseTimeParam(search.get('to'))
  const actor = idParam(search.get('actor'))
  const target = idParam(search.get('target'))
  const action = search.get('action')?.trim()
  const outcome = search.get('outcome')
  const site = search.get('site')?.trim()
  if (from !== undefined) filters.from = from
  if (to !== undefined) filters.to = to
  if (actor) filters.actor = actor
  if (action && isActionPrefix(action)) filters.action = action
  if (AUDIT_OUTCOMES.includes(outcome as AuditOutcome)) filters.outcome = outcome as AuditOutcome
  if (site && SITE_RE.test(site)) filters.site = site
  if (target) filters.target = target
  return filters
}

/** The order of the filters in a query, so that equal filters make equal links. */
const FILTER_KEYS = ['from', 'to', 'actor', 'action', 'outcome', 'site', 'target'] as const

/** The filters that are set, as query parameters; the times written by `time`. */
function filterParams(filters: AuditFilters, time: (ms: number) => string): URLSearchParams {
  const params = new URLSearchParams()
  for (const key of FILTER_KEYS) {
    const value = filters[key]
    if (typeof value === 'number') params.set(key, time(value))
    else if (value) params.set(key, value)
  }
  return params
}

/** The URL query of `filters`, times as local time with their offset. */
export function searchOfFilters(filters: AuditFilters): URLSearchParams {
  return filterParams(filters, timeParam)
}

/** The query of `GET /api/audit` for `filters`, times as epoch ms, and for the page before `cursor` when given. */
export function auditQuery(filters: AuditFilters, cursor?: AuditCursor): URLSearchParams {
  const query = filterParams(filters, String)
  query.set('limit', String(AUDIT_PAGE_SIZE))
  if (cursor) {
    query.set('beforeTs', String(cursor.beforeTs))
    query.set('beforeId', String(cursor.beforeId))
  }
  return query
}
