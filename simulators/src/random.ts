/**
 * Seeded randomness. Every device draws from its own stream, derived from the compound seed and the device id, so
 * adding a device to a manifest never changes what the others do, and a run is reproduced exactly by its seed.
 */

/** Uniform numbers in [0, 1). Impure by nature (it advances), so models receive it explicitly. */
export type Random = () => number

/**
 * mulberry32: a 32-bit generator with good statistical quality for simulation and a period of 2^32, far longer than
 * any run needs. Not for cryptography.
 */
export function createRandom(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A seed for a named sub-stream: FNV-1a over the label, mixed with the parent seed. */
export function deriveSeed(seed: number, label: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  // one mulberry32 round so that neighbouring labels ("cp-01", "cp-02") do not give neighbouring seeds
  return Math.floor(createRandom(hash)() * 4_294_967_296)
}

/** A number in [min, max). */
export function uniform(rand: Random, min: number, max: number): number {
  return min + (max - min) * rand()
}

/** A standard normal deviate (Box–Muller). */
export function normal(rand: Random): number {
  const u = 1 - rand() // (0, 1], so the logarithm is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
}

/** The number of events in an interval for a Poisson process with the given mean count. */
export function poisson(rand: Random, mean: number): number {
  if (mean <= 0) return 0
  // Knuth's method is exact but costs O(mean) draws; above 30 the normal approximation is within a count
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rand)))
  const limit = Math.exp(-mean)
  let count = 0
  let product = rand()
  while (product > limit) {
    count++
    product *= rand()
  }
  return count
}

export function chance(rand: Random, probability: number): boolean {
  return rand() < probability
}

export function pick<T>(rand: Random, items: readonly [T, ...T[]]): T {
  return items[Math.floor(rand() * items.length)] ?? items[0]
}

/** Picks an item with probability proportional to its weight. */
export function pickWeighted<T>(rand: Random, items: readonly (readonly [T, number])[], fallback: T): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0)
  let target = rand() * total
  for (const [item, weight] of items) {
    target -= weight
    if (target < 0) return item
  }
  return fallback
}

/**
 * One step of an Ornstein–Uhlenbeck process: noise that wanders but is pulled back to `mean`. The exact discretisation
 * keeps it stable for any step, so a test may advance an hour at once. `stdDev` is the long-run standard deviation and
 * `tauSec` the time the process takes to forget its past.
 */
export function wander(
  rand: Random,
  value: number,
  mean: number,
  stdDev: number,
  tauSec: number,
  dtSec: number,
): number {
  const decay = Math.exp(-dtSec / tauSec)
  return mean + (value - mean) * decay + stdDev * Math.sqrt(1 - decay * decay) * normal(rand)
}
