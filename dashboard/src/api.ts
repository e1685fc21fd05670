/**
 * REST calls to the api at the same origin (the Vite dev server proxies `/api`). Responses are typed with the
 * protocol's DTOs; the api validates them against the same schemas on its side.
 */
import type { DeviceView, History, Site, StoredEvent } from '@fm/protocol'

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
