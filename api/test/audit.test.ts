import { type AuditPage, ROLE_PERMISSIONS, USER_ROLES } from '@fm/protocol'
import type { AuditInput } from '@fm/store'
import { afterEach, describe, expect, it } from 'vitest'
import { type Api, closeAll, SITE_ID } from './fixtures.ts'
import { addUser, type Cookies, expectError, scopeFor, send, signIn, startGuardedApi } from './sign-in.ts'

afterEach(closeAll)

const OTHER_SITE = 'cuihu'

function readAudit(api: Api, cookies: Cookies | undefined, query: Record<string, string | number> = {}) {
  return send(api, cookies, {
    url: '/api/audit',
    query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
  })
}

async function page(api: Api, cookies: Cookies, query: Record<string, string | number> = {}): Promise<AuditPage> {
  const response = await readAudit(api, cookies, query)
  expect(response.statusCode, response.body).toBe(200)
  return response.json<AuditPage>()
}

/** An entry as a device route or an alarm would write it: at a site, by a user. */
function atSite(siteId: string | undefined, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    actor: { type: 'user', id: 'u_AAAAAAAAAAAAAAAA', name: 'wang.jun' },
    action: 'alarm.ack',
    outcome: 'ok',
    ...(siteId === undefined ? {} : { siteId }),
    ...overrides,
  }
}

describe('who may read the audit log', () => {
  it.each(USER_ROLES)('the role %s reads it exactly when it has audit.read', async (role) => {
    const api = await startGuardedApi()
    await addUser(api, `the.${role}`, role)
    const cookies = await signIn(api, `the.${role}`)
    api.store.appendAudit(atSite(SITE_ID))

    const response = await readAudit(api, cookies)

    if (ROLE_PERMISSIONS[role].includes('audit.read')) {
      expect(response.statusCode, response.body).toBe(200)
      expect(response.json<AuditPage>().entries.length).toBeGreaterThan(0)
    } else {
      expect(expectError(response, 403, 'FM_ERR_FORBIDDEN')).toContain('audit.read')
    }
  })

  it('answers 401 FM_ERR_AUTH_REQUIRED without a session', async () => {
    const api = await startGuardedApi()

    expectError(await readAudit(api, undefined), 401, 'FM_ERR_AUTH_REQUIRED')
  })
})

