import { describe, expect, it } from 'vitest'
import { csvFileName, historyCsv, isoTime, UTF8_BOM } from '../src/charts/csv.ts'

const TS = Date.UTC(2026, 4, 14, 0, 30) // 08:30 in Shanghai
const points = [
  { ts: TS, mean: 72.25, min: 71, max: 73.5, count: 6 },
  { ts: TS + 3_600_000, mean: 70, min: 70, max: 70, count: 1 },
]

describe('historyCsv', () => {
  it('starts with a BOM and names field, unit and time zone in the header', () => {
    const csv = historyCsv({ field: 'level_pct', unit: '%', points, timeZone: 'Asia/Shanghai' })
    expect(csv.startsWith(UTF8_BOM)).toBe(true)
    const lines = csv.slice(1).split('\r\n')
    expect(lines[0]).toBe(
      'time of bucket start (ISO 8601 in Asia/Shanghai local time with offset),level_pct mean [%],level_pct min [%],' +
        'level_pct max [%],level_pct count',
    )
    expect(lines[1]).toBe('2026-05-14T08:30:00+08:00,72.25,71,73.5,6')
    expect(lines[2]).toBe('2026-05-14T09:30:00+08:00,70,70,70,1')
    expect(lines.at(-1)).toBe('')
  })

  it('writes UTC and says so without a usable site zone', () => {
    for (const timeZone of [undefined, 'Not/AZone']) {
      const lines = historyCsv({ field: 'outlet_pressure_mpa', unit: 'MPa', points, timeZone }).slice(1).split('\r\n')
      expect(lines[0]?.startsWith('time of bucket start (ISO 8601 in UTC),')).toBe(true)
      expect(lines[1]?.startsWith('2026-05-14T00:30:00Z,')).toBe(true)
    }
  })

  it('keeps units like m³ intact and quotes cells that need it', () => {
    const csv = historyCsv({ field: 'flow', unit: 'm³, total', points: [] })
    expect(csv).toContain('"flow mean [m³, total]"')
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(csv))).toBe(csv)
  })

  it('prints milliseconds only when a raw sample has them', () => {
    expect(isoTime(TS + 250, 'UTC')).toBe('2026-05-14T00:30:00.250+00:00')
  })
})

describe('csvFileName', () => {
  it('is <device>_<field>_<from>_<to>.csv in site time, without characters Windows refuses', () => {
    expect(csvFileName('tank-1', 'level_pct', TS, TS + 86_400_000, 'Asia/Shanghai')).toBe(
      'tank-1_level_pct_20260514-0830_20260515-0830.csv',
    )
    expect(csvFileName('a/b:c', 'x', TS, TS + 60_000)).toBe('a_b_c_x_20260514-0030_20260514-0031.csv')
  })
})
