/**
 * REST calls to the api at the same origin (the Vite dev server proxies `/api`). Responses are typed with the
 * protocol's DTOs; the api validates them against the same schemas on its side.
 */
import type { DeviceView, Health, History, Site, StoredEvent } from '@fm/protocol'

/** What the api's JSON error body says (`ErrorResponse`), and how long to wait when it says so (`Retry-After`). */
export interface ApiErrorDetail {
  method?: string
  /** `FM_ERR_…`; clients branch on it, never on the message. */
  code?: string | undefined
  /** The api's message, in English: a detail for an administrator, never the only thing shown. */
  message?: string | undefined
  /** Seconds, from the `Retry-After` header of a 429. */
  retryAfterSec?: number | undefined
  /** When the request was sent (`Date.now()`), to tell an answer to an older session from one to the current. */
  sentAt?: number
}

export class ApiError extends Error {
  readonly status: number
  readonly path: string
  readonly code: string | undefined
  readonly detail: string | undefined
  readonly retryAfterSec: number | undefined
  readonly sentAt: number

  constructor(status: number, path: string, detail: ApiErrorDetail = {}) {
    super(`${detail.method ?? 'GET'} ${path} answered ${status}${detail.code ? ` ${detail.code}` : ''}`)
    this.name = 'ApiError'
    this.status = status
    this.path = path
    this.code = detail.code
    this.detail = detail.message
    this.retryAfterSec = detail.retryAfterSec
    this.sentAt = detail.sentAt ?? Date.now()
  }
}

type AuthErrorListener = (error: ApiError) => void
const authErrorListeners = new Set<AuthErrorListener>()

/**
 * Calls `listener` with every 401 and 403 any request gets, so the session can react wherever the request came from:
 * a 401 means the session is gone (expired, ended elsewhere), a 403 `FM_ERR_PASSWORD_CHANGE_REQUIRED` that the user
 * must choose a new password first. Returns the unsubscribe function.
 */
export function onAuthError(listener: AuthErrorListener): () => void {
  authErrorListeners.add(listener)
  return () => authErrorListeners.delete(listener)
}

/** The coded error of a response that is not ok; tells the session listeners about 401 and 403. */
async function errorOf(response: Response, method: string, path: string, sentAt: number): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => undefined)
  const { code, message } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10)
  const error = new ApiError(response.status, path, {
    method,
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
    retryAfterSec: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
    sentAt,
  })
  if (response.status === 401 || response.status === 403) {
    for (const listener of authErrorListeners) listener(error)
  }
  return error
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const sentAt = Date.now()
  const response = await fetch(path, { signal: signal ?? null, headers: { accept: 'application/json' } })
  if (!response.ok) throw await errorOf(response, 'GET', path, sentAt)
  return (await response.json()) as T
}

/**
 * A request that changes something. The body, if any, is JSON (the api refuses other bodies, so another site cannot
 * post a form to it); a 204 answers `undefined`. The session cookie goes along: same origin.
 */
export async function sendJson<T>(
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const sentAt = Date.now()
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!response.ok) throw await errorOf(response, method, path, sentAt)
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

/**
 * A request whose body is a file as it is (a photo), with its media type; the answer is JSON. The session cookie goes
 * along: same origin.
 */
export async function sendBlob<T>(method: 'POST' | 'PUT', path: string, body: Blob): Promise<T> {
  const sentAt = Date.now()
  const response = await fetch(path, {
    method,
    headers: { accept: 'application/json', 'content-type': body.type || 'application/octet-stream' },
    credentials: 'same-origin',
    body,
  })
  if (!response.ok) throw await errorOf(response, method, path, sentAt)
  return (await response.json()) as T
}

/**
 * An expected failure of a request, as a value the screen can put into words (STYLE §2.5.2): the api's code, or
 * `network` when no answer came, `HTTP_<status>` for an answer without a code.
 */
export interface Failure {
  code: string
  status?: number | undefined
  retryAfterSec?: number | undefined
  /** The api's own message, for an administrator. */
  detail?: string | undefined
}

/**
 * A refusal of what the user asked for: their role lacks the permission (`FM_ERR_FORBIDDEN`) or the place is outside
 * their scope (`FM_ERR_SCOPE_FORBIDDEN`). Not a 403 `FM_ERR_PASSWORD_CHANGE_REQUIRED`, which the session answers by
 * sending the user to the password form.
 */
