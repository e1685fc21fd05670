/**
 * One way to read a JSON message of the platform's own services: parse, check against its TypeBox schema, and say
 * where it fails. Never throws, so that a malformed message is counted and logged, not a crash.
 */
import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

export type JsonResult<T> = { ok: true; value: T } | { ok: false; error: string }

export function jsonDecoder<S extends TSchema>(schema: S): (payload: Uint8Array) => JsonResult<Static<S>> {
  const validator = Compile(schema)
  return (payload) => {
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
    const decoded: Static<S> = value
    return { ok: true, value: decoded }
  }
}
