import type { DeviceView } from '@fm/protocol'
import { useEffect, useState } from 'react'
import type { ChartPoint } from '../../charts/HistoryChart.tsx'

/** A week of readings every 10 s is 60 k points; past this the oldest live points go (history covers them). */
const MAX_LIVE_POINTS = 5_000

/**
 * Readings of one field that arrived over the live link after `since`, as chart points. A new reading time appends a
 * point even when the value did not change: deltas carry only changed values, so the old value still holds.
 */
export function useLivePoints(device: DeviceView, field: string, since: number): ChartPoint[] {
  const [state, setState] = useState<{ key: string; points: ChartPoint[] }>({ key: '', points: [] })
  const key = `${device.id}|${field}|${since}`
  const value = device.values[field]
  const ts = device.valuesTs

  useEffect(() => {
    if (typeof value !== 'number' || ts === null || ts <= since) return
    setState((prev) => {
      const points = prev.key === key ? prev.points : []
      const last = points.at(-1)
      if (last && last.ts >= ts) return prev
      const next = [...points, { ts, mean: value, band: [value, value] as [number, number] }]
      return { key, points: next.length > MAX_LIVE_POINTS ? next.slice(-MAX_LIVE_POINTS) : next }
    })
  }, [key, value, ts, since])

  return state.key === key ? state.points : []
}
