import { describe, expect, it } from 'vitest'
import { createRandom, deriveSeed, normal, pick, poisson, wander } from '../src/random.ts'

const draw = (seed: number, count: number) => {
  const rand = createRandom(seed)
  return Array.from({ length: count }, () => rand())
}

describe('random', () => {
  it('repeats the same sequence for the same seed and a different one for another seed', () => {
    expect(draw(42, 100)).toEqual(draw(42, 100))
    expect(draw(42, 100)).not.toEqual(draw(43, 100))
  })

  it('draws uniformly in [0, 1)', () => {
    const values = draw(7, 20_000)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length
    expect(mean).toBeCloseTo(0.5, 1)
  })

  it('derives unrelated seeds for neighbouring labels', () => {
    const seeds = ['cp-01', 'cp-02', 'cp-03'].map((label) => deriveSeed(1, label))
    expect(new Set(seeds).size).toBe(3)
    expect(deriveSeed(1, 'cp-01')).toBe(seeds[0])
    expect(deriveSeed(2, 'cp-01')).not.toBe(seeds[0])
  })

  it('draws Poisson counts with the requested mean, small and large', () => {
    for (const mean of [0.3, 4, 80]) {
      const rand = createRandom(11)
      const counts = Array.from({ length: 5000 }, () => poisson(rand, mean))
      expect(counts.reduce((sum, count) => sum + count, 0) / counts.length).toBeCloseTo(mean, mean < 1 ? 1 : 0)
    }
  })

  it('draws standard normal deviates', () => {
    const rand = createRandom(3)
    const values = Array.from({ length: 20_000 }, () => normal(rand))
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length
    expect(mean).toBeCloseTo(0, 1)
    expect(Math.sqrt(variance)).toBeCloseTo(1, 1)
  })

  it('wanders around its mean with the requested spread, whatever the step', () => {
    for (const dtSec of [1, 600]) {
      const rand = createRandom(5)
      let value = 10
      const samples: number[] = []
      for (let i = 0; i < 20_000; i++) {
        value = wander(rand, value, 10, 2, 300, dtSec)
        samples.push(value)
      }
      const mean = samples.reduce((sum, v) => sum + v, 0) / samples.length
      expect(mean).toBeGreaterThan(9.5)
      expect(mean).toBeLessThan(10.5)
      const sd = Math.sqrt(samples.reduce((sum, v) => sum + (v - mean) ** 2, 0) / samples.length)
      expect(sd).toBeGreaterThan(1.6)
      expect(sd).toBeLessThan(2.4)
    }
  })

  it('picks every item of a list', () => {
    const rand = createRandom(9)
    const picked = new Set(Array.from({ length: 200 }, () => pick(rand, ['a', 'b', 'c'])))
    expect(picked).toEqual(new Set(['a', 'b', 'c']))
  })
})
