import type { ChecklistItem } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { isComplete, openItems, withinRange, withResult } from '../src/workorders/checklist.ts'
import { downscaleSize, PHOTO_MAX_BYTES, PHOTO_MAX_EDGE_PX, sendsAsIs } from '../src/workorders/photo.ts'
import { photosOf } from '../src/workorders/photos-of.ts'
import { event, workOrder } from './work-order-fixtures.ts'

const label = (zh: string) => ({ 'zh-CN': zh, en: zh })
const VALVE: ChecklistItem = { id: 'valve', label: label('阀门无渗漏'), type: 'pass-fail' }
const PRESSURE: ChecklistItem = {
  id: 'pressure',
  label: label('出水压力'),
  type: 'number',
  unit: 'MPa',
  min: 0.3,
  max: 0.5,
}
const PHOTO: ChecklistItem = { id: 'gauge-photo', label: label('压力表照片'), type: 'photo' }
const ITEMS = [VALVE, PRESSURE, PHOTO]

describe('photo sizing', () => {
  it('scales the longer side down to 1600 px, keeping the shape', () => {
    expect(downscaleSize(4032, 3024)).toEqual({ width: 1600, height: 1200, scaled: true })
    expect(downscaleSize(3024, 4032)).toEqual({ width: 1200, height: 1600, scaled: true })
    expect(downscaleSize(8000, 10)).toEqual({ width: 1600, height: 2, scaled: true })
    expect(downscaleSize(12000, 1)).toEqual({ width: 1600, height: 1, scaled: true })
  })

  it('leaves a picture that is small enough as it is', () => {
    expect(downscaleSize(1600, 900)).toEqual({ width: 1600, height: 900, scaled: false })
    expect(downscaleSize(640, 480, PHOTO_MAX_EDGE_PX)).toEqual({ width: 640, height: 480, scaled: false })
    expect(downscaleSize(0, 0)).toEqual({ width: 0, height: 0, scaled: false })
  })

  it('sends a picture as it is only when its type, size and dimensions all fit', () => {
    expect(sendsAsIs({ type: 'image/jpeg', size: 900_000 }, 1600, 1200)).toBe(true)
    expect(sendsAsIs({ type: 'image/webp', size: 900_000 }, 1200, 1600)).toBe(true)
    expect(sendsAsIs({ type: 'image/jpeg', size: 900_000 }, 4032, 3024)).toBe(false)
    expect(sendsAsIs({ type: 'image/heic', size: 900_000 }, 1600, 1200)).toBe(false)
    expect(sendsAsIs({ type: 'image/png', size: PHOTO_MAX_BYTES + 1 }, 800, 600)).toBe(false)
  })
})

describe('the checklist', () => {
  it('checks a reading against its range, inclusive; an item without one takes any number', () => {
    expect(withinRange(PRESSURE, 0.3)).toBe(true)
    expect(withinRange(PRESSURE, 0.5)).toBe(true)
    expect(withinRange(PRESSURE, 0.51)).toBe(false)
    expect(withinRange({ min: 1 }, 1e9)).toBe(true)
    expect(withinRange({}, -5)).toBe(true)
  })

  it('counts an item done by its type: a verdict, a number, a photo', () => {
    expect(isComplete(VALVE, { itemId: 'valve', pass: false })).toBe(true)
    expect(isComplete(VALVE, { itemId: 'valve' })).toBe(false)
    expect(isComplete(PRESSURE, { itemId: 'pressure', value: 0.42 })).toBe(true)
    expect(isComplete(PRESSURE, { itemId: 'pressure', pass: true })).toBe(false)
    expect(isComplete(PHOTO, { itemId: 'gauge-photo', photoId: 3 })).toBe(true)
    expect(isComplete(PHOTO, undefined)).toBe(false)
  })

  it('lists the items still to do, in order', () => {
    expect(openItems(ITEMS, undefined).map((item) => item.id)).toEqual(['valve', 'pressure', 'gauge-photo'])
    expect(openItems(ITEMS, [{ itemId: 'pressure', value: 0.4 }]).map((item) => item.id)).toEqual([
      'valve',
      'gauge-photo',
    ])
  })

  it('fails a reading out of range by itself, and passes it again when corrected', () => {
    const low = withResult([], PRESSURE, { value: 0.2 })
    expect(low).toEqual([{ itemId: 'pressure', value: 0.2, pass: false }])
    expect(withResult(low, PRESSURE, { value: 0.4 })).toEqual([{ itemId: 'pressure', value: 0.4, pass: true }])
    expect(withResult(low, PRESSURE, { value: undefined })).toEqual([{ itemId: 'pressure' }])
  })

  it('changes one result and keeps the others', () => {
    const results = withResult(withResult([], VALVE, { pass: true }), PHOTO, { photoId: 9 })
    expect(withResult(results, VALVE, { pass: false, note: '轻微渗漏' })).toEqual([
      { itemId: 'gauge-photo', photoId: 9 },
      { itemId: 'valve', pass: false, note: '轻微渗漏' },
    ])
  })
})

describe('the photos of a work order', () => {
  it('collects them from the timeline, the checklist and this session, each once', () => {
    const order = workOrder({ id: 1, checklistResults: [{ itemId: 'gauge-photo', photoId: 4 }] })
    const events = [
      event({ id: 1, type: 'photo', detail: { photoId: 3, contentType: 'image/jpeg' } }),
      event({ id: 2, type: 'photo', detail: { photoId: 4 } }),
      event({ id: 3, type: 'assign', detail: { assignee: 'wang.gong' } }),
      event({ id: 4, type: 'photo', detail: { photoId: 'x' } }),
    ]
    expect(
      photosOf(order, events, [
        { id: 5, stage: 'after' },
        { id: 3, stage: 'before' },
      ]),
    ).toEqual([
      { id: 3, stage: 'before' },
      { id: 4, stage: 'checklist' },
      { id: 5, stage: 'after' },
    ])
  })
})
