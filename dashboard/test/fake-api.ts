/**
 * A fake api for the session and administration pages: a signed-in user (or none), users, devices, the audit log,
 * and the routes of docs/access.md answering with the api's codes. A test queues an exceptional answer for one route
 * with `answerNext`; everything else behaves as the api does. Unknown routes answer 404 `FM_ERR_NOT_FOUND`, as the
 * real api.
 */
import type {
  AlarmJournalEntry,
  AlarmKpis,
  AlarmView,
  AuditEntryView,
  DeviceView,
  Permission,
  UserView,
} from '@fm/protocol'
import { vi } from 'vitest'
import type { SiteAlarmRule } from '../src/alarms/rules-api.ts'
import type { AdminDevice } from '../src/devices/device-admin-api.ts'
import type { ListedUser } from '../src/users/users-api.ts'
import { PASSWORD } from './auth-fixtures.ts'
import { SITE } from './fixtures.ts'

export interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface Request {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
}

const json = ({ status, body, headers = {} }: Answer) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })

export const apiError = (status: number, code: string, message = code, headers?: Record<string, string>): Answer => ({
  status,
  body: { statusCode: status, code, error: 'Error', message },
  ...(headers ? { headers } : {}),
})

/** The MQTT password the fake api generates for the `n`th provisioning or rotation. */
export const generatedPassword = (n: number) => `Generated-Mqtt-Pass-${n}`

/**
 * `GET /api/audit` as the store answers it: newest first, filtered, a page before the cursor, and `next` only when
 * older entries match.
 */
function auditPage(entries: AuditEntryView[], query: URLSearchParams) {
  const number = (key: string) => (query.has(key) ? Number(query.get(key)) : undefined)
  const [from, to, beforeTs, beforeId] = ['from', 'to', 'beforeTs', 'beforeId'].map(number)
  const limit = number('limit') ?? 100
  const matching = [...entries]
    .sort((a, b) => b.ts - a.ts || b.id - a.id)
    .filter(
      (e) =>
        (from === undefined || e.ts >= from) &&
        (to === undefined || e.ts < to) &&
        (!query.has('actor') || e.actor.id === query.get('actor')) &&
        e.action.startsWith(query.get('action') ?? '') &&
        (!query.has('outcome') || e.outcome === query.get('outcome')) &&
        (!query.has('site') || e.siteId === query.get('site')) &&
        (!query.has('target') || e.target?.id === query.get('target')) &&
        (beforeTs === undefined || e.ts < beforeTs || (e.ts === beforeTs && e.id < (beforeId ?? 0))),
    )
  const page = matching.slice(0, limit)
  const last = page.at(-1)
  return matching.length > limit && last
    ? { entries: page, next: { beforeTs: last.ts, beforeId: last.id } }
    : { entries: page }
}

/** What the fake api starts with: who is signed in, if anyone, and the lists of the administration pages. */
export interface FakeApiState {
  user?: UserView | undefined
  users?: ListedUser[]
  devices?: AdminDevice[]
  audit?: AuditEntryView[]
  /** The alarms the alarm routes act on, changed as the api would change them. */
  alarms?: AlarmView[]
  journal?: AlarmJournalEntry[]
  kpis?: AlarmKpis
  /** The alarm rules of the fixture site, as `GET /api/sites/cuihu/alarm-rules` lists them. */
  rules?: SiteAlarmRule[]
}