export function isForbidden(failure: Failure): boolean {
  return failure.status === 403 && failure.code !== 'FM_ERR_PASSWORD_CHANGE_REQUIRED'
}

/** `isForbidden` for what a request threw; false for anything but the api's answer. */
export function isForbiddenError(error: unknown): boolean {
  return error instanceof ApiError && isForbidden(failureOf(error))
}

export type Result<T> = { ok: true; value: T } | { ok: false; failure: Failure }

export function failureOf(error: unknown): Failure {
  if (error instanceof ApiError) {
    return {
      code: error.code ?? `HTTP_${error.status}`,
      status: error.status,
      retryAfterSec: error.retryAfterSec,
      detail: error.detail,
    }
  }
  // fetch rejects with a TypeError when no answer comes at all: refused, reset, offline.
  if (error instanceof TypeError) return { code: 'network' }
  console.error('request failed unexpectedly', error)
  return { code: 'unknown' }
}

/** The request's value, or why it failed; never throws. */
export async function attempt<T>(request: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await request() }
  } catch (error) {
    return { ok: false, failure: failureOf(error) }
  }
}

const enc = encodeURIComponent

export function fetchSites(signal?: AbortSignal): Promise<Site[]> {
  return getJson<Site[]>('/api/sites', signal)
}

export function fetchDevice(deviceId: string, signal?: AbortSignal): Promise<DeviceView> {
  return getJson<DeviceView>(`/api/devices/${enc(deviceId)}`, signal)
}

/** Most buckets a chart asks for: about one per two pixels of a wide chart. */
export const HISTORY_MAX_POINTS = 500

export function fetchHistory(
  deviceId: string,
  query: { from: number; to: number; fields: readonly string[]; maxPoints?: number },
  signal?: AbortSignal,
): Promise<History> {
  const params = new URLSearchParams({
    from: String(query.from),
    to: String(query.to),
    fields: query.fields.join(','),
    maxPoints: String(query.maxPoints ?? HISTORY_MAX_POINTS),
  })
  return getJson<History>(`/api/devices/${enc(deviceId)}/history?${params}`, signal)
}

/** Newest first; `before` (exclusive, epoch ms) pages back through older events. */
export function fetchEvents(
  deviceId: string,
  limit: number,
  signal?: AbortSignal,
  before?: number,
): Promise<StoredEvent[]> {
  const page = before === undefined ? '' : `&before=${before}`
  return getJson<StoredEvent[]>(`/api/devices/${enc(deviceId)}/events?limit=${limit}${page}`, signal)
}

/** An answer of `/api/health`, with the server's clock from its `Date` header (epoch ms) when it sent one. */
export interface HealthAnswer {
  health: Health
  serverDate: number | undefined
}

/** The body is not a health report: a proxy's error page, say, when the api behind it is gone. */
export class HealthFormatError extends Error {
  constructor() {
    super('GET /api/health answered something that is not a health report')
    this.name = 'HealthFormatError'
  }
}

const HEALTH_STATES: readonly unknown[] = ['ok', 'degraded', 'down']

/** Just enough of a check that a body from something else is an error rather than a page that cannot render. */
function isHealth(body: unknown): body is Health {
  if (typeof body !== 'object' || body === null) return false
  const { status, parts, devices } = body as Record<string, unknown>
  return HEALTH_STATES.includes(status) && typeof parts === 'object' && parts !== null && typeof devices === 'object'
}

/**
 * `GET /api/health`. The api answers 503 when the platform is down, with the same report as a 200: that is an
 * answer to show, not an error. Anything else that is not a report is thrown.
 */
export async function fetchHealth(signal?: AbortSignal): Promise<HealthAnswer> {
  const path = '/api/health'
  const sentAt = Date.now()
  const response = await fetch(path, { signal: signal ?? null, headers: { accept: 'application/json' } })
  if (!response.ok && response.status !== 503) throw await errorOf(response, 'GET', path, sentAt)
  const body: unknown = await response.json().catch(() => undefined)
  if (!isHealth(body)) throw response.ok ? new HealthFormatError() : new ApiError(response.status, path)
  const date = Date.parse(response.headers.get('date') ?? '')
  return { health: body, serverDate: Number.isNaN(date) ? undefined : date }
}
