import { describe, expect, it } from 'vitest'
import {
  AUDIT_PAGE_SIZE,
  auditQuery,
  filtersFromSearch,
  parseTimeParam,
  searchOfFilters,
  timeParam,
} from '../src/audit/audit-filters.ts'

const at = new Date(2026, 4, 14, 8, 30).getTime()

describe('audit filters in the URL', () => {
  it('writes a time as local time with its offset, which reads back as the same instant', () => {
    expect(timeParam(at)).toMatch(/^2026-05-14T08:30[+-]\d\d:\d\d$/)
    expect(parseTimeParam(timeParam(at))).toBe(at)
    expect(parseTimeParam('2026-05-14T00:30Z')).toBe(Date.UTC(2026, 4, 14, 0, 30))
    // "+08:00" typed into an address bar arrives as " 08:00".
    expect(parseTimeParam('2026-05-14T08:30 08:00')).toBe(Date.UTC(2026, 4, 14, 0, 30))
    expect(parseTimeParam(String(at))).toBe(at)
    expect(parseTimeParam('yesterday')).toBeUndefined()
    expect(parseTimeParam(null)).toBeUndefined()
  })

  it('reads every filter a link holds, and round-trips them in a fixed order', () => {
    const search = new URLSearchParams(
      `target=dev-1&site=cuihu&outcome=failed&action=auth.&actor=u_1&to=${at + 3_600_000}&from=${timeParam(at)}`,
    )
    const filters = filtersFromSearch(search)
    expect(filters).toEqual({
      from: at,
      to: at + 3_600_000,
      actor: 'u_1',
      action: 'auth.',
      outcome: 'failed',
      site: 'cuihu',
      target: 'dev-1',
    })
    expect([...searchOfFilters(filters).keys()]).toEqual(['from', 'to', 'actor', 'action', 'outcome', 'site', 'target'])
    expect(filtersFromSearch(searchOfFilters(filters))).toEqual(filters)
  })

  it('leaves out what the api would refuse, so a hand-typed link still shows the log', () => {
    const search = new URLSearchParams('outcome=maybe&action=auth login&site=Cui Hu&from=soon&actor=%20%20&target=')
    expect(filtersFromSearch(search)).toEqual({})
    expect(filtersFromSearch(new URLSearchParams(`actor=${'x'.repeat(257)}`))).toEqual({})
  })
})

describe('the api query of the audit page', () => {
  it('sends times as epoch ms, a page size, and the cursor of the page before', () => {
    const query = auditQuery({ from: at, outcome: 'denied', action: 'user.' }, { beforeTs: at + 60_000, beforeId: 42 })
    expect(Object.fromEntries(query)).toEqual({
      from: String(at),
      action: 'user.',
      outcome: 'denied',
      limit: String(AUDIT_PAGE_SIZE),
      beforeTs: String(at + 60_000),
      beforeId: '42',
    })
    expect(Object.fromEntries(auditQuery({}))).toEqual({ limit: String(AUDIT_PAGE_SIZE) })
  })
})
