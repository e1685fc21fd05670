/** Figures of the broker's status (`BrokerStatus`) as the System page lists them. */
import { BROKER_DROP_REASONS, type BrokerDropReason, type BrokerStatus } from '@fm/protocol'
import { statusAge } from './freshness.ts'

export interface DroppedCount {
  reason: string
  known: boolean
  count: number
}

function isDropReason(reason: string): reason is BrokerDropReason {
  return (BROKER_DROP_REASONS as readonly string[]).includes(reason)
}

/**
 * Every reason the protocol knows, zero included, so a guard sees that nothing was refused rather than wondering
 * whether the row is missing; then reasons a newer broker counts, by key.
 */
export function droppedByReason(dropped: Readonly<Record<string, number>>): DroppedCount[] {
  const known = BROKER_DROP_REASONS.map((reason) => ({ reason, known: true, count: dropped[reason] ?? 0 }))
  const others = Object.keys(dropped)
    .filter((reason) => !isDropReason(reason))
    .sort()
    .map((reason) => ({ reason, known: false, count: dropped[reason] ?? 0 }))
  return [...known, ...others]
}

/** `none` until the broker publishes a status; `stale` once it stopped refreshing it while saying it is online. */
export type BrokerState = 'none' | 'online' | 'offline' | 'stale'

export function brokerState(broker: BrokerStatus | undefined, serverNow: number): BrokerState {
  if (!broker) return 'none'
  if (!broker.online) return 'offline'
  return statusAge(broker.ts, broker.intervalMs, serverNow).stale ? 'stale' : 'online'
}
