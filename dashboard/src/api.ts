/**
 * REST calls to the api at the same origin (the Vite dev server proxies `/api`). Responses are typed with the
 * protocol's DTOs; the api validates them against the same schemas on its side.
 */
import type { DeviceView, Health, History, Site, StoredEvent } from '@fm/protocol'

export class ApiError extends Error {
  readonly status: number
  readonly path: string

  constructor(status: number, path: string) {
    super(`GET ${path} answered ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.path = path
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { signal: signal ?? null, headers: { accept: 'application/json' } })
  if (!response.ok) throw new ApiError(response.status, path)
  return (await response.json()) as T
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
  const response = await fetch(path, { signal: signal ?? null, headers: { accept: 'application/json' } })
  if (!response.ok && response.status !== 503) throw new ApiError(response.status, path)
  const body: unknown = await response.json().catch(() => undefined)
  if (!isHealth(body)) throw response.ok ? new HealthFormatError() : new ApiError(response.status, path)
  const date = Date.parse(response.headers.get('date') ?? '')
  return { health: body, serverDate: Number.isNaN(date) ? undefined : date }
}