export function stubAuthApi(options: FakeApiState = {}) {
  const state = {
    user: options.user,
    users: [...(options.users ?? [])],
    devices: [...(options.devices ?? [])],
    audit: [...(options.audit ?? [])],
    alarms: [...(options.alarms ?? [])],
    rules: [...(options.rules ?? [])],
    /** How many passwords the fake has generated. */
    generated: 0,
    /** username → password */
    passwords: new Map((options.users ?? []).map((user) => [user.username, PASSWORD])),
  }
  if (options.user) state.passwords.set(options.user.username, PASSWORD)
  const queued = new Map<string, Answer[]>()
  const requests: Request[] = []

  function forbidden(user: UserView, permission: Permission): Answer | undefined {
    const allowed = user.permissions.includes(permission)
    return allowed ? undefined : apiError(403, 'FM_ERR_FORBIDDEN', `permission "${permission}" required`)
  }

  /**
   * The alarm routes of api/src/routes/alarms.ts, alarm-actions.ts and alarm-kpis.ts: each action answers the alarm
   * in its new state, or the api's refusal (409 FM_ERR_ALARM_STATE) where the state does not allow it.
   */
  function alarmRoute(user: UserView, method: string, path: string, body: Record<string, unknown>): Answer | undefined {
    if (method === 'GET' && /^\/api\/sites\/[^/]+\/alarm-kpis$/.test(path)) {
      return options.kpis ? { status: 200, body: options.kpis } : apiError(404, 'FM_ERR_NOT_FOUND')
    }
    const rule = /^\/api\/sites\/[^/]+\/alarm-rules(?:\/([^/]+))?$/.exec(path)
    if (rule) return ruleRoute(user, method, decodeURIComponent(rule[1] ?? ''), body)
    if (method === 'GET' && /^\/api\/devices\/[^/]+\/history$/.test(path)) {
      return { status: 200, body: { deviceId: path.split('/')[3], from: 0, to: 0, stepMs: 0, series: [] } }
    }
    const point = /^\/api\/devices\/([^/]+)\/alarms\/([^/]+)\/out-of-service$/.exec(path)
    const action = /^\/api\/alarms\/(\d+)\/(journal|ack|shelve|unshelve|reset|fire-steps)$/.exec(path)
    if (!point && !action) return undefined
    const alarm = point
      ? state.alarms.find((a) => a.deviceId === point[1] && a.ruleId === decodeURIComponent(point[2] ?? ''))
      : state.alarms.find((a) => a.id === Number(action?.[1]))
    if (!alarm) return apiError(404, 'FM_ERR_ALARM_NOT_FOUND')
    if (action?.[2] === 'journal') {
      return { status: 200, body: { entries: (options.journal ?? []).filter((e) => e.alarmId === alarm.id) } }
    }
    const refused = forbidden(user, point ? 'alarms.suppress' : 'alarms.respond')
    if (refused) return refused
    const refuse = (why: string) => apiError(409, 'FM_ERR_ALARM_STATE', why)
    const at = Math.max(Date.now(), alarm.updatedAt + 1)
    let next: AlarmView
    switch (point ? `${method} out-of-service` : action?.[2]) {
      case 'ack':
        if (alarm.acknowledged) return refuse('already acknowledged')
        next = {
          ...alarm,
          acknowledged: true,
          state: alarm.active ? 'ack' : 'normal',
          acknowledgedBy: user.displayName,
        }
        break
      case 'shelve': {
        if (alarm.priority === 'P0') return refuse('a P0 alarm cannot be shelved')
        const until = typeof body.durationMin === 'number' ? at + body.durationMin * 60_000 : undefined
        const shelve = {
          kind: body.kind as 'timed' | 'one-shot',
          reason: String(body.reason),
          by: user.displayName,
          at,
        }
        next = { ...alarm, shelved: until === undefined ? shelve : { ...shelve, until } }
        break
      }
      case 'unshelve': {
        const { shelved: _, ...rest } = alarm
        next = rest
        break
      }
      case 'reset':
        if (alarm.conditionActive) return refuse('the condition still holds')
        next = { ...alarm, active: false, state: alarm.acknowledged ? 'normal' : 'rtn-unack' }
        break
      case 'fire-steps': {
        const step = {
          step: String(body.step),
          at,
          by: user.displayName,
          ...(body.note ? { note: String(body.note) } : {}),
        }
        next = { ...alarm, fireSteps: [...(alarm.fireSteps ?? []), step] }
        break
      }
      case 'PUT out-of-service':
        next = {
          ...alarm,
          outOfService: { until: Number(body.until), reason: String(body.reason), by: user.displayName, at },
        }
        break
      case 'DELETE out-of-service': {
        const { outOfService: _, ...rest } = alarm
        next = rest
        break
      }
      default:
        return apiError(404, 'FM_ERR_NOT_FOUND')
    }
    next = { ...next, updatedAt: at }
    state.alarms = state.alarms.map((a) => (a.id === next.id ? next : a))
    return { status: 200, body: next }
  }

  /** The rule routes of api/src/routes/alarm-rules.ts: an override replaces the site's numbers field by field. */
  function ruleRoute(user: UserView, method: string, ruleId: string, body: Record<string, unknown>): Answer {
    if (method === 'GET' && !ruleId) return { status: 200, body: state.rules }
    const refused = forbidden(user, 'rules.manage')
    if (refused) return refused
    const rule = state.rules.find((r) => r.id === ruleId)
    if (!rule) return apiError(404, 'FM_ERR_RULE_NOT_FOUND')
    const settings = method === 'PUT' ? body : {}
    const next: SiteAlarmRule = {
      ...rule,
      ...rule.defaults,
      enabled: true,
      ...settings,
      ...(method === 'PUT' ? { override: { ...settings, updatedAt: Date.now() } } : {}),
    }
    if (method === 'DELETE') delete next.override
    state.rules = state.rules.map((r) => (r.id === ruleId ? next : r))
    return { status: 200, body: next }
  }

  /** The device routes of api/src/routes/device-admin.ts and devices.ts. */
  function deviceRoute(user: UserView, method: string, path: string, body: Record<string, unknown>): Answer {
    if (method === 'GET' && path === '/api/devices') return { status: 200, body: state.devices }
    const refused = forbidden(user, 'devices.manage')
    if (refused) return refused
    const provision = /^\/api\/sites\/([^/]+)\/devices$/.exec(path)
    if (method === 'POST' && provision) {
      if (decodeURIComponent(provision[1] ?? '') !== SITE.id) return apiError(404, 'FM_ERR_SITE_NOT_FOUND')
      if (state.devices.some((d) => d.id === body.id)) return apiError(409, 'FM_ERR_DEVICE_EXISTS')
      const device = {
        siteId: SITE.id,
        attributes: {},
        reportIntervalSec: 60,
        online: false,
        lastSeen: null,
        values: {},
        valuesTs: null,
        ...body,
      } as DeviceView
      state.devices.push(device)
      state.generated += 1
      return { status: 201, body: { device, password: generatedPassword(state.generated) } }
    }
    const action = /^\/api\/devices\/([^/]+)\/(credentials|revoke)$/.exec(path)
    const target = state.devices.find((d) => d.id === decodeURIComponent(action?.[1] ?? ''))
    if (method !== 'POST' || !action) return apiError(404, 'FM_ERR_NOT_FOUND')
    if (!target) return apiError(404, 'FM_ERR_DEVICE_NOT_FOUND')
    if (action[2] === 'revoke') return { status: 204 }
    state.generated += 1
    return { status: 200, body: { password: generatedPassword(state.generated) } }
  }

  function route(method: string, path: string, body: Record<string, unknown>, query: URLSearchParams): Answer {
    const signedIn = state.user
    if (method === 'GET' && path === '/api/auth/me') {
      return signedIn ? { status: 200, body: signedIn } : apiError(401, 'FM_ERR_AUTH_REQUIRED')
    }
    if (method === 'POST' && path === '/api/auth/login') {
      const known = [...state.users, ...(options.user ? [options.user] : [])].find((u) => u.username === body.username)
      if (!known || state.passwords.get(known.username) !== body.password) return apiError(401, 'FM_ERR_AUTH_FAILED')
      state.user = known
      return { status: 200, body: { user: known } }
    }
    if (method === 'POST' && path === '/api/auth/logout') {
      state.user = undefined
      return { status: 204 }
    }
    if (!signedIn) return apiError(401, 'FM_ERR_AUTH_REQUIRED')
    if (method === 'POST' && path === '/api/auth/password') {
      if (body.currentPassword !== state.passwords.get(signedIn.username)) {
        return apiError(400, 'FM_ERR_PASSWORD_CURRENT_INVALID')
      }
      state.passwords.set(signedIn.username, String(body.newPassword))
      state.user = { ...signedIn, mustChangePassword: false }
      return { status: 200, body: { user: state.user } }
    }
    if (path === '/api/sites') return { status: 200, body: [SITE] }
    const alarmAnswer = alarmRoute(signedIn, method, path, body)
    if (alarmAnswer) return alarmAnswer
    if (path.startsWith('/api/devices') || path.startsWith('/api/sites/'))
      return deviceRoute(signedIn, method, path, body)
    if (method === 'GET' && path === '/api/audit') {
      return forbidden(signedIn, 'audit.read') ?? { status: 200, body: auditPage(state.audit, query) }
    }
    if (path.startsWith('/api/users') && !signedIn.permissions.includes('users.manage')) {
      return apiError(403, 'FM_ERR_FORBIDDEN', 'permission "users.manage" required')
    }
    if (method === 'GET' && path === '/api/users') return { status: 200, body: state.users }
    if (method === 'POST' && path === '/api/users') {
      if (state.users.some((u) => u.username === body.username)) return apiError(409, 'FM_ERR_USER_EXISTS')
      const { password: _, ...fields } = body
      const created = { id: `u_new${String(state.users.length).padStart(13, '0')}`, ...fields } as ListedUser
      const user: ListedUser = { ...created, mustChangePassword: true, permissions: [], disabled: false }
      state.users.push(user)
      return { status: 201, body: user }
    }
    const match = /^\/api\/users\/([^/]+)(\/password)?$/.exec(path)
    const target = state.users.find((u) => u.id === decodeURIComponent(match?.[1] ?? ''))
    if (match && !target) return apiError(404, 'FM_ERR_USER_NOT_FOUND')
    if (target && method === 'PATCH' && !match?.[2]) {
      const changed = { ...target, ...body } as ListedUser
      state.users = state.users.map((u) => (u.id === target.id ? changed : u))
      return { status: 200, body: changed }
    }
    if (target && method === 'POST' && match?.[2]) return { status: 204 }
    return apiError(404, 'FM_ERR_NOT_FOUND')
  }

  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost')
    const method = init?.method ?? 'GET'
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {}
    requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      body: init?.body === undefined ? undefined : body,
    })
    const next = queued.get(`${method} ${url.pathname}`)?.shift()
    return json(next ?? route(method, url.pathname, body, url.searchParams))
  })
  vi.stubGlobal('fetch', spy)

  return {
    state,
    /** Every request so far, in order, with its parsed JSON body. */
    requests,
    /** The requests to one route. */
    sent: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
    /** The next request to `method path` gets `answer` instead of the usual one. */
    answerNext(method: string, path: string, answer: Answer) {
      const list = queued.get(`${method} ${path}`) ?? []
      list.push(answer)
      queued.set(`${method} ${path}`, list)
    },
  }
}
