import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERRORS } from '../src/errors.ts'

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8')

describe('docs/protocol.md', () => {
  it('lists every api error code with its HTTP status, and no code the api does not have', () => {
    const rows = [...doc.matchAll(/^\| `(FM_ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map(([, code, status]) => [
      code,
      Number(status),
    ])
    const expected = Object.entries(ERRORS).map(([code, spec]) => [code, spec.statusCode])
    expect(rows.sort()).toEqual(expected.sort())
  })
})
