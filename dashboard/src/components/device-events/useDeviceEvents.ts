import { type DeviceKind, hasEvents } from '@fm/protocol'
import { useMemo } from 'react'
import { fetchEvents, isForbiddenError } from '../../api.ts'
import { fromLive, fromStored, mergeEvents, type ShownEvent } from '../../devices/events.ts'
import { useRecentEvents } from '../../live/store.ts'
import { useApi } from '../../useApi.ts'

export interface DeviceEvents {
  /** Newest first: live events since the page opened, merged with the stored history. */
  events: ShownEvent[]
  status: 'loading' | 'ok' | 'error'
  /** The api refused: the device is outside the user's scope, or their role may not read events. */
  forbidden: boolean
}

/** Recent events of one device. Kinds without events cost no request. */
export function useDeviceEvents(deviceId: string, kind: DeviceKind, limit: number): DeviceEvents {
  const stored = useApi(hasEvents(kind) ? `events|${deviceId}|${limit}` : null, (signal) =>
    fetchEvents(deviceId, limit, signal),
  )
  const live = useRecentEvents(deviceId)
  const events = useMemo(() => {
    const history = Array.isArray(stored.data) ? stored.data.flatMap((e) => fromStored(e) ?? []) : []
    return mergeEvents([live.map(fromLive), history], limit)
  }, [live, stored.data, limit])
  return { events, status: stored.status, forbidden: isForbiddenError(stored.error) }
}
