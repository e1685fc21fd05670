import { describe, expect, it } from 'vitest'
import type { ModelEvent } from '../src/devices/device-model.ts'
import {
  initialPatrolCheckpoint,
  type PatrolCheckpointState,
  stepPatrolCheckpoint,
} from '../src/devices/patrol-checkpoint.ts'
import { createRandom } from '../src/random.ts'
import { at, envAt, HOUR_MS, spec } from './simulate.ts'

const PATROL_SEED = 77
const route = (): PatrolCheckpointState[] =>
  Array.from({ length: 8 }, (_, index) =>
    initialPatrolCheckpoint(spec('patrol-checkpoint', { route: 'route-a', order: index + 1 }), createRandom(index)),
  )

/** Walks the route for `hours`, stepping every `stepSec`, and returns each checkpoint's scans. */
function walk(states: PatrolCheckpointState[], hours: number, stepSec = 60) {
  const rand = createRandom(1)
  const scans: ModelEvent<'patrol-checkpoint'>[][] = states.map(() => [])
  let current = states
  for (let t = stepSec; t <= hours * 3600; t += stepSec) {
    const hour = t / 3600
    const env = { ...envAt(hour), patrolSeed: PATROL_SEED }
    current = current.map((state, index) => {
      const result = stepPatrolCheckpoint(state, stepSec * 1000, env, rand)
      scans[index]?.push(...result.events)
      return result.state
    })
  }
  return scans
}

describe('patrol checkpoint', () => {
  it('is scanned every two hours, in route order, a few minutes apart', () => {
    const scans = walk(route(), 24)
    for (const checkpoint of scans) expect(checkpoint).toHaveLength(12)
    for (let round = 0; round < 12; round++) {
      const times = scans.map((checkpoint) => checkpoint[round]?.ts ?? 0)
      for (let order = 1; order < times.length; order++) {
        const gapMin = ((times[order] ?? 0) - (times[order - 1] ?? 0)) / 60_000
        expect(gapMin).toBeGreaterThanOrEqual(3)
        expect(gapMin).toBeLessThanOrEqual(7)
      }
    }
    const firstRound = scans[0]?.[0]?.ts ?? 0
    expect(firstRound - at(0)).toBe(10 * 60_000)
  })

  it('gives the same timetable whatever the step length', () => {
    const fine = walk(route(), 6, 1).map((checkpoint) => checkpoint.map((scan) => scan.ts))
    const coarse = walk(route(), 6, 1800).map((checkpoint) => checkpoint.map((scan) => scan.ts))
    expect(coarse).toEqual(fine)
  })

  it('names the guard of the shift and the route', () => {
    const scans = walk(route(), 24).flat()
    const hourOf = (ts: number) => ((ts - at(0)) / HOUR_MS) % 24
    for (const scan of scans) {
      const day = hourOf(scan.ts) >= 8 && hourOf(scan.ts) < 20
      expect(scan).toMatchObject({ type: 'scan', route_id: 'route-a', method: 'nfc' })
      expect(scan.guard_id).toBe(day ? 'guard-012' : 'guard-027')
    }
  })

  it('missed-scan: the skipped checkpoint stays silent while the rest of the route is scanned', () => {
    const states = route().map((state, index) => (index === 3 ? { ...state, fault: 'missed-scan' as const } : state))
    const scans = walk(states, 6)
    expect(scans[3]).toHaveLength(0)
    expect(scans[2]).toHaveLength(3)
    expect(scans[4]).toHaveLength(3)
  })

  it('reports a slowly draining battery', () => {
    const state = route()[0] as PatrolCheckpointState
    const day = stepPatrolCheckpoint(state, 24 * HOUR_MS, { ...envAt(0), patrolSeed: PATROL_SEED }, createRandom(1))
    expect(day.values.battery_pct).toBeLessThan(state.batteryPct)
    expect(day.values.battery_pct).toBeGreaterThan(state.batteryPct - 0.1)
  })
})
