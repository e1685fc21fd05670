import { BROKER_DROP_REASONS } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { brokerState, droppedByReason } from '../src/health/broker.ts'
import { FILL_WARN_RATIO, fillTone } from '../src/health/fill.ts'
import { NOW } from './fixtures.ts'
import { BROKER_INTERVAL_MS, brokerStatus } from './health-fixtures.ts'

describe('droppedByReason', () => {
  it('lists every reason of the protocol in its order, zero included', () => {
    const rows = droppedByReason({ 'auth-failed': 3, 'slow-consumer': 1 })
    expect(rows.map((r) => r.reason)).toEqual([...BROKER_DROP_REASONS])
    expect(rows.find((r) => r.reason === 'auth-failed')?.count).toBe(3)
    expect(rows.find((r) => r.reason === 'rate-limit')?.count).toBe(0)
    expect(rows.every((r) => r.known)).toBe(true)
  })

  it('adds the reasons a newer broker counts after the known ones, by key', () => {
    const rows = droppedByReason({ 'zz-new': 2, 'aa-new': 0 })
    expect(rows.slice(BROKER_DROP_REASONS.length)).toEqual([
      { reason: 'aa-new', known: false, count: 0 },
      { reason: 'zz-new', known: false, count: 2 },
    ])
  })
})

describe('brokerState', () => {
  it('is none until the broker publishes a status', () => {
    expect(brokerState(undefined, NOW)).toBe('none')
  })

  it('is online while the status is fresh', () => {
    expect(brokerState(brokerStatus(), NOW)).toBe('online')
  })

  it('is stale once the status is older than three intervals, however online it claims to be', () => {
    expect(brokerState(brokerStatus({ ts: NOW - 3 * BROKER_INTERVAL_MS - 1 }), NOW)).toBe('stale')
  })

  it('is offline when the broker said so on shutdown, however old that is', () => {
    expect(brokerState(brokerStatus({ online: false, ts: NOW - 3_600_000 }), NOW)).toBe('offline')
  })
})

describe('fillTone', () => {
  it.each([
    [0, 100, 'ok'],
    [100 * FILL_WARN_RATIO - 1, 100, 'ok'],
    [100 * FILL_WARN_RATIO, 100, 'warn'],
    [99, 100, 'warn'],
    [100, 100, 'fault'],
    [150, 100, 'fault'],
  ] as const)('%d of %d is %s', (value, limit, tone) => {
    expect(fillTone(value, limit)).toBe(tone)
  })
})
