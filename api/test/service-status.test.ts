import { decodeBrokerStatus, decodeIngestStatus } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { isStale } from '../src/service-status.ts'
import { brokerStatus } from './fixtures.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('service status decoding', () => {
  it('decodes a broker status, keeping keys a newer broker added', () => {
    const status = { ...brokerStatus(), cluster: { peers: 2 } }

    expect(decodeBrokerStatus(bytes(JSON.stringify(status)))).toEqual({ ok: true, status })
  })

  it('decodes an ingest status with the same rules', () => {
    const status = { online: true, ts: 1, accepted: 2, rejected: 0, rejectedByCode: {}, ratePerSec: 0.5, extra: 'x' }

    expect(decodeIngestStatus(bytes(JSON.stringify(status)))).toEqual({ ok: true, status })
  })

  it('reads an empty payload, a cleared retained status, as no status', () => {
    expect(decodeBrokerStatus(new Uint8Array())).toEqual({ ok: true, status: undefined })
    expect(decodeIngestStatus(new Uint8Array())).toEqual({ ok: true, status: undefined })
  })

  it.each([
    ['not JSON', 'online', expect.any(String)],
    ['a missing section', JSON.stringify({ ...brokerStatus(), queues: undefined }), expect.stringContaining('queues')],
    [
      'a negative count',
      JSON.stringify({ ...brokerStatus(), connections: { clients: -1, devices: 0, max: 1, authPending: 0 } }),
      expect.stringContaining('/connections/clients'),
    ],
    ['an interval of 0', JSON.stringify({ ...brokerStatus(), intervalMs: 0 }), expect.stringContaining('/intervalMs')],
  ])('refuses a broker status with %s, saying where', (_, payload, error) => {
    expect(decodeBrokerStatus(bytes(payload))).toEqual({ ok: false, error })
  })

  it('calls a status stale after three of its intervals', () => {
    expect(isStale({ ts: 1_000 }, 5_000, 16_000)).toBe(false)
    expect(isStale({ ts: 1_000 }, 5_000, 16_001)).toBe(true)
  })
})
