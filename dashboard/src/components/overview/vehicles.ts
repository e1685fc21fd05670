/**
 * Vehicles through the compound's gates since local midnight, from whatever the dashboard has: the lanes' pass
 * counters (against their first reading of the day) and the plate reads. Pure, so every combination of sources can
 * be tested without a network.
 */
import type { DeviceView } from '@fm/protocol'
import type { ShownEvent } from '../../devices/events.ts'
import { numberOf } from '../../devices/fields.ts'

export const COUNTERS = ['vehicles_in_count', 'vehicles_out_count'] as const
export type Counter = (typeof COUNTERS)[number]
export type CounterReadings = Partial<Record<Counter, number>>
export interface VehicleCount {
  in: number
  out: number
}

const COUNTER_OF = { in: 'vehicles_in_count', out: 'vehicles_out_count' } as const satisfies Record<
  keyof VehicleCount,
  Counter
>

export function startOfDay(ts: number): number {
  const day = new Date(ts)
  day.setHours(0, 0, 0, 0)
  return day.getTime()
}

/** The pass counters a gate reports, or undefined when it reports none (a camera that only sends plates). */
export function countersOf(gate: Pick<DeviceView, 'values'>): CounterReadings | undefined {
  const readings: CounterReadings = {}
  for (const counter of COUNTERS) {
    const value = numberOf(gate.values, counter)
    if (value !== undefined) readings[counter] = value
  }
  return Object.keys(readings).length > 0 ? readings : undefined
}

export interface VehicleSources {
  /** Local midnight of today. */
  from: number
  gates: readonly Pick<DeviceView, 'id' | 'values' | 'valuesTs'>[]
  /** Each gate's first counter readings of the day from the stored history; undefined when not available. */
  baselines: ReadonlyMap<string, CounterReadings> | undefined
  /** The counters when this page first saw each gate today: the baseline when the history has none yet. */
  firstSeen: ReadonlyMap<string, CounterReadings>
  /** Plate reads of the gates, deduplicated, live and stored alike. */
  plates: readonly ShownEvent[]
}

/**
 * Per gate and direction, the larger of two lower bounds of the same number:
 * - the counter since its baseline, plus plate reads newer than the counter's latest reading (the read arrives the
 *   moment the car is at the arm; the counter only with the lane's next report), so the tile moves as the car passes;
 * - the plate reads of today, for lanes without counters and for the hours before the page saw the counter.
 * A counter below its baseline was reset (camera reboot) and counts from zero.
 */
export function countVehiclesToday({ from, gates, baselines, firstSeen, plates }: VehicleSources): VehicleCount {
  const total: VehicleCount = { in: 0, out: 0 }
  for (const gate of gates) {
    const gatePlates = plates.filter((p) => p.deviceId === gate.id && p.ts >= from && p.payload.type === 'plate')
    for (const direction of ['in', 'out'] as const) {
      const counter = COUNTER_OF[direction]
      const reads = gatePlates.filter((p) => p.payload.type === 'plate' && p.payload.direction === direction)
      const current = numberOf(gate.values, counter)
      const baseline = baselines?.get(gate.id)?.[counter] ?? firstSeen.get(gate.id)?.[counter]
      let counted = 0
      if (current !== undefined && baseline !== undefined) {
        const since = current >= baseline ? current - baseline : current
        const readAt = gate.valuesTs ?? Number.POSITIVE_INFINITY
        counted = since + reads.filter((p) => p.ts > readAt).length
      }
      total[direction] += Math.max(counted, reads.length)
    }
  }
  return total
}
