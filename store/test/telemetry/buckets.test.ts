import { describe, expect, test } from 'vitest'
import { bucketCount, chooseStep, NICE_STEPS_MS } from '../../src/telemetry/buckets.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const T0 = Date.UTC(2025, 5, 1) // aligned on every step

describe('chooseStep', () => {
  const cases = [
    { name: '15 minutes at 1000 points → 1 s', from: T0, to: T0 + 15 * MINUTE, maxPoints: 1000, step: 1000 },
    { name: '1 hour at 1000 points → 5 s', from: T0, to: T0 + HOUR, maxPoints: 1000, step: 5000 },
    { name: '24 hours at 1000 points → 2 min', from: T0, to: T0 + DAY, maxPoints: 1000, step: 2 * MINUTE },
    { name: '7 days at 1000 points → 15 min', from: T0, to: T0 + 7 * DAY, maxPoints: 1000, step: 15 * MINUTE },
    { name: '30 days at 200 points → 6 h', from: T0, to: T0 + 30 * DAY, maxPoints: 200, step: 6 * HOUR },
    { name: '1 year at 100 points → 4 d', from: T0, to: T0 + 365 * DAY, maxPoints: 100, step: 4 * DAY },
    { name: 'a tiny range → 1 s', from: T0, to: T0 + 10, maxPoints: 1000, step: 1000 },
    // an unaligned range touches one bucket more than its length suggests; the step must account for it
    { name: 'unaligned 1000 s at 1000 points → 2 s', from: T0 + 500, to: T0 + 1_000_500, maxPoints: 1000, step: 2000 },
  ]

  test.for(cases)('$name', ({ from, to, maxPoints, step }) => {
    expect(chooseStep(from, to, maxPoints)).toBe(step)
  })

  test('never exceeds maxPoints, and the next smaller nice step would', () => {
    for (const span of [1234, 61_000, 3 * HOUR + 17, 2 * DAY + 5, 90 * DAY]) {
      for (const maxPoints of [1, 7, 100, 1000]) {
        const from = T0 + 777
        const step = chooseStep(from, from + span, maxPoints)
        expect(bucketCount(from, from + span, step)).toBeLessThanOrEqual(maxPoints)
        const smaller = NICE_STEPS_MS.filter((candidate) => candidate < step).at(-1)
        if (smaller !== undefined && step <= DAY)
          expect(bucketCount(from, from + span, smaller)).toBeGreaterThan(maxPoints)
      }
    }
  })

  test.for([
    { from: T0, to: T0, maxPoints: 10 },
    { from: T0 + 1, to: T0, maxPoints: 10 },
    { from: T0, to: T0 + 0.5, maxPoints: 10 },
    { from: T0, to: T0 + HOUR, maxPoints: 0 },
    { from: T0, to: T0 + HOUR, maxPoints: 2.5 },
  ])('refuses range [$from, $to) with maxPoints $maxPoints', ({ from, to, maxPoints }) => {
    expect(() => chooseStep(from, to, maxPoints)).toThrow(RangeError)
  })
})