describe('GET /api/audit', () => {
  it('answers the entries as the store keeps them, newest first, with detail, before and after', async () => {
    const api = await startGuardedApi()
    await addUser(api, 'boss', 'admin')
    const cookies = await signIn(api, 'boss')
    api.clock.advance(1_000)
    api.store.appendAudit({
      ...atSite(SITE_ID, { action: 'device.update', target: { type: 'device', id: 'pump-1' }, ip: '192.0.2.7' }),
      detail: { fields: ['name'], nested: { depth: [1, { two: true }] } },
      before: { name: '1#加压泵' },
      after: { name: '1号加压泵', tags: null },
    })

    const { entries, next } = await page(api, cookies)

    expect(entries).toEqual(api.store.queryAudit())
    expect(entries.map(({ action }) => action)).toEqual(['device.update', 'auth.login'])
    expect(next).toBeUndefined()
  })

  it('pages backwards with the cursor through entries of one millisecond, and the last page has no next', async () => {
    const api = await startGuardedApi()
    await addUser(api, 'boss', 'admin')
    const cookies = await signIn(api, 'boss')
    // eight more in the same millisecond as the login: nine, three full pages of three
    for (let index = 0; index < 8; index++) api.store.appendAudit(atSite(SITE_ID, { detail: { index } }))

    const pages: AuditPage[] = [await page(api, cookies, { limit: 3 })]
    for (let last = pages[0]; last?.next; last = pages.at(-1)) {
      pages.push(await page(api, cookies, { limit: 3, ...last.next }))
    }

    expect(pages.map(({ entries }) => entries.length)).toEqual([3, 3, 3])
    expect(pages.map(({ next }) => next !== undefined)).toEqual([true, true, false])
    const ids = pages.flatMap(({ entries }) => entries.map(({ id }) => id))
    expect(ids).toEqual(api.store.queryAudit({ limit: 500 }).map(({ id }) => id))
    expect(pages[0]?.next).toEqual({ beforeTs: api.clock.now(), beforeId: ids[2] })
  })

  it('filters by time, actor, action prefix, outcome, target and site', async () => {
    const api = await startGuardedApi()
    const admin = await addUser(api, 'boss', 'admin')
    const cookies = await signIn(api, 'boss')
    const start = api.clock.now()
    api.clock.advance(60_000)
    const ack = api.store.appendAudit(atSite(SITE_ID, { target: { type: 'alarm', id: 'tank-1.level_low' } }))
    api.clock.advance(60_000)
    const failed = api.store.appendAudit(atSite(OTHER_SITE, { action: 'command.send', outcome: 'failed' }))
    const actions = async (query: Record<string, string | number>) =>
      (await page(api, cookies, query)).entries.map(({ id, action }) => `${action}#${id}`)
    const named = (...entries: { id: number; action: string }[]) => entries.map(({ id, action }) => `${action}#${id}`)

    expect(await actions({ from: start + 60_000 })).toEqual(named(failed, ack))
    expect(await actions({ from: start + 60_000, to: start + 120_000 })).toEqual(named(ack))
    expect(await actions({ actor: admin.id })).toEqual([expect.stringMatching(/^auth\.login#/)])
    expect(await actions({ action: 'alarm.' })).toEqual(named(ack))
    expect(await actions({ action: 'comm' })).toEqual(named(failed))
    expect(await actions({ outcome: 'failed' })).toEqual(named(failed))
    expect(await actions({ target: 'tank-1.level_low' })).toEqual(named(ack))
    expect(await actions({ site: OTHER_SITE })).toEqual(named(failed))
  })

  it('shows a user scoped to sites only the entries of those sites; admins and users over all sites see every one', async () => {
    const api = await startGuardedApi()
    await addUser(api, 'boss', 'admin')
    await addUser(api, 'wang.jun', 'supervisor', scopeFor('supervisor', [SITE_ID]))
    await addUser(api, 'regional.head', 'supervisor', { allSites: true, siteIds: [], buildingIds: [] })
    const [admin, supervisor, regional] = [
      await signIn(api, 'boss'),
      await signIn(api, 'wang.jun'),
      await signIn(api, 'regional.head'),
    ]
    const here = api.store.appendAudit(atSite(SITE_ID))
    const there = api.store.appendAudit(atSite(OTHER_SITE))
    const everywhere = api.store.appendAudit(atSite(undefined, { action: 'user.update' }))
    const ids = async (cookies: Cookies, query: Record<string, string> = {}) =>
      (await page(api, cookies, query)).entries.map(({ id }) => id)
    const all = api.store.queryAudit({ limit: 500 }).map(({ id }) => id)

    expect(await ids(supervisor)).toEqual([here.id])
    expect(await ids(supervisor, { site: SITE_ID })).toEqual([here.id])
    const outside = await readAudit(api, supervisor, { site: OTHER_SITE })
    expect(expectError(outside, 403, 'FM_ERR_SCOPE_FORBIDDEN')).toContain(OTHER_SITE)

    expect(await ids(admin)).toEqual(all)
    expect(await ids(admin)).toEqual(expect.arrayContaining([here.id, there.id, everywhere.id]))
    expect(await ids(regional)).toEqual(all)
    expect(await ids(regional, { site: OTHER_SITE })).toEqual([there.id])
  })

  it.each([
    ['a limit over 500', { limit: 501 }],
    ['a limit of 0', { limit: 0 }],
    ['beforeTs without beforeId', { beforeTs: 1_767_574_800_000 }],
    ['beforeId without beforeTs', { beforeId: 3 }],
    ['an unknown parameter', { user: 'boss' }],
    ['an unknown outcome', { outcome: 'maybe' }],
    ['an action with a space', { action: 'auth login' }],
    ['a site that is not an id', { site: 'Xing Fu Li' }],
    ['a time that is not epoch ms', { from: 'yesterday' }],
  ])('refuses %s with 400 FM_ERR_VALIDATION', async (_case, query) => {
    const api = await startGuardedApi()
    await addUser(api, 'boss', 'admin')
    const cookies = await signIn(api, 'boss')

    expectError(await readAudit(api, cookies, query), 400, 'FM_ERR_VALIDATION')
  })
})
