import { describe, expect, it } from 'vitest'
import { fromLive, fromStored, mergeEvents } from '../src/devices/events.ts'
import { NOW, PLATE_EVENT, STORED_PLATE } from './fixtures.ts'

describe('device events on screen', () => {
  it('reads a stored plate event field by field', () => {
    expect(fromStored(STORED_PLATE)?.payload).toMatchObject({ type: 'plate', plate: '鄂B88888', direction: 'in' })
  })

  it('skips a stored event that does not match its type', () => {
    expect(fromStored({ ...STORED_PLATE, data: { plate: 42 } })).toBeUndefined()
    expect(fromStored({ ...STORED_PLATE, type: 'unknown' })).toBeUndefined()
    expect(
      fromStored({ id: 3, deviceId: 'fap-1', ts: NOW, type: 'point', data: { loop: 1, point: 2, states: [] } }),
    ).toBe(undefined)
  })

  it('reads fire point states and patrol scans', () => {
    const point = fromStored({
      id: 4,
      deviceId: 'fap-1',
      ts: NOW,
      type: 'point',
      data: { loop: 2, point: 17, states: ['fire', 'bogus'], zone: '3栋 12F' },
    })
    expect(point?.payload).toMatchObject({ type: 'point', loop: 2, point: 17, states: ['fire'], zone: '3栋 12F' })
    const scan = fromStored({
      id: 5,
      deviceId: 'cp-01',
      ts: NOW,
      type: 'scan',
      data: { guard_id: 'g-7', method: 'qr' },
    })
    expect(scan?.payload).toMatchObject({ type: 'scan', guard_id: 'g-7', method: 'qr' })
  })

  it('merges live and stored events newest first, each once', () => {
    const live = fromLive(PLATE_EVENT)
    const sameAsStored = fromStored({
      id: 6,
      deviceId: PLATE_EVENT.deviceId,
      ts: PLATE_EVENT.ts,
      type: 'plate',
      data: { plate: '鄂A12345', plate_color: 'green', confidence_pct: 97, direction: 'in' },
    })
    const older = fromStored(STORED_PLATE)
    if (!sameAsStored || !older) throw new Error('fixture did not decode')
    const merged = mergeEvents([[live], [sameAsStored, older]], 10)
    expect(merged.map((e) => e.ts)).toEqual([PLATE_EVENT.ts, STORED_PLATE.ts])
  })
})
