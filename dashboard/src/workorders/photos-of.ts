/**
 * The photos of a work order the dashboard can know of: those of its checklist results, and those its timeline
 * names (an event whose `detail` carries a `photoId`, with its `stage` when the api recorded one).
 */
import type { WorkOrderEvent, WorkOrderView } from '@fm/protocol'
import type { PhotoStage } from './work-order-api.ts'

export interface KnownPhoto {
  id: number
  stage: PhotoStage | undefined
}

const STAGES: readonly string[] = ['before', 'after', 'checklist']

function stageOf(value: unknown): PhotoStage | undefined {
  return typeof value === 'string' && STAGES.includes(value) ? (value as PhotoStage) : undefined
}

/** Each photo once, in the order first seen: the timeline's, then the checklist's, then `extra` (just uploaded). */
export function photosOf(
  order: Pick<WorkOrderView, 'checklistResults'>,
  events: readonly WorkOrderEvent[],
  extra: readonly KnownPhoto[] = [],
): KnownPhoto[] {
  const photos = new Map<number, KnownPhoto>()
  const add = (photo: KnownPhoto) => {
    const known = photos.get(photo.id)
    if (!known || (known.stage === undefined && photo.stage !== undefined)) photos.set(photo.id, photo)
  }
  for (const event of events) {
    const id = event.detail?.photoId
    if (typeof id === 'number' && Number.isInteger(id)) add({ id, stage: stageOf(event.detail?.stage) })
  }
  for (const result of order.checklistResults ?? []) {
    if (result.photoId !== undefined) add({ id: result.photoId, stage: 'checklist' })
  }
  for (const photo of extra) add(photo)
  return [...photos.values()]
}
