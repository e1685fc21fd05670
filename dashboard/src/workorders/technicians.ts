/** The technicians a dispatcher picks from: those of the work order's trade first, then the least busy. */
import type { WorkOrderCategory } from '@fm/protocol'
import type { Technician } from './work-order-api.ts'

export function rankTechnicians(technicians: readonly Technician[], category: WorkOrderCategory): Technician[] {
  const matches = (technician: Technician) => technician.trades.includes(category)
  return [...technicians].sort(
    (a, b) =>
      Number(matches(b)) - Number(matches(a)) || a.open - b.open || a.displayName.localeCompare(b.displayName, 'zh-CN'),
  )
}
