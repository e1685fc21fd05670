/**
 * Checklist results against their checklist: which items still lack a result, which failed (a pass-fail item
 * failed, a reading outside its range), and whether new results fit their items.
 */
import type { ChecklistItem, ChecklistResult } from '@fm/protocol'
import { WorkOrderError } from './work-order-rows.ts'

function hasResult(item: ChecklistItem, result: ChecklistResult | undefined): boolean {
  if (!result) return false
  if (item.type === 'pass-fail') return result.pass !== undefined
  if (item.type === 'number') return result.value !== undefined
  return result.photoId !== undefined
}

export function missingItems(checklist: readonly ChecklistItem[], results: readonly ChecklistResult[]): string[] {
  const byItem = new Map(results.map((result) => [result.itemId, result]))
  return checklist.filter((item) => !hasResult(item, byItem.get(item.id))).map((item) => item.id)
}

export function failedItems(
  checklist: readonly ChecklistItem[],
  results: readonly ChecklistResult[],
): { item: ChecklistItem; result: ChecklistResult }[] {
  const byItem = new Map(results.map((result) => [result.itemId, result]))
  const failed: { item: ChecklistItem; result: ChecklistResult }[] = []
  for (const item of checklist) {
    const result = byItem.get(item.id)
    if (!result) continue
    const value = result.value
    const outOfRange =
      item.type === 'number' &&
      value !== undefined &&
      ((item.min !== undefined && value < item.min) || (item.max !== undefined && value > item.max))
    if (result.pass === false || outOfRange) failed.push({ item, result })
  }
  return failed
}

function problemOf(
  item: ChecklistItem | undefined,
  result: ChecklistResult,
  photoExists: (photoId: number) => boolean,
): string | undefined {
  if (item === undefined) return 'is not an item of this checklist'
  if (item.type === 'pass-fail' && typeof result.pass !== 'boolean') return 'needs pass: true or false'
  if (item.type === 'number' && (typeof result.value !== 'number' || !Number.isFinite(result.value))) {
    return 'needs a number value'
  }
  if (item.type === 'photo' && (result.photoId === undefined || !photoExists(result.photoId))) {
    return "needs the id of one of this work order's photos"
  }
  return undefined
}

/**
 * The results after `added`, merged by item (a later result replaces an earlier one). Refuses an unknown item, and
 * a result without the value its item's type needs; `photoExists` tells whether a photo id is one of the work order's.
 */
export function mergeResults(
  checklist: readonly ChecklistItem[],
  current: readonly ChecklistResult[],
  added: readonly ChecklistResult[],
  photoExists: (photoId: number) => boolean,
): ChecklistResult[] {
  const items = new Map(checklist.map((item) => [item.id, item]))
  const merged = new Map(current.map((result) => [result.itemId, result]))
  for (const result of added) {
    const problem = problemOf(items.get(result.itemId), result, photoExists)
    if (problem !== undefined)
      throw new WorkOrderError('FM_ERR_WO_INVALID', `checklist item "${result.itemId}" ${problem}`)
    merged.set(result.itemId, result)
  }
  return checklist.flatMap((item) => merged.get(item.id) ?? [])
}
