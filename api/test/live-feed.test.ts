import type { DeviceDelta, DeviceEvent } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { Backlog, type FeedBatch, MAX_HELD_EVENTS } from '../src/live-feed.ts'

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
  return { snapshot, deltas, events }
}

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
    })
  })

  it('keeps only a mark for a snapshot once the registry changed: the snapshot holds every delta', () => {
    const backlog = new Backlog(1000)

    backlog.add(batch([{ id: 'tank-1', online: true }]))
    backlog.add(batch([], [plate(1)], true))
    backlog.add(batch([{ id: 'tank-1', online: false }]))

    expect(backlog.contents()).toEqual({ snapshot: true, deltas: [], events: [plate(1)] })
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
