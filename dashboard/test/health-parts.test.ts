import { describe, expect, it } from 'vitest'
import { KNOWN_PARTS, listParts, troubledParts } from '../src/health/parts.ts'
import { downReport, healthReport } from './health-fixtures.ts'

describe('listParts', () => {
  it('puts known parts in pipeline order, then parts it has no label for by key', () => {
    const parts = listParts({ ...healthReport().parts, broker: { status: 'ok' }, alpha: { status: 'down' } })
    expect(parts.map((p) => p.key)).toEqual([
      'broker',
      'mqtt',
      'ingest',
      'timeseries',
      'spool',
      'store',
      'dashboard',
      'alpha',
      'queue',
    ])
    expect(parts.find((p) => p.key === 'queue')).toEqual({
      key: 'queue',
      known: false,
      status: 'ok',
      detail: 'a part added by a newer api',
    })
    expect(parts.find((p) => p.key === 'mqtt')?.known).toBe(true)
  })

  it('shows only the parts that came: an api without a spool or broker part has no card for them', () => {
    const parts = listParts({ mqtt: { status: 'ok' }, store: { status: 'degraded', detail: 'slow' } })
    expect(parts.map((p) => p.key)).toEqual(['mqtt', 'store'])
    expect(parts[1]?.detail).toBe('slow')
  })

  it('knows every part the api reports today', () => {
    expect([...KNOWN_PARTS].sort()).toEqual(
      ['broker', 'dashboard', 'ingest', 'mqtt', 'spool', 'store', 'timeseries'].sort(),
    )
  })
})

describe('troubledParts', () => {
  it('names the parts that are not ok, down before degraded', () => {
    const parts = listParts({ ...downReport().parts, store: { status: 'degraded' } })
    expect(troubledParts(parts).map((p) => [p.key, p.status])).toEqual([
      ['timeseries', 'down'],
      ['spool', 'degraded'],
      ['store', 'degraded'],
    ])
  })

  it('is empty when everything is ok', () => {
    expect(troubledParts(listParts(healthReport().parts))).toEqual([])
  })
})
