import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { WORK_ORDER_ACTIONS, type WorkOrderAction } from '../src/work-orders.ts'

const doc = readFileSync(new URL('../../docs/maintenance.md', import.meta.url), 'utf8')
/** The section with the table of actions. */
const actions = doc.slice(doc.indexOf('## States and actions'), doc.indexOf('## SLA clocks'))

const who = (action: WorkOrderAction) => (action.assignee ? 'assignee' : action.permission)

describe('docs/maintenance.md', () => {
  it('lists every work-order action with its states, who may do it and whether a reason is mandatory', () => {
    const rows = [...actions.matchAll(/^\| `([a-z]+)`\s*\|([^|]+)\|([^|]+)\|([^|]+)\|([^|]*)\|$/gm)].map(
      ([, name, from = '', to = '', by = '', reason = '']) => [
        name,
        from.split(',').map((state) => state.trim()),
        to.trim(),
        by.trim(),
        reason.trim() === 'mandatory',
      ],
    )
    expect(rows).toEqual(
      Object.entries(WORK_ORDER_ACTIONS).map(([name, action]) => [
        name,
        [...action.from],
        action.to,
        who(action),
        action.reason,
      ]),
    )
  })
})
