import type { DeviceView } from '@fm/protocol'
import { useEffect, useState } from 'react'
import { fetchEvents, fetchHistory } from '../../api.ts'
import { fromLive, fromStored, type ShownEvent } from '../../devices/events.ts'
import { useRecentEvents } from '../../live/store.ts'
import { useApi } from '../../useApi.ts'
import {
  COUNTERS,
  type CounterReadings,
  countersOf,
  countVehiclesToday,
  startOfDay,
  type VehicleCount,
} from './vehicles.ts'

/**
 * Hourly buckets are plenty: the first bucket's minimum is the first reading of the day for a counter that only
 * goes up, and a day of them is 48 numbers per gate instead of 1000.
 */
const BASELINE_POINTS = 24
/** Stored plate reads are paged back to midnight, this many at a time, at most `PLATE_PAGES` pages. */
const PLATE_PAGE = 500
const PLATE_PAGES = 10

async function loadBaselines(
  gateIds: readonly string[],
  from: number,
  signal: AbortSignal,
): Promise<Map<string, CounterReadings>> {
  const baselines = new Map<string, CounterReadings>()
  const histories = await Promise.all(
    gateIds.map((id) =>
      fetchHistory(id, { from, to: Date.now(), fields: COUNTERS, maxPoints: BASELINE_POINTS }, signal),
    ),
  )
  for (const history of histories) {
    const baseline: CounterReadings = {}
    for (const series of history.series) {
      const first = series.points[0]
      if (first && (series.field === 'vehicles_in_count' || series.field === 'vehicles_out_count')) {
        baseline[series.field] = first.min
      }
    }
    // A gate with no reading stored yet today (the platform just started) gets no entry: the live baseline applies.
    if (Object.keys(baseline).length > 0) baselines.set(history.deviceId, baseline)
  }
  return baselines
}

async function loadPlatesToday(gateIds: readonly string[], from: number, signal: AbortSignal): Promise<ShownEvent[]> {
  const perGate = await Promise.all(
    gateIds.map(async (id) => {
      const plates: ShownEvent[] = []
      let before: number | undefined
      for (let page = 0; page < PLATE_PAGES; page += 1) {
        const events = await fetchEvents(id, PLATE_PAGE, signal, before)
        for (const event of events) {
          const shown = event.ts >= from ? fromStored(event) : undefined
          if (shown?.payload.type === 'plate') plates.push(shown)
        }
        const oldest = events.at(-1)
        if (events.length < PLATE_PAGE || !oldest || oldest.ts < from) break
        before = oldest.ts
      }
      return plates
    }),
  )
  return perGate.flat()
}

/** Keeps what `collect` finds in each new value of `input` for the rest of the day, keyed so nothing counts twice. */
function useCollectedToday<I, T>(input: I, from: number, collect: (input: I) => Iterable<[string, T]>) {
  const [state, setState] = useState<{ day: number; items: ReadonlyMap<string, T> }>({ day: from, items: new Map() })
  // `collect` is a pure function of `input`: only a new input or a new day can bring anything new.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `collect` is recreated every render, on purpose unlisted
  useEffect(() => {
    setState((prev) => {
      const base = prev.day === from ? prev.items : new Map<string, T>()
      let next: Map<string, T> | undefined
      for (const [key, item] of collect(input)) {
        if (base.has(key) || next?.has(key)) continue
        next ??= new Map(base)
        next.set(key, item)
      }
      if (!next && prev.day === from) return prev
      return { day: from, items: next ?? base }
    })
  }, [input, from])
  // On the first render of a new day the old items are yesterday's: nothing counts until the effect has run.
  return state.day === from ? state.items : new Map<string, T>()
}

/**
 * Vehicles through all gates since local midnight; undefined until the stored history has answered (or failed), so
 * the tile does not flash a low number first. It keeps counting live when the api cannot serve history: from the
 * counters as this page first saw them and from the plate reads arriving over the live link.
 */
export function useVehiclesToday(gates: readonly DeviceView[], now: number): VehicleCount | undefined {
  const from = startOfDay(now)
  const counting = gates.filter((g) => countersOf(g) !== undefined).map((g) => g.id)
  const platesOnly = gates.filter((g) => countersOf(g) === undefined).map((g) => g.id)

  const baselines = useApi(counting.length > 0 ? `vehicles|${from}|${counting.join(',')}` : null, (signal) =>
    loadBaselines(counting, from, signal),
  )
  // Only lanes without counters need their plate reads from the store: for the others the counter says it all.
  const stored = useApi(platesOnly.length > 0 ? `plates|${from}|${platesOnly.join(',')}` : null, (signal) =>
    loadPlatesToday(platesOnly, from, signal),
  )
  const firstSeen = useCollectedToday(gates, from, function* (list) {
    for (const gate of list) {
      const readings = countersOf(gate)
      if (readings) yield [gate.id, readings]
    }
  })
  const recent = useRecentEvents()
  const livePlates = useCollectedToday(recent, from, function* (events) {
    for (const event of events) {
      if (event.kind === 'gate' && event.event.type === 'plate' && event.ts >= from) {
        const shown = fromLive(event)
        yield [shown.key, shown]
      }
    }
  })

  const settled = (state: { status: string }, needed: boolean) => !needed || state.status !== 'loading'
  if (gates.length === 0 || !settled(baselines, counting.length > 0) || !settled(stored, platesOnly.length > 0)) {
    return undefined
  }
  return countVehiclesToday({
    from,
    gates,
    baselines: baselines.data,
    firstSeen,
    plates: [...livePlates.values(), ...(stored.data ?? []).filter((p) => !livePlates.has(p.key))],
  })
}
