import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { AUDIT_PAGE_SIZE, timeParam } from '../src/audit/audit-filters.ts'
import { toDateTimeLocal } from '../src/charts/ranges.ts'
import type { Language } from '../src/i18n/i18n.ts'
import {
  AUDIT_ENTRIES,
  DEVICE_REVOKED,
  FAILED_SIGN_IN,
  LOCKED_OUT,
  ROLE_CHANGE,
  SEEDED,
  signIns,
} from './audit-fixtures.ts'
import { ADMIN, GUARD, SUPERVISOR } from './auth-fixtures.ts'
import { apiError, stubAuthApi } from './fake-api.ts'
import { NOW } from './fixtures.ts'
import { cellTexts, getTagged, isolateEachTest, location, openAsAdmin, renderApp, type } from './harness.tsx'

const search = () => new URLSearchParams(location().split('?')[1] ?? '')
const rows = () => screen.getAllByTestId('audit-row')
const ids = () => rows().map((r) => Number(r.dataset.entryId))

const row = (id: number) => getTagged('audit-row', 'entry-id', id)

async function openAudit(path = '/admin/audit', language: Language = 'zh-CN', audit = AUDIT_ENTRIES) {
  const api = await openAsAdmin(path, { audit }, 'audit-page', language)
  await waitFor(() => expect(api.sent('GET', '/api/audit').length).toBeGreaterThan(0))
  return api
}

