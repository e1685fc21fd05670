/**
 * A work order's checklist as the technician fills it in: one result per item, a number checked against the item's
 * range, a photo item done once it has its photo. The api refuses to resolve a work order while an item is open
 * (`FM_ERR_WO_CHECKLIST_INCOMPLETE`); the form says which before asking.
 */
import type { ChecklistItem, ChecklistResult } from '@fm/protocol'

/** Whether `value` lies within the item's range (an item without one takes any number). */
export function withinRange(item: Pick<ChecklistItem, 'min' | 'max'>, value: number): boolean {
  return (item.min === undefined || value >= item.min) && (item.max === undefined || value <= item.max)
}

/** Whether the result completes its item: a verdict, a number, or a photo, by the item's type. */
export function isComplete(item: ChecklistItem, result: ChecklistResult | undefined): boolean {
  if (!result) return false
  switch (item.type) {
    case 'pass-fail':
      return result.pass !== undefined
    case 'number':
      return result.value !== undefined && Number.isFinite(result.value)
    case 'photo':
      return result.photoId !== undefined
  }
}

/** The items still to do, in the checklist's order. */
export function openItems(
  items: readonly ChecklistItem[],
  results: readonly ChecklistResult[] | undefined,
): ChecklistItem[] {
  const byItem = new Map((results ?? []).map((result) => [result.itemId, result]))
  return items.filter((item) => !isComplete(item, byItem.get(item.id)))
}

/**
 * `results` with the result of `itemId` changed by `change`; a number's verdict follows its range, so that a pressure
 * out of range is a failed item without a second tap.
 */
export function withResult(
  results: readonly ChecklistResult[],
  item: ChecklistItem,
  change: Omit<Partial<ChecklistResult>, 'itemId'>,
): ChecklistResult[] {
  const current = results.find((result) => result.itemId === item.id) ?? { itemId: item.id }
  const next: ChecklistResult = { ...current, ...change }
  if (item.type === 'number' && 'value' in change) {
    next.pass = change.value === undefined ? undefined : withinRange(item, change.value)
  }
  for (const key of Object.keys(next) as (keyof ChecklistResult)[]) if (next[key] === undefined) delete next[key]
  const others = results.filter((result) => result.itemId !== item.id)
  return [...others, next]
}
