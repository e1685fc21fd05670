import type { DeviceView } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { countersOf, countVehiclesToday, startOfDay } from '../src/components/overview/vehicles.ts'
import type { ShownEvent } from '../src/devices/events.ts'

const FROM = startOfDay(new Date(2026, 4, 14, 12).getTime())
const NOON = FROM + 12 * 3_600_000

function gate(id: string, values: DeviceView['values'], valuesTs = NOON) {
  return { id, values, valuesTs }
}

function plate(deviceId: string, ts: number, direction: 'in' | 'out', plateNo = `鄂A${ts}`): ShownEvent {
  return {
    key: `${deviceId}|${ts}|plate|${plateNo}`,
    deviceId,
    ts,
    payload: { type: 'plate', ts, plate: plateNo, direction, plate_color: 'blue', confidence_pct: 95 },
  }
}

describe('countVehiclesToday', () => {
  const gates = [gate('in-1', { vehicles_in_count: 1520 }), gate('out-1', { vehicles_out_count: 830 })]

  it('counts each lane since its first reading of the day', () => {
    const baselines = new Map([
      ['in-1', { vehicles_in_count: 1500 }],
      ['out-1', { vehicles_out_count: 800 }],
    ])
    expect(countVehiclesToday({ from: FROM, gates, baselines, firstSeen: new Map(), plates: [] })).toEqual({
      in: 20,
      out: 30,
    })
  })

  it('counts from the first live reading when the history has none yet (the platform just started)', () => {
    const firstSeen = new Map([
      ['in-1', { vehicles_in_count: 1518 }],
      ['out-1', { vehicles_out_count: 830 }],
    ])
    expect(countVehiclesToday({ from: FROM, gates, baselines: new Map(), firstSeen, plates: [] })).toEqual({
      in: 2,
      out: 0,
    })
    expect(countVehiclesToday({ from: FROM, gates, baselines: undefined, firstSeen, plates: [] })).toEqual({
      in: 2,
      out: 0,
    })
  })

  it('counts a car the moment its plate is read, before the lane reports its counter', () => {
    const firstSeen = new Map([['in-1', { vehicles_in_count: 1520 }]])
    const plates = [plate('in-1', NOON + 2_000, 'in')]
    expect(countVehiclesToday({ from: FROM, gates, baselines: undefined, firstSeen, plates }).in).toBe(1)
    // The next report includes the car in the counter: it is not counted twice.
    const reported = [gate('in-1', { vehicles_in_count: 1521 }, NOON + 5_000)]
    expect(countVehiclesToday({ from: FROM, gates: reported, baselines: undefined, firstSeen, plates }).in).toBe(1)
  })

  it('counts plate reads of today for a lane without counters', () => {
    const plates = [
      plate('cam-1', FROM - 60_000, 'in'),
      plate('cam-1', FROM + 60_000, 'in'),
      plate('cam-1', NOON, 'out'),
      plate('other', NOON, 'out'),
    ]
    const cameraOnly = [gate('cam-1', {})]
    expect(
      countVehiclesToday({ from: FROM, gates: cameraOnly, baselines: undefined, firstSeen: new Map(), plates }),
    ).toEqual({ in: 1, out: 1 })
  })

  it('counts a reset counter from zero', () => {
    const baselines = new Map([['in-1', { vehicles_in_count: 1600 }]])
    const only = [gates[0] as (typeof gates)[number]]
    expect(countVehiclesToday({ from: FROM, gates: only, baselines, firstSeen: new Map(), plates: [] }).in).toBe(1520)
  })
})

describe('countersOf', () => {
  it('reads the counters a gate reports, or nothing', () => {
    expect(countersOf({ values: { vehicles_in_count: 3, barrier: 'down' } })).toEqual({ vehicles_in_count: 3 })
    expect(countersOf({ values: { barrier: 'down' } })).toBeUndefined()
  })
})
