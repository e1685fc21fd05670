import type { DeviceEvent } from '@fm/protocol'
import { describe, expect, test } from 'vitest'
import { provisionedStore } from './fixtures.ts'

function plate(ts: number, plateNumber: string): DeviceEvent {
  return {
    siteId: 'xingfuli',
    kind: 'gate',
    deviceId: 'gate-east',
    ts,
    event: { type: 'plate', ts, plate: plateNumber, plate_color: 'blue', confidence_pct: 97, direction: 'in' },
  }
}

describe('device events', () => {
  test('are listed newest first with their data, without type and ts repeated', async () => {
    const store = await provisionedStore()
    store.appendEvents([plate(1000, '鄂A12345'), plate(3000, '鄂A00001'), plate(2000, '鄂B88888')])

    const events = store.listEvents('gate-east')

    expect(events.map((event) => event.ts)).toEqual([3000, 2000, 1000])
    expect(events[0]).toEqual({
      id: 2,
      deviceId: 'gate-east',
      ts: 3000,
      type: 'plate',
      data: { plate: '鄂A00001', plate_color: 'blue', confidence_pct: 97, direction: 'in' },
    })
  })

  test('are stored once when delivered again, as QoS 1 allows; a different event at the same instant is kept', async () => {
    const store = await provisionedStore()
    store.appendEvents([plate(1000, '鄂A12345'), plate(1000, '鄂A12345')])
    store.appendEvents([plate(1000, '鄂A12345'), plate(1000, '鄂B88888')])

    expect(store.listEvents('gate-east').map((event) => event.data.plate)).toEqual(['鄂B88888', '鄂A12345'])
  })

  test('page backwards through a burst of events in one millisecond without skipping any', async () => {
    const store = await provisionedStore()
    store.appendEvents(Array.from({ length: 5 }, (_, index) => plate(7000, `鄂A0000${index}`)))
    store.appendEvents([plate(6000, '鄂A99999')])

    const first = store.listEvents('gate-east', { limit: 2 })
    const last = first.at(-1)
    const rest = last ? store.listEvents('gate-east', { limit: 10, before: last.ts, beforeId: last.id }) : []

    const plates = [...first, ...rest].map((event) => event.data.plate)
    expect(plates).toEqual(['鄂A00004', '鄂A00003', '鄂A00002', '鄂A00001', '鄂A00000', '鄂A99999'])
    expect(store.listEvents('gate-east', { before: 7000 }).map((event) => event.ts)).toEqual([6000])
  })

  const limits = [
    { name: 'default limit is 50', limit: undefined, expected: 50 },
    { name: 'a given limit', limit: 7, expected: 7 },
    { name: 'limit is capped at 500', limit: 10_000, expected: 500 },
  ]

  test.for(limits)('$name', async ({ limit, expected }) => {
    const store = await provisionedStore()
    store.appendEvents(Array.from({ length: 600 }, (_, index) => plate(index * 1000, `鄂A${10000 + index}`)))

    const events = store.listEvents('gate-east', limit === undefined ? {} : { limit })

    expect(events).toHaveLength(expected)
    expect(events[0]?.ts).toBe(599_000)
  })

  test('pages backwards with before (exclusive)', async () => {
    const store = await provisionedStore()
    store.appendEvents([1000, 2000, 3000, 4000].map((ts) => plate(ts, '鄂A12345')))

    expect(store.listEvents('gate-east', { before: 3000, limit: 10 }).map((event) => event.ts)).toEqual([2000, 1000])
  })

  test('keeps each device apart and drops events of unregistered devices', async () => {
    const store = await provisionedStore()
    const scan: DeviceEvent = {
      siteId: 'xingfuli',
      kind: 'patrol-checkpoint',
      deviceId: 'cp-unknown',
      ts: 1000,
      event: { type: 'scan', ts: 1000, guard_id: 'g-07', method: 'nfc' },
    }
    store.appendEvents([plate(1000, '鄂A12345'), scan])

    expect(store.listEvents('cp-unknown')).toEqual([])
    expect(store.listEvents('tank-1')).toEqual([])
    expect(store.listEvents('gate-east')).toHaveLength(1)
  })

  test.for([0, -1, 2.5])('refuses limit %s', async (limit) => {
    const store = await provisionedStore()
    expect(() => store.listEvents('gate-east', { limit })).toThrow(RangeError)
  })
})
