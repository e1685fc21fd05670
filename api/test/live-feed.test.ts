import type { AlarmChange, AlarmTransition, DeviceDelta, DeviceEvent, FloodStatus } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { Backlog, batchFor, type FeedBatch, MAX_HELD_EVENTS } from '../src/live-feed.ts'

function plate(n: number): DeviceEvent {
  return {
    siteId: 'xingfuli',
    kind: 'gate',
    deviceId: 'gate-east',
    ts: n,
    event: { type: 'plate', ts: n, plate: `鄂A${n}`, plate_color: 'blue', confidence_pct: 99, direction: 'in' },
  }
}

function batch(deltas: DeviceDelta[], events: DeviceEvent[] = [], snapshot = false): FeedBatch {
  return { snapshot, deltas, events, alarms: [], floods: [] }
}

function change(id: number, transition: AlarmTransition, ts: number, siteId = 'xingfuli', buildingId?: string) {
  const alarm: AlarmChange['alarm'] = {
    id,
    siteId,
    deviceId: `device-${id}`,
    kind: 'pump',
    ruleId: 'pump.fault',
    priority: 'P1',
    state: transition === 'acknowledged' ? 'ack' : 'unack',
    active: true,
    acknowledged: transition === 'acknowledged',
    latched: false,
    conditionActive: true,
    count: 1,
    suppressedByDesign: false,
    updatedAt: ts,
    ...(buildingId === undefined ? {} : { buildingId }),
  }
  return { alarm, transition, ts } satisfies AlarmChange
}

const flood = (siteId: string, active: boolean): FloodStatus => ({ siteId, active, last10Min: active ? 11 : 0 })

describe('Backlog', () => {
  it('holds one delta per device, folded in order, and the events in order', () => {
    const backlog = new Backlog(1000)

    backlog.add(
      batch([
        { id: 'tank-1', values: { level_pct: 40 }, valuesTs: 1 },
        { id: 'pump-1', online: true },
      ]),
    )
    backlog.add(batch([{ id: 'tank-1', values: { level_pct: 41 }, lastSeen: 2 }], [plate(1)]))
    backlog.add(batch([{ id: 'pump-1', online: false }], [plate(2)]))

    expect(backlog.heldDeltas).toBe(2)
    expect(backlog.contents()).toEqual({
      snapshot: false,
      deltas: [
        { id: 'tank-1', values: { level_pct: 41 }, valuesTs: 1, lastSeen: 2 },
        { id: 'pump-1', online: false },
      ],
      events: [plate(1), plate(2)],
      alarms: [],
      floods: [],
    })
  })

  it('keeps only a mark for a snapshot once the registry changed: the snapshot holds every delta', () => {
    const backlog = new Backlog(1000)

    backlog.add(batch([{ id: 'tank-1', online: true }]))
    backlog.add(batch([], [plate(1)], true))
    backlog.add(batch([{ id: 'tank-1', online: false }]))

    expect(backlog.contents()).toEqual({ snapshot: true, deltas: [], events: [plate(1)], alarms: [], floods: [] })
  })

  it(`keeps the newest ${MAX_HELD_EVENTS} events and counts the older ones it drops`, () => {
    const backlog = new Backlog(1000)
    const events = Array.from({ length: MAX_HELD_EVENTS + 5 }, (_, i) => plate(i))

    expect(backlog.add(batch([], events.slice(0, 600)))).toBe(0)
    expect(backlog.add(batch([], events.slice(600)))).toBe(5)

    expect(backlog.heldEvents).toBe(MAX_HELD_EVENTS)
    expect(backlog.dropped).toBe(5)
    expect(backlog.contents().events[0]).toEqual(plate(5))
    expect(backlog.contents().events.at(-1)).toEqual(plate(MAX_HELD_EVENTS + 4))
  })

  it('leaves the batches it is given unchanged, as they are broadcast to the other sockets too', () => {
    const backlog = new Backlog(1000)
    const first: DeviceDelta = { id: 'tank-1', values: { level_pct: 40 } }
    const second: DeviceDelta = { id: 'tank-1', values: { level_pct: 41 } }

    backlog.add(batch([first]))
    backlog.add(batch([second]))

    expect(first).toEqual({ id: 'tank-1', values: { level_pct: 40 } })
    expect(second).toEqual({ id: 'tank-1', values: { level_pct: 41 } })
  })
})

describe('Backlog, alarms', () => {
  it("holds each alarm's latest change, in the order of the latest changes, and each site's latest flood status", () => {
    const backlog = new Backlog(1000)

    backlog.add({ ...batch([]), alarms: [change(1, 'raised', 1), change(2, 'raised', 2)], floods: [flood('a', true)] })
    backlog.add({ ...batch([], [], true), alarms: [change(1, 'acknowledged', 3)], floods: [flood('a', false)] })

    // kept with a snapshot too, as the events are: the console sounds what was raised
    expect(backlog.contents()).toMatchObject({
      snapshot: true,
      alarms: [change(2, 'raised', 2), change(1, 'acknowledged', 3)],
      floods: [flood('a', false)],
    })
  })
})

describe('batchFor', () => {
  it("cuts alarms to the scope's sites and buildings, and floods to its sites", () => {
    const full: FeedBatch = {
      ...batch([]),
      alarms: [
        change(1, 'raised', 1, 'xingfuli', 'b1'),
        change(2, 'raised', 1, 'xingfuli'),
        change(3, 'raised', 1, 'hexie'),
      ],
      floods: [flood('xingfuli', true), flood('hexie', true)],
    }

    const site = batchFor(full, { allSites: false, siteIds: ['xingfuli'], buildingIds: [] }, () => undefined)
    const b1 = batchFor(full, { allSites: false, siteIds: ['xingfuli'], buildingIds: ['b1'] }, () => undefined)

    expect(site.alarms.map((c) => c.alarm.id)).toEqual([1, 2])
    expect(b1.alarms.map((c) => c.alarm.id)).toEqual([1])
    expect(site.floods.map((f) => f.siteId)).toEqual(['xingfuli'])
    expect(b1.floods.map((f) => f.siteId)).toEqual(['xingfuli'])
  })
})
