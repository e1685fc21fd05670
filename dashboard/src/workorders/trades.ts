/** A technician's trades as the technicians page edits them. */
import { WORK_ORDER_CATEGORIES, type WorkOrderCategory } from '@fm/protocol'

/** `trades` with `category` added or taken away, in the catalogue's order, so that a draft compares with its origin. */
export function toggleTrade(trades: readonly WorkOrderCategory[], category: WorkOrderCategory): WorkOrderCategory[] {
  const next = new Set(trades)
  if (next.has(category)) next.delete(category)
  else next.add(category)
  return WORK_ORDER_CATEGORIES.filter((value) => next.has(value))
}

/** Whether two lists name the same trades, whatever their order. */
export function sameTrades(a: readonly WorkOrderCategory[], b: readonly WorkOrderCategory[]): boolean {
  return a.length === b.length && a.every((trade) => b.includes(trade))
}
