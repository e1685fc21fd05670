import type { DeviceView } from '@fm/protocol'
import { fetchHistory } from '../../api.ts'
import { numberOf } from '../../devices/fields.ts'
import { useApi } from '../../useApi.ts'

const COUNTERS = ['vehicles_in_count', 'vehicles_out_count'] as const
type Counter = (typeof COUNTERS)[number]
type Baselines = Map<string, Partial<Record<Counter, number>>>

export function startOfDay(ts: number): number {
  const day = new Date(ts)
  day.setHours(0, 0, 0, 0)
  return day.getTime()
}

async function loadBaselines(gateIds: readonly string[], from: number, signal: AbortSignal): Promise<Baselines> {
  const baselines: Baselines = new Map()
  const histories = await Promise.all(
    gateIds.map((id) => fetchHistory(id, { from, to: Date.now(), fields: COUNTERS }, signal)),
  )
  for (const history of histories) {
    const baseline: Partial<Record<Counter, number>> = {}
    for (const series of history.series) {
      const first = series.points[0]
      if (first && (series.field === 'vehicles_in_count' || series.field === 'vehicles_out_count')) {
        baseline[series.field] = first.min
      }
    }
    baselines.set(history.deviceId, baseline)
  }
  return baselines
}

/**
 * Vehicles through all gates since local midnight: each gate's pass counter now, minus its first reading of the
 * day from the history. A counter that went backwards was reset (camera reboot) and counts from zero.
 * Undefined when no gate reports counters or the history is not available.
 */
export function useVehiclesToday(gates: readonly DeviceView[], now: number): { in: number; out: number } | undefined {
  const from = startOfDay(now)
  const counting = gates.filter((g) => COUNTERS.some((c) => numberOf(g.values, c) !== undefined))
  const ids = counting.map((g) => g.id)
  const key = ids.length > 0 ? `vehicles|${from}|${ids.join(',')}` : null
  const baselines = useApi(key, (signal) => loadBaselines(ids, from, signal))
  if (!baselines.data || counting.length === 0) return undefined
  const total = { in: 0, out: 0 }
  for (const gate of counting) {
    const baseline = baselines.data.get(gate.id)
    total.in += sinceBaseline(numberOf(gate.values, 'vehicles_in_count'), baseline?.vehicles_in_count)
    total.out += sinceBaseline(numberOf(gate.values, 'vehicles_out_count'), baseline?.vehicles_out_count)
  }
  return total
}

function sinceBaseline(current: number | undefined, baseline: number | undefined): number {
  if (current === undefined || baseline === undefined) return 0
  return current >= baseline ? current - baseline : current
}
