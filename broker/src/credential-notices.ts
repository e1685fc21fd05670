/**
 * Instant disconnection after a credential change. The api, in another process, rotates or revokes a device's
 * credentials in the store and then publishes a notice on `fm/services/api/devices/<device>/credentials`
 * (`@fm/protocol`, credentials.ts); the broker hears it through an in-process subscription (no client) and drops the
 * device's open connection, so that its will fires and a revoked device is offline at once rather than at its next
 * reconnect. Only the api role may publish under `fm/services/api/` (SERVICE_ROLES in access.ts), so a device or
 * another service cannot disconnect anyone this way. This is the broker's one exception to not reading payloads:
 * the notice is the platform's own message, never a device's.
 */
import { CREDENTIALS_NOTICE_FILTER, decodeCredentialsNotice } from '@fm/protocol'
import type { Aedes, AedesPublishPacket } from 'aedes'
import type { Logger } from 'pino'

/** Subscribes the broker itself to credential notices; resolves once the subscription is in place. */
export function followCredentialNotices(
  aedes: Aedes,
  disconnectDevice: (deviceId: string) => boolean,
  logger: Logger,
): Promise<void> {
  const deliver = (packet: AedesPublishPacket, done: () => void): void => {
    try {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
      const result = decodeCredentialsNotice(packet.topic, payload)
      if (!result.ok) {
        logger.warn({ topic: packet.topic, error: result.error }, 'invalid credentials notice skipped')
        return
      }
      const { deviceId, reason } = result.notice
      // a device connected to another broker node is dropped by that node, which hears the same notice
      const connected = disconnectDevice(deviceId)
      logger.info(
        { deviceId, reason, connected },
        `credentials ${reason}: ${connected ? 'disconnected' : 'not connected'}`,
      )
    } catch (error) {
      // inside aedes' delivery, where a throw would end the process
      logger.error({ err: error, topic: packet.topic }, 'handling a credentials notice failed')
    } finally {
      done()
    }
  }
  return new Promise((resolve) => aedes.subscribe(CREDENTIALS_NOTICE_FILTER, deliver, resolve))
}
