/**
 * Decoding of the retained status that ingest publishes on `fm/services/ingest/status`. Unknown keys are
 * allowed so that a newer ingest can add counters without breaking an older api.
 */
import { IngestStatus } from '@fm/protocol'
import { Compile } from 'typebox/compile'

/** Assumed refresh interval of an ingest that does not announce its own `intervalMs`. */
export const INGEST_STATUS_INTERVAL_MS = 10_000

const IngestStatusPayload = Compile(IngestStatus)

export type IngestStatusResult = { ok: true; status: IngestStatus | undefined } | { ok: false; error: string }

/** Decodes the payload; an empty one clears the retained status [MQTT-3.3.1-10], which reads as "no status". */
export function decodeIngestStatus(payload: Uint8Array): IngestStatusResult {
  if (payload.byteLength === 0) return { ok: true, status: undefined }
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder().decode(payload))
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
  if (!IngestStatusPayload.Check(value)) {
    const [first] = IngestStatusPayload.Errors(value)
    return { ok: false, error: first ? `${first.instancePath || '/'} ${first.message}` : 'does not match the schema' }
  }
  const status: IngestStatus = value
  return { ok: true, status }
}
