/**
 * Device availability: `fm/v1/<site>/<kind>/<device>/status`, retained. A device publishes `{"online":true}` when
 * it connects and registers `{"online":false}` as its MQTT last will, so the broker announces an unexpected loss.
 */
import { type Static, Type } from 'typebox'

export const StatusPayload = Type.Object(
  {
    online: Type.Boolean({ description: 'true when the device is connected' }),
    ts: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch milliseconds (UTC)' })),
    firmware: Type.Optional(Type.String({ maxLength: 64, description: 'firmware version' })),
    report_interval_sec: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 86_400, description: 'how often the device sends telemetry' }),
    ),
  },
  { additionalProperties: false },
)
export type StatusPayload = Static<typeof StatusPayload>

/** Command to a device, on its `cmd` topic. The device answers on `ack` with the same `id`. */
export const CommandPayload = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: 'transaction id, echoed in the ack' }),
    action: Type.String({ minLength: 1, maxLength: 64, description: 'e.g. open_barrier, close_barrier, start, stop' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  },
  { additionalProperties: false },
)
export type CommandPayload = Static<typeof CommandPayload>

export const AckPayload = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    status: Type.Enum(['ok', 'error']),
    error: Type.Optional(Type.String({ maxLength: 256 })),
    ts: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
)
export type AckPayload = Static<typeof AckPayload>
