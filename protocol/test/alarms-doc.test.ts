import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ALARM_RULES } from '../src/alarm-rules.ts'

const doc = readFileSync(new URL('../../docs/alarms.md', import.meta.url), 'utf8')

describe('docs/alarms.md', () => {
  it('lists every rule of the catalog with its priority, and no rule the catalog does not have', () => {
    const rows = [...doc.matchAll(/^\| `([a-z-]+\.[a-z-]+)`\s*\| (P[0-3])\s*\|/gm)].map(([, id, priority]) => [
      id,
      priority,
    ])
    expect(rows).toEqual(ALARM_RULES.map((rule) => [rule.id, rule.priority]))
  })
})
