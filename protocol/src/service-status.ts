/**
 * Decoding of the retained status the platform services publish on `fm/services/<service>/status`: ingest's and the
 * broker's. One decoder per service, built from the service's TypeBox schema in `live.ts`, so the wire contract is
 * written once and every reader (the api, the bench, the tests) checks it the same way. Unknown keys are allowed (the
 * schemas do not forbid them), so that a newer service can add counters without breaking an older reader.
 */
import type { Static, TSchema } from 'typebox'
import { jsonDecoder } from './json-decoder.ts'
import { BrokerStatus, IngestStatus } from './live.ts'

/** `status` is undefined when the retained status was cleared. */
export type StatusResult<T> = { ok: true; status: T | undefined } | { ok: false; error: string }

export type StatusDecoder<T> = (payload: Uint8Array) => StatusResult<T>

/** A decoder for one service's status; an empty payload clears the retained status [MQTT-3.3.1-10]: "no status". */
export function statusDecoder<S extends TSchema>(schema: S): StatusDecoder<Static<S>> {
  const decode = jsonDecoder(schema)
  return (payload) => {
    if (payload.byteLength === 0) return { ok: true, status: undefined }
    const result = decode(payload)
    return result.ok ? { ok: true, status: result.value } : result
  }
}

export const decodeIngestStatus: StatusDecoder<IngestStatus> = statusDecoder(IngestStatus)
export const decodeBrokerStatus: StatusDecoder<BrokerStatus> = statusDecoder(BrokerStatus)
