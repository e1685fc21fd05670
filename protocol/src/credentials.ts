/**
 * Credential notices: the api tells the broker, which runs in another process, that a device's credentials were
 * rotated or revoked, so that the broker drops the device's open connection at once. Published by the api on
 * `fm/services/api/devices/<device>/credentials`, QoS 1, not retained; only the api may publish under
 * `fm/services/api/` (the broker's ACL). The store stays the truth: a notice that never arrives only means the
 * device keeps its open connection until it reconnects, when the broker refuses the old password anyway.
 */
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { ID_PATTERN, isValidId, TOPIC_ROOT } from './topics.ts'

export const CREDENTIALS_NOTICE_REASONS = ['rotated', 'revoked'] as const
export type CredentialsNoticeReason = (typeof CREDENTIALS_NOTICE_REASONS)[number]

export const CredentialsNotice = Type.Object(
  {
    deviceId: Type.String({ pattern: ID_PATTERN, description: 'the device whose credentials changed' }),
    reason: Type.Enum(CREDENTIALS_NOTICE_REASONS, { description: 'new credentials, or none at all' }),
    ts: Type.Integer({ minimum: 0, description: 'when the store changed them, epoch ms (UTC)' }),
  },
  { additionalProperties: false },
)
export type CredentialsNotice = Static<typeof CredentialsNotice>

const PREFIX = `${TOPIC_ROOT}/services/api/devices/`
const SUFFIX = '/credentials'

/** The subscription filter for every device's credential notices. */
export const CREDENTIALS_NOTICE_FILTER = `${PREFIX}+${SUFFIX}`

/** `fm/services/api/devices/<device>/credentials`. */
export function credentialsNoticeTopic(deviceId: string): string {
  return `${PREFIX}${deviceId}${SUFFIX}`
}

const validator = Compile(CredentialsNotice)

export type CredentialsNoticeResult = { ok: true; notice: CredentialsNotice } | { ok: false; error: string }

/**
 * Decodes a notice and checks that it names the device of its topic, so that a notice cannot be aimed at one device
 * through another's topic. Never throws.
 */
export function decodeCredentialsNotice(topic: string, payload: Uint8Array): CredentialsNoticeResult {
  const deviceId = topic.startsWith(PREFIX) && topic.endsWith(SUFFIX) ? topic.slice(PREFIX.length, -SUFFIX.length) : ''
  if (!isValidId(deviceId)) return { ok: false, error: `not a credentials notice topic: ${topic}` }
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload))
  } catch {
    return { ok: false, error: 'payload is not UTF-8 JSON' }
  }
  if (!validator.Check(value)) {
    const [first] = validator.Errors(value)
    return {
      ok: false,
      error: `payload does not match CredentialsNotice: ${first?.instancePath || '/'} ${first?.message}`,
    }
  }
  if (value.deviceId !== deviceId) {
    return { ok: false, error: `payload names device "${value.deviceId}", the topic "${deviceId}"` }
  }
  return { ok: true, notice: value }
}
