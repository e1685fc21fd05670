import { describe, expect, it } from 'vitest'
import { mergeReadings } from '../src/charts/buckets.ts'

const HOUR = 3_600_000
const T0 = 1_780_000_000_000 - (1_780_000_000_000 % HOUR)
const bucket = (ts: number, mean: number, min: number, max: number, count: number) => ({ ts, mean, min, max, count })

describe('mergeReadings', () => {
  it('folds a reading inside the last bucket into its mean, min, max and count', () => {
    const stored = [bucket(T0 - HOUR, 50, 49, 51, 360), bucket(T0, 60, 58, 62, 3)]
    const merged = mergeReadings(stored, [{ ts: T0 + 10_000, value: 64 }], HOUR)
    expect(merged).toHaveLength(2)
    expect(merged[1]).toEqual(bucket(T0, 61, 58, 64, 4))
    // The history answer is not changed in place: React compares it by reference.
    expect(stored[1]).toEqual(bucket(T0, 60, 58, 62, 3))
  })

  it('opens the bucket a later reading falls in, on the same grid', () => {
    const stored = [bucket(T0, 60, 58, 62, 3)]
    const merged = mergeReadings(
      stored,
      [
        { ts: T0 + 2 * HOUR + 5_000, value: 10 },
        { ts: T0 + 2 * HOUR + 15_000, value: 20 },
      ],
      HOUR,
    )
    expect(merged.map((p) => p.ts)).toEqual([T0, T0 + 2 * HOUR])
    expect(merged[1]).toEqual(bucket(T0 + 2 * HOUR, 15, 10, 20, 2))
  })

  it('starts on the epoch grid when the window had no stored data', () => {
    const merged = mergeReadings([], [{ ts: T0 + 90_000, value: 1 }], 60_000)
    expect(merged).toEqual([bucket(T0 + 60_000, 1, 1, 1, 1)])
  })

  it('appends raw readings as points of their own and skips what the history already has', () => {
    const stored = [bucket(T0, 5, 5, 5, 1)]
    const merged = mergeReadings(
      stored,
      [
        { ts: T0, value: 9 },
        { ts: T0 + 10_000, value: 6 },
      ],
      0,
    )
    expect(merged).toEqual([bucket(T0, 5, 5, 5, 1), bucket(T0 + 10_000, 6, 6, 6, 1)])
  })

  it('returns the stored buckets themselves when nothing arrived', () => {
    const stored = [bucket(T0, 5, 5, 5, 1)]
    expect(mergeReadings(stored, [], HOUR)).toBe(stored)
  })
})
