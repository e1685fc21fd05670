/**
 * A list loaded over REST with the work orders the live link told of since laid over it: the newer of each (by
 * `updatedAt`) wins, and a work order that no longer belongs to the list (verified, reassigned, another site) leaves
 * it. The REST answer stays the truth: the next reload replaces what the link said.
 */
import type { WorkOrderView } from '@fm/protocol'

export function mergeLive(
  loaded: readonly WorkOrderView[],
  live: ReadonlyMap<number, WorkOrderView>,
  belongs: (order: WorkOrderView) => boolean,
  order: (a: WorkOrderView, b: WorkOrderView) => number,
): WorkOrderView[] {
  const byId = new Map(loaded.map((view) => [view.id, view]))
  for (const view of live.values()) {
    const known = byId.get(view.id)
    if (!known || view.updatedAt > known.updatedAt) byId.set(view.id, view)
  }
  return [...byId.values()].filter(belongs).sort(order)
}
