import type { Reading } from '@fm/protocol'
import { describe, expect, test } from 'vitest'
import { bucketOf, pointOf, pointsOf, retentionSecondsOf } from '../../src/telemetry/influx-layout.ts'

const TS = Date.UTC(2026, 10, 27, 8, 0, 0, 123)
const DAY_S = 86_400

function pump(values: Extract<Reading, { kind: 'pump' }>['values'], deviceId = 'pump-1'): Reading {
  return { siteId: 'xingfuli', kind: 'pump', deviceId, ts: TS, values }
}

describe('the InfluxDB layout', () => {
  test('one line per reading: measurement = kind, place tags, every field a float, states as numeric codes', () => {
    const reading = pump({ running: true, fault: false, mode: 'manual', outlet_pressure_mpa: 0.42, fault_code: 3 })
    const line = pointOf(reading, { buildingId: 'b1', roomId: 'pump-room' })?.toLineProtocol()
    expect(line).toBe(
      'pump,building=b1,device=pump-1,kind=pump,room=pump-room,site=xingfuli ' +
        `fault=0,fault_code=3,mode=1,outlet_pressure_mpa=0.42,running=1 ${TS}`,
    )
    // floats only: an integer field ("3i") would make a later 3.5 a type conflict in InfluxDB
    expect(line).not.toMatch(/=\d+i\b/)
  })

  test('a device without a building or room has no such tag', () => {
    const tank: Reading = {
      siteId: 'xingfuli',
      kind: 'water-tank',
      deviceId: 'tank-1',
      ts: TS,
      values: { level_pct: 63.5 },
    }
    expect(pointOf(tank, undefined)?.toLineProtocol()).toBe(
      `water-tank,device=tank-1,kind=water-tank,site=xingfuli level_pct=63.5 ${TS}`,
    )
    expect(pointOf(tank, { buildingId: 'b2' })?.toLineProtocol()).toContain(',building=b2,')
  })

  test('leaves out values it cannot store, and a reading with nothing storable', () => {
    const odd = { mode: 'remote', current_a: Number.NaN, frequency_hz: 49.9 } as unknown as Extract<
      Reading,
      { kind: 'pump' }
    >['values']
    expect(pointOf(pump(odd), undefined)?.toLineProtocol()).toBe(
      `pump,device=pump-1,kind=pump,site=xingfuli frequency_hz=49.9 ${TS}`,
    )
    const nothing = { mode: 'remote' } as unknown as Extract<Reading, { kind: 'pump' }>['values']
    expect(pointOf(pump(nothing), undefined)).toBeUndefined()
    expect(pointsOf([pump(nothing), pump({ running: false }, 'pump-2')], () => undefined)).toHaveLength(1)
  })

  test('asks placeOf once per reading, with the device id', () => {
    const asked: string[] = []
    pointsOf([pump({ running: true }), pump({ running: true }, 'pump-2')], (deviceId) => {
      asked.push(deviceId)
      return { roomId: 'r1' }
    })
    expect(asked).toEqual(['pump-1', 'pump-2'])
  })

  test('buckets <bucket>, <bucket>_1m, <bucket>_1h keep raw data 30 days, minutes a year, hours forever', () => {
    expect(['raw', '1m', '1h'].map((tier) => bucketOf('fm', tier as 'raw' | '1m' | '1h'))).toEqual([
      'fm',
      'fm_1m',
      'fm_1h',
    ])
    expect(retentionSecondsOf('raw')).toBe(30 * DAY_S)
    expect(retentionSecondsOf('1m')).toBe(365 * DAY_S)
    expect(retentionSecondsOf('1h')).toBe(0)
  })
})
