import { type DeviceView, type FieldSpec, numericValue } from '@fm/protocol'
import { useEffect, useState } from 'react'
import type { ChartPoint } from '../../charts/HistoryChart.tsx'

/** A week of readings every 10 s is 60 k points; past this the oldest live points go (history covers them). */
const MAX_LIVE_POINTS = 5_000

/**
 * Readings of one field that arrived over the live link after `since`, as chart points. A new reading time appends a
 * point even when the value did not change: deltas carry only changed values, so the old value still holds.
 * Booleans and enums become the same codes the history stores (0/1, enum index), so both line up on one chart.
 */
export function useLivePoints(device: DeviceView, field: FieldSpec | undefined, since: number): ChartPoint[] {
  const [state, setState] = useState<{ key: string; points: ChartPoint[] }>({ key: '', points: [] })
  const key = `${device.id}|${field?.key}|${since}`
  const raw = field ? device.values[field.key] : undefined
  const value = field && raw !== undefined ? numericValue(field, raw) : undefined
  const ts = device.valuesTs

  useEffect(() => {
    if (value === undefined || ts === null || ts <= since) return
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
