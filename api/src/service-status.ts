/**
 * Decoding of the retained status the platform services publish on `fm/services/<service>/status`: ingest's and the
 * broker's. One decoder per service, built from the service's TypeBox schema in `@fm/protocol`, so the wire contract
 * is written once. Unknown keys are allowed (the schemas do not forbid them), so that a newer service can add
 * counters without breaking an older api.
 */
import { BrokerStatus, IngestStatus } from '@fm/protocol'
import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

/** Assumed refresh interval of an ingest that does not announce its own `intervalMs`. */
export const INGEST_STATUS_INTERVAL_MS = 10_000

/** A status older than this many of its refresh intervals is stale: its service is likely gone without a last word. */
const STALE_AFTER_INTERVALS = 3

/** How old a status is, from its `ts` (the publisher's clock) to `now` (ours). */
export function statusAgeMs(status: { ts: number }, now: number): number {
  return now - status.ts
}

export function isStale(status: { ts: number }, intervalMs: number, now: number): boolean {
  return statusAgeMs(status, now) > STALE_AFTER_INTERVALS * intervalMs
}

/** `status` is undefined when the retained status was cleared. */
export type StatusResult<T> = { ok: true; status: T | undefined } | { ok: false; error: string }

export type StatusDecoder<T> = (payload: Uint8Array) => StatusResult<T>

/** A decoder for one service's status; an empty payload clears the retained status [MQTT-3.3.1-10]: "no status". */
export function statusDecoder<S extends TSchema>(schema: S): StatusDecoder<Static<S>> {
  const validator = Compile(schema)
  return (payload) => {
    if (payload.byteLength === 0) return { ok: true, status: undefined }
    let value: unknown
    try {
      value = JSON.parse(new TextDecoder().decode(payload))
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) }
    }
    if (!validator.Check(value)) {
      const [first] = validator.Errors(value)
      return { ok: false, error: first ? `${first.instancePath || '/'} ${first.message}` : 'does not match the schema' }
    }
    const status: Static<S> = value
    return { ok: true, status }
  }
}

export const decodeIngestStatus: StatusDecoder<IngestStatus> = statusDecoder(IngestStatus)
export const decodeBrokerStatus: StatusDecoder<BrokerStatus> = statusDecoder(BrokerStatus)
