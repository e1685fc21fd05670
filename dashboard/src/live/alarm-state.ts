/**
 * The alarms of the live store: pure merges by alarm id. An alarm arrives in its latest state from two paths that
 * race, the link (`alarms` events) and the api's answer to an action of this screen; `updatedAt` tells which is newer,
 * so a late echo never brings back a state the alarm has left.
 */
import type { AlarmView } from '@fm/protocol'

/**
 * Whether a console lists the alarm, as the snapshot does: not back to normal, or shelved or out of service (which
 * the "shelved and out of service" section shows until they end).
 */
export function isListed(alarm: Pick<AlarmView, 'state' | 'shelved' | 'outOfService'>): boolean {
  return alarm.state !== 'normal' || alarm.shelved !== undefined || alarm.outOfService !== undefined
}

/**
 * `current` with `incoming` applied in order, each unless older than what is known; the same map when none applied.
 * Alarms and work orders alike: both arrive from the link and from the api's answers, and `updatedAt` orders them.
 */
export function mergeLatest<T extends { id: number; updatedAt: number }>(
  current: ReadonlyMap<number, T>,
  incoming: readonly T[],
): ReadonlyMap<number, T> {
  let merged: Map<number, T> | undefined
  for (const alarm of incoming) {
    const known = (merged ?? current).get(alarm.id)
    if (known && (known.updatedAt > alarm.updatedAt || known === alarm)) continue
    merged ??= new Map(current)
    merged.set(alarm.id, alarm)
  }
  return merged ?? current
}
