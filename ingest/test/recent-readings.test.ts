import type { Reading } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { createRecentReadings } from '../src/recent-readings.ts'

function reading(ts: number, level: number): Reading {
  return { siteId: 's', kind: 'water-tank', deviceId: 'tank-1', ts, values: { level_pct: level } }
}

describe('recent readings', () => {
  it('recognises the same device, time and values, and nothing less', () => {
    const recent = createRecentReadings()
    expect(recent.admit(reading(1, 50))).toHaveProperty('first')
    expect(recent.admit(reading(1, 50))).toHaveProperty('duplicate')
    expect(recent.admit(reading(2, 50))).toHaveProperty('first')
    expect(recent.admit(reading(1, 51))).toHaveProperty('first')
    expect(recent.admit({ ...reading(1, 50), deviceId: 'tank-2' })).toHaveProperty('first')
  })

  it('acknowledges waiting duplicates when the first copy is durable, and refuses them when it is refused', () => {
    const recent = createRecentReadings()
    const calls: unknown[] = []
    const first = recent.admit(reading(1, 50))
    const second = recent.admit(reading(2, 50))
    if (!('first' in first) || !('first' in second)) throw new Error('expected first copies')
    first.first.waiters.push((error) => calls.push(['1', error]))
    second.first.waiters.push((error) => calls.push(['2', error]))

    recent.durable(first.first)
    recent.refused(second.first, 'spool full')

    expect(calls).toEqual([
      ['1', undefined],
      ['2', 'spool full'],
    ])
    expect(recent.admit(reading(1, 50))).toHaveProperty('duplicate')
    expect(recent.admit(reading(2, 50))).toHaveProperty('first') // forgotten: the next delivery is written
  })

  it('forgets the oldest reading beyond its capacity', () => {
    const recent = createRecentReadings(2)
    for (const ts of [1, 2, 3]) recent.admit(reading(ts, 50))
    expect(recent.admit(reading(1, 50))).toHaveProperty('first')
    expect(recent.admit(reading(3, 50))).toHaveProperty('duplicate')
  })
})
