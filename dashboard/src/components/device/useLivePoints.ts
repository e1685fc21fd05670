import { type DeviceView, type FieldSpec, numericValue } from '@fm/protocol'
import { useEffect, useState } from 'react'
import type { LiveReading } from '../../charts/buckets.ts'

/** A week of readings every 10 s is 60 k points; past this the oldest live readings go (history covers them). */
const MAX_LIVE_POINTS = 5_000

/**
 * Readings of one field that arrived over the live link after `since`. A new reading time adds a reading even when
 * the value did not change: deltas carry only changed values, so the old value still holds. Booleans and enums become
 * the same codes the history stores (0/1, enum index), so both line up on one chart. `enabled` false (a custom range
 * in the past) collects nothing.
 */
export function useLivePoints(
  device: DeviceView,
  field: FieldSpec | undefined,
  since: number,
  enabled = true,
): LiveReading[] {
  const [state, setState] = useState<{ key: string; points: LiveReading[] }>({ key: '', points: [] })
  const key = `${device.id}|${field?.key}|${since}|${enabled}`
  const raw = field ? device.values[field.key] : undefined
  const value = field && raw !== undefined ? numericValue(field, raw) : undefined
  const ts = device.valuesTs

  useEffect(() => {
    if (!enabled || value === undefined || ts === null || ts <= since) return
    setState((prev) => {
      const points = prev.key === key ? prev.points : []
      const last = points.at(-1)
      if (last && last.ts >= ts) return prev
      const next = [...points, { ts, value }]
      return { key, points: next.length > MAX_LIVE_POINTS ? next.slice(-MAX_LIVE_POINTS) : next }
    })
  }, [key, value, ts, since, enabled])

  return state.key === key ? state.points : []
}