describe('AuditPage', () => {
  isolateEachTest()

  it('lists entries newest first with time, actor, action, outcome, target, site and address; what failed stands out', async () => {
    await openAudit()
    await screen.findAllByTestId('audit-row')
    expect(ids()).toEqual(AUDIT_ENTRIES.map((e) => e.id))
    const failed = cellTexts(row(FAILED_SIGN_IN.id))
    expect(failed.slice(1, 7)).toEqual([
      '未登录（尝试用户名 admin）',
      '登录auth.login',
      '失败',
      `用户 ${ADMIN.id}`,
      '—',
      '10.8.0.23',
    ])
    expect(row(FAILED_SIGN_IN.id).dataset.outcome).toBe('failed')
    expect(row(LOCKED_OUT.id).dataset.outcome).toBe('denied')
    expect(within(row(LOCKED_OUT.id)).getByTestId('audit-outcome').textContent).toBe('被拒绝')
    expect(within(row(DEVICE_REVOKED.id)).getAllByRole('cell')[5]?.textContent).toBe('翠湖花园')
    expect(within(row(SEEDED.id)).getAllByRole('cell')[1]?.textContent).toBe('系统')
    expect(screen.getByTestId('audit-end').textContent).toBe('已显示全部 5 条记录')
  })

  it('sends the filters to the api and keeps them in the address, so that a link shows the same entries', async () => {
    const api = await openAudit()
    const from = new Date(2026, 4, 14, 8, 30).getTime()
    const to = new Date(2026, 4, 14, 18, 0).getTime()
    type('audit-filter-from', toDateTimeLocal(from))
    type('audit-filter-to', toDateTimeLocal(to))
    type('audit-filter-action', 'user.')
    type('audit-filter-outcome', 'denied')
    type('audit-filter-actor', ` ${ADMIN.id} `)
    type('audit-filter-target', GUARD.id)
    type('audit-filter-site', 'cuihu')
    fireEvent.click(screen.getByTestId('audit-apply'))

    await waitFor(() => expect(api.sent('GET', '/api/audit')).toHaveLength(2))
    const expected = {
      from: String(from),
      to: String(to),
      actor: ADMIN.id,
      action: 'user.',
      outcome: 'denied',
      site: 'cuihu',
      target: GUARD.id,
      limit: String(AUDIT_PAGE_SIZE),
    }
    expect(Object.fromEntries(api.sent('GET', '/api/audit')[1]?.query ?? [])).toEqual(expected)
    expect(Object.fromEntries(search())).toEqual({
      from: timeParam(from),
      to: timeParam(to),
      actor: ADMIN.id,
      action: 'user.',
      outcome: 'denied',
      site: 'cuihu',
      target: GUARD.id,
    })
    expect(await screen.findByTestId('audit-empty')).toBeTruthy()
    const link = location()
    cleanup()

    // The supervisor who gets the link sees the same filters, and the api is asked the same question.
    const shared = stubAuthApi({ user: SUPERVISOR, audit: AUDIT_ENTRIES })
    renderApp(link)
    await waitFor(() => expect(shared.sent('GET', '/api/audit')).toHaveLength(1))
    expect(Object.fromEntries(shared.sent('GET', '/api/audit')[0]?.query ?? [])).toEqual(expected)
    expect((screen.getByTestId('audit-filter-from') as HTMLInputElement).value).toBe('2026-05-14T08:30')
    expect((screen.getByTestId('audit-filter-outcome') as HTMLSelectElement).value).toBe('denied')
    expect((screen.getByTestId('audit-filter-actor') as HTMLInputElement).value).toBe(ADMIN.id)
  })

  it('pages back to older entries with the cursor of the page before, until there are none', async () => {
    const audit = [...AUDIT_ENTRIES.slice(0, 4), ...signIns(AUDIT_PAGE_SIZE + 20, NOW - 5 * 60_000, 500), SEEDED]
    const api = await openAudit('/admin/audit', 'zh-CN', audit)
    await waitFor(() => expect(rows()).toHaveLength(AUDIT_PAGE_SIZE))
    expect(screen.queryByTestId('audit-end')).toBeNull()
    const last = rows().at(-1)
    fireEvent.click(screen.getByTestId('audit-older'))
    await waitFor(() => expect(rows()).toHaveLength(audit.length))
    const older = api.sent('GET', '/api/audit')[1]?.query
    expect(older?.get('beforeId')).toBe(last?.dataset.entryId)
    expect(older?.get('beforeTs')).toBe(String(audit.find((e) => e.id === Number(last?.dataset.entryId))?.ts))
    expect(new Set(ids()).size).toBe(audit.length)
    expect(ids().at(-1)).toBe(SEEDED.id)
    expect(screen.queryByTestId('audit-older')).toBeNull()
    expect(screen.getByTestId('audit-end').textContent).toBe(`已显示全部 ${audit.length} 条记录`)
  })

  it('finds failed sign-ins in one click, and takes an action prefix typed by hand', async () => {
    const api = await openAudit()
    fireEvent.click(screen.getByTestId('audit-failed-sign-ins'))
    await waitFor(() => expect(ids()).toEqual([FAILED_SIGN_IN.id]))
    expect(Object.fromEntries(search())).toEqual({ action: 'auth.login', outcome: 'failed' })
    expect((screen.getByTestId('audit-filter-action') as HTMLSelectElement).value).toBe('other')
    expect((screen.getByTestId('audit-filter-action-text') as HTMLInputElement).value).toBe('auth.login')

    type('audit-filter-action-text', 'auth login')
    fireEvent.click(screen.getByTestId('audit-apply'))
    expect(screen.getByTestId('audit-filter-error').dataset.code).toBe('action')
    const asked = api.sent('GET', '/api/audit').length

    type('audit-filter-action-text', 'auth.lock')
    type('audit-filter-outcome', '')
    fireEvent.click(screen.getByTestId('audit-apply'))
    await waitFor(() => expect(ids()).toEqual([LOCKED_OUT.id]))
    expect(api.sent('GET', '/api/audit')).toHaveLength(asked + 1)
    expect(api.sent('GET', '/api/audit').at(-1)?.query.get('action')).toBe('auth.lock')
  })

  it('checks the time range before asking', async () => {
    const api = await openAudit('/admin/audit', 'en')
    type('audit-filter-from', '2026-05-14T18:00')
    type('audit-filter-to', '2026-05-14T08:00')
    fireEvent.click(screen.getByTestId('audit-apply'))
    expect(screen.getByTestId('audit-filter-error').textContent).toBe('The start must be before the end')
    expect(api.sent('GET', '/api/audit')).toHaveLength(1)
  })

  it('narrows to one actor or one target from a row, and clears the filters', async () => {
    await openAudit()
    await screen.findAllByTestId('audit-row')
    fireEvent.click(within(row(ROLE_CHANGE.id)).getByTestId('audit-only-target'))
    await waitFor(() => expect(ids()).toEqual([ROLE_CHANGE.id, LOCKED_OUT.id]))
    expect(search().get('target')).toBe(GUARD.id)
    expect((screen.getByTestId('audit-filter-target') as HTMLInputElement).value).toBe(GUARD.id)
    fireEvent.click(within(row(ROLE_CHANGE.id)).getByTestId('audit-only-actor'))
    await waitFor(() => expect(ids()).toEqual([ROLE_CHANGE.id]))
    expect(Object.fromEntries(search())).toEqual({ actor: ADMIN.id, target: GUARD.id })
    fireEvent.click(screen.getByTestId('audit-clear'))
    await waitFor(() => expect(ids()).toHaveLength(AUDIT_ENTRIES.length))
    expect(location()).toBe('/admin/audit')
  })

  it('opens what an entry changed under its row', async () => {
    await openAudit('/admin/audit', 'en')
    await screen.findAllByTestId('audit-row')
    expect(within(row(LOCKED_OUT.id)).queryByTestId('audit-toggle-details')).toBeNull()
    const toggle = within(row(ROLE_CHANGE.id)).getByTestId('audit-toggle-details')
    fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    const details = screen.getByTestId('audit-details')
    const parts = [...details.querySelectorAll<HTMLElement>('[data-part]')].map((p) => p.dataset.part)
    expect(parts).toEqual(['before', 'after'])
    expect(within(details).getByText('After').nextElementSibling?.textContent).toContain('"role": "supervisor"')
    fireEvent.click(toggle)
    expect(screen.queryByTestId('audit-details')).toBeNull()
  })

  it('is for audit.read: a guard has neither the link nor the page; a supervisor has both', async () => {
    const api = stubAuthApi({ user: GUARD, audit: AUDIT_ENTRIES })
    renderApp('/admin/audit')
    expect((await screen.findByTestId('forbidden')).textContent).toContain('您的角色（保安）不能打开此页面')
    expect(screen.queryByTestId('nav-admin')).toBeNull()
    expect(api.sent('GET', '/api/audit')).toEqual([])
    cleanup()

    stubAuthApi({ user: SUPERVISOR, audit: AUDIT_ENTRIES })
    renderApp('/')
    fireEvent.click(await screen.findByTestId('nav-admin'))
    fireEvent.click(screen.getByTestId('nav-audit'))
    await screen.findAllByTestId('audit-row')
    expect(location()).toBe('/admin/audit')
  })

  it('says a site outside the scope in words and keeps the filters usable; a refusal of the role is "not allowed"', async () => {
    const api = stubAuthApi({ user: SUPERVISOR, audit: AUDIT_ENTRIES })
    api.answerNext(
      'GET',
      '/api/audit',
      apiError(403, 'FM_ERR_SCOPE_FORBIDDEN', 'site "lakeside" is outside your scope'),
    )
    renderApp('/admin/audit?site=lakeside')
    expect((await screen.findByTestId('audit-error')).textContent).toBe('该小区或楼栋不在您可查看的范围内')
    expect(screen.getByTestId('audit-filters')).toBeTruthy()
    fireEvent.click(screen.getByTestId('audit-clear'))
    await screen.findAllByTestId('audit-row')
    cleanup()

    const refused = stubAuthApi({ user: SUPERVISOR, audit: AUDIT_ENTRIES })
    refused.answerNext('GET', '/api/audit', apiError(403, 'FM_ERR_FORBIDDEN', 'permission "audit.read" required'))
    renderApp('/admin/audit')
    expect((await screen.findByTestId('forbidden')).dataset.reason).toBe('role')
  })
})
