import { CREDENTIALS_NOTICE_FILTER, credentialsNoticeTopic, decodeCredentialsNotice } from '@fm/protocol'
import { describe, expect, it } from 'vitest'

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value))

describe('credential notices', () => {
  it('live under the api service tree, one topic per device', () => {
    expect(credentialsNoticeTopic('tank-1')).toBe('fm/services/api/devices/tank-1/credentials')
    expect(CREDENTIALS_NOTICE_FILTER).toBe('fm/services/api/devices/+/credentials')
  })

  it('decodes a notice that names the device of its topic', () => {
    const notice = { deviceId: 'tank-1', reason: 'revoked', ts: 1_767_225_600_000 }
    expect(decodeCredentialsNotice(credentialsNoticeTopic('tank-1'), bytes(notice))).toEqual({ ok: true, notice })
  })

  it.each([
    ['another device than its topic', 'tank-1', { deviceId: 'pump-1', reason: 'rotated', ts: 1 }, 'names device'],
    ['an unknown reason', 'tank-1', { deviceId: 'tank-1', reason: 'expired', ts: 1 }, 'CredentialsNotice'],
    ['an unknown key', 'tank-1', { deviceId: 'tank-1', reason: 'rotated', ts: 1, password: 'x' }, 'CredentialsNotice'],
    ['a missing ts', 'tank-1', { deviceId: 'tank-1', reason: 'rotated' }, 'CredentialsNotice'],
    ['text that is not JSON', 'tank-1', 'revoke tank-1', 'not UTF-8 JSON'],
    ['a wildcard for a device id', '+', { deviceId: 'tank-1', reason: 'rotated', ts: 1 }, 'not a credentials notice'],
  ])('refuses %s', (_case, deviceId, payload, error) => {
    const result = decodeCredentialsNotice(credentialsNoticeTopic(deviceId), bytes(payload))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toContain(error)
  })

  it('refuses a topic outside the notice tree', () => {
    const payload = bytes({ deviceId: 'tank-1', reason: 'rotated', ts: 1 })
    expect(decodeCredentialsNotice('fm/services/api/devices/tank-1/status', payload).ok).toBe(false)
    expect(decodeCredentialsNotice('fm/services/ingest/devices/tank-1/credentials', payload).ok).toBe(false)
  })
})
