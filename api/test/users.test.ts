import { ROLE_PERMISSIONS, USER_ROLES, type UserRole, type UserView } from '@fm/protocol'
import type { AuditEntry, UserRecord } from '@fm/store'
import type { InjectOptions } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { type Api, closeAll, SITE_ID } from './fixtures.ts'
import { addUser, expectError, PASSWORD, scopeFor, send, signIn, startGuardedApi } from './sign-in.ts'

afterEach(closeAll)

const NEW_PASSWORD = 'lake-view-pump-room-7'
const RESET_PASSWORD = 'night-shift-gatehouse-3'

/** Every users route, with a request that succeeds for a role that has users.manage. */
function usersRoutes(target: UserRecord, role: UserRole): { name: string; request: InjectOptions; ok: number }[] {
  return [
    { name: 'GET /api/users', request: { url: '/api/users' }, ok: 200 },
    {
      name: 'POST /api/users',
      request: {
        method: 'POST',
        url: '/api/users',
        payload: {
          username: `hired.by.${role}`,
          displayName: '新员工',
          role: 'technician',
          scope: scopeFor('technician'),
          password: NEW_PASSWORD,
        },
      },
      ok: 201,
    },
    {
      name: 'PATCH /api/users/:id',
      request: { method: 'PATCH', url: `/api/users/${target.id}`, payload: { displayName: `renamed by ${role}` } },
      ok: 200,
    },
    {
      name: 'POST /api/users/:id/password',
      request: { method: 'POST', url: `/api/users/${target.id}/password`, payload: { password: RESET_PASSWORD } },
      ok: 204,
    },
  ]
}

function auditLog(api: Api, action = 'user.'): AuditEntry[] {
  return api.store.queryAudit({ action, limit: 500 }).reverse()
}

/** Keys of before, after and detail of every entry, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, item]) => [key, ...keysOf(item)])
}

/** The whole audit log as JSON holds none of the passwords, and no entry has a key that looks like one. */
function expectNoPasswordsAudited(api: Api, passwords: string[]): void {
  const entries = api.store.queryAudit({ limit: 500 })
  const json = JSON.stringify(entries)
  for (const password of passwords) expect(json).not.toContain(password)
  for (const entry of entries) {
    expect(keysOf([entry.detail, entry.before, entry.after]).filter((key) => /password/i.test(key))).toEqual([])
  }
}

async function withAdmin() {
  const api = await startGuardedApi()
  const admin = await addUser(api, 'boss', 'admin')
  const cookies = await signIn(api, 'boss')
  return { api, admin, cookies }
}

describe('who may administer users', () => {
  it.each(USER_ROLES)('the role %s may use every users route exactly when it has users.manage', async (role) => {
    const api = await startGuardedApi()
    await addUser(api, `the.${role}`, role)
    const target = await addUser(api, 'target.user', 'viewer')
    const cookies = await signIn(api, `the.${role}`)
    const allowed = ROLE_PERMISSIONS[role].includes('users.manage')

    for (const { name, request, ok } of usersRoutes(target, role)) {
      const response = await send(api, cookies, request)
      if (allowed) expect(response.statusCode, `${name}: ${response.body}`).toBe(ok)
      else expect(expectError(response, 403, 'FM_ERR_FORBIDDEN', name)).toContain('users.manage')
    }
    if (!allowed) expect(auditLog(api)).toEqual([])
  })

  it('answers every users route 401 FM_ERR_AUTH_REQUIRED without a session, and changes nothing', async () => {
    const api = await startGuardedApi()
    const target = await addUser(api, 'target.user', 'viewer')

    for (const { name, request } of usersRoutes(target, 'viewer')) {
      expectError(await send(api, undefined, request), 401, 'FM_ERR_AUTH_REQUIRED', name)
    }
    expect(api.store.listUsers().map((user) => user.username)).toEqual(['target.user'])
    expect(api.store.getUser(target.id)?.displayName).toBe('viewer target.user')
  })

  it('answers 403 FM_ERR_PASSWORD_CHANGE_REQUIRED to an admin who must choose a new password first', async () => {
    const { api, admin, cookies } = await withAdmin()
    await api.store.setUserPassword(admin.id, 'an-admin-set-this-one', { mustChange: true })
    const again = await signIn(api, 'boss', 'an-admin-set-this-one')

    expectError(await send(api, again, { url: '/api/users' }), 403, 'FM_ERR_PASSWORD_CHANGE_REQUIRED')
    // the old session ended with the new password
    expectError(await send(api, cookies, { url: '/api/users' }), 401, 'FM_ERR_AUTH_REQUIRED')
  })
})

describe('GET /api/users', () => {
  it('lists every user by username, disabled and locked ones included, with their state and permissions', async () => {
    const { api, admin, cookies } = await withAdmin()
    const guard = await addUser(api, 'zhao.lei', 'guard')
    const technician = await addUser(api, 'li.na', 'technician')
    api.store.updateUser(guard.id, { disabled: true })
    for (let attempt = 0; attempt < 10; attempt++) await api.store.verifyUserLogin('li.na', 'not-her-password')

    const response = await send(api, cookies, { url: '/api/users' })

    expect(response.statusCode).toBe(200)
    const users = response.json<UserView[]>()
    expect(users.map((user) => user.username)).toEqual(['boss', 'li.na', 'zhao.lei'])
    expect(users[0]).toEqual({
      id: admin.id,
      username: 'boss',
      displayName: 'admin boss',
      role: 'admin',
      scope: scopeFor('admin'),
      mustChangePassword: false,
      permissions: [...ROLE_PERMISSIONS.admin],
      disabled: false,
    })
    expect(users[1]).toMatchObject({ id: technician.id, disabled: false, lockedUntil: expect.any(Number) })
    expect(users[2]).toMatchObject({ id: guard.id, disabled: true, permissions: [...ROLE_PERMISSIONS.guard] })
  })
})

describe('POST /api/users', () => {
  it('creates a user who must choose a new password at the first login, audited without the password', async () => {
    const { api, admin, cookies } = await withAdmin()
    const scope = { allSites: false, siteIds: [SITE_ID], buildingIds: ['b1'] }

    const response = await send(api, cookies, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'Wang.Jun', displayName: '王军', role: 'supervisor', scope, password: NEW_PASSWORD },
    })

    expect(response.statusCode, response.body).toBe(201)
    const created = response.json<UserView>()
    expect(created).toEqual({
      id: expect.stringMatching(/^u_[A-Za-z0-9_-]{16}$/),
      username: 'wang.jun',
      displayName: '王军',
      role: 'supervisor',
      scope,
      mustChangePassword: true,
      permissions: [...ROLE_PERMISSIONS.supervisor],
      disabled: false,
    })
    const newcomer = await signIn(api, 'wang.jun', NEW_PASSWORD)
    expectError(await send(api, newcomer, { url: '/api/audit' }), 403, 'FM_ERR_PASSWORD_CHANGE_REQUIRED')

    expect(auditLog(api)).toEqual([
      {
        id: expect.any(Number),
        ts: api.clock.now(),
        actor: { type: 'user', id: admin.id, name: 'boss' },
        action: 'user.create',
        outcome: 'ok',
        target: { type: 'user', id: created.id },
        ip: '192.0.2.20',
        after: {
          username: 'wang.jun',
          displayName: '王军',
          role: 'supervisor',
          scope,
          disabled: false,
          mustChangeAtLogin: true,
        },
      },
    ])
    expectNoPasswordsAudited(api, [NEW_PASSWORD, PASSWORD])
  })

  it.each([
    ['an unknown field', { isAdmin: true }, 'unknown property "isAdmin"'],
    ['an unknown role', { role: 'superuser' }, 'body.role'],
    ['a scope without buildingIds', { scope: { allSites: false, siteIds: [SITE_ID] } }, 'buildingIds'],
    ['an unknown field in the scope', { scope: { ...scopeFor('guard'), floors: [1] } }, 'unknown property "floors"'],
    ['a site id that is not an id', { scope: { ...scopeFor('guard'), siteIds: ['Xing Fu Li'] } }, 'siteIds'],
    ['no password', { password: undefined }, 'password'],
    ['an empty display name', { displayName: '' }, 'displayName'],
  ])('refuses %s with 400 FM_ERR_VALIDATION', async (_case, change, message) => {
    const { api, cookies } = await withAdmin()
    const payload = {
      username: 'zhao.lei',
      displayName: '赵磊',
      role: 'guard',
      scope: scopeFor('guard'),
      password: NEW_PASSWORD,
      ...change,
    }

    const response = await send(api, cookies, { method: 'POST', url: '/api/users', payload })

    expect(expectError(response, 400, 'FM_ERR_VALIDATION')).toContain(message)
    expect(api.store.getUserByUsername('zhao.lei')).toBeUndefined()
  })

  it.each([
    ['a taken username, in any case', 409, 'FM_ERR_USER_EXISTS', { username: 'BOSS' }, 'taken'],
    ['a username with a space', 400, 'FM_ERR_USER_INVALID', { username: 'zhao lei' }, 'username'],
    [
      'a guard without a site',
      400,
      'FM_ERR_USER_INVALID',
      { scope: { allSites: false, siteIds: [], buildingIds: [] } },
      'scope',
    ],
    [
      'a scope over all sites that names one',
      400,
      'FM_ERR_USER_INVALID',
      { scope: { allSites: true, siteIds: [SITE_ID], buildingIds: [] } },
      'all sites',
    ],
    ['a password of 9 characters', 400, 'FM_ERR_PASSWORD_WEAK', { password: 'short-pw9' }, 'at least 10'],
    [
      'the username as password',
      400,
      'FM_ERR_PASSWORD_WEAK',
      { password: 'ZHAO.LEI.GUARD', username: 'zhao.lei.guard' },
      'username',
    ],
    ['a common password', 400, 'FM_ERR_PASSWORD_WEAK', { password: 'woaini1314' }, 'common'],
  ])('answers %s with %i %s, audited as failed', async (_case, status, code, change, message) => {
    const { api, admin, cookies } = await withAdmin()
    const payload = {
      username: 'zhao.lei',
      displayName: '赵磊',
      role: 'guard',
      scope: scopeFor('guard'),
      password: NEW_PASSWORD,
      ...change,
    }

    const response = await send(api, cookies, { method: 'POST', url: '/api/users', payload })

    expect(expectError(response, status, code)).toContain(message)
    expect(api.store.listUsers().map((user) => user.username)).toEqual(['boss'])
    expect(auditLog(api)).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: admin.id, name: 'boss' },
        action: 'user.create',
        outcome: 'failed',
        detail: { username: payload.username, code, reason: expect.stringContaining(message) },
      }),
    ])
    expectNoPasswordsAudited(api, [payload.password, PASSWORD])
  })
})

describe('PATCH /api/users/:id', () => {
  it('changes the display name, role and scope, audited with the user before and after', async () => {
    const { api, admin, cookies } = await withAdmin()
    const user = await addUser(api, 'li.na', 'technician')
    const scope = { allSites: false, siteIds: [SITE_ID, 'cuihu'], buildingIds: [] }

    const response = await send(api, cookies, {
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      payload: { displayName: '李娜', role: 'supervisor', scope },
    })

    expect(response.statusCode, response.body).toBe(200)
    expect(response.json<UserView>()).toMatchObject({
      id: user.id,
      displayName: '李娜',
      role: 'supervisor',
      scope,
      permissions: [...ROLE_PERMISSIONS.supervisor],
    })
    expect(api.store.getUser(user.id)).toMatchObject({ displayName: '李娜', role: 'supervisor', scope })
    const before = {
      username: 'li.na',
      displayName: 'technician li.na',
      role: 'technician',
      scope: scopeFor('technician'),
      disabled: false,
      mustChangeAtLogin: false,
    }
    expect(auditLog(api)).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: admin.id, name: 'boss' },
        action: 'user.update',
        outcome: 'ok',
        target: { type: 'user', id: user.id },
        before,
        after: { ...before, displayName: '李娜', role: 'supervisor', scope },
      }),
    ])
  })

  it('disables a user, which ends their sessions and refuses their login, and enables them again', async () => {
    const { api, cookies } = await withAdmin()
    const user = await addUser(api, 'chen.jing', 'viewer')
    const theirs = await signIn(api, 'chen.jing')

    const disabled = await send(api, cookies, {
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      payload: { disabled: true },
    })

    expect(disabled.json<UserView>()).toMatchObject({ id: user.id, disabled: true })
    expectError(await send(api, theirs, { url: '/api/auth/me' }), 401, 'FM_ERR_AUTH_REQUIRED')
    const login = await send(api, undefined, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'chen.jing', password: PASSWORD },
    })
    expectError(login, 401, 'FM_ERR_AUTH_FAILED')

    await send(api, cookies, { method: 'PATCH', url: `/api/users/${user.id}`, payload: { disabled: false } })
    await signIn(api, 'chen.jing')
    expect(
      auditLog(api).map(({ before, after }) => [before, after].map((v) => (v as { disabled: boolean }).disabled)),
    ).toEqual([
      [false, true],
      [true, false],
    ])
  })

  it('does not audit a change that changes nothing', async () => {
    const { api, cookies } = await withAdmin()
    const user = await addUser(api, 'chen.jing', 'viewer')

    const response = await send(api, cookies, {
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      payload: { role: 'viewer', disabled: false },
    })

    expect(response.statusCode).toBe(200)
    expect(auditLog(api)).toEqual([])
  })

  it('refuses disabling or demoting the last enabled admin with 409 FM_ERR_USER_LAST_ADMIN, but not with another admin', async () => {
    const { api, admin, cookies } = await withAdmin()
    const demote = { role: 'supervisor', scope: scopeFor('supervisor') }

    for (const payload of [{ disabled: true }, demote]) {
      const response = await send(api, cookies, { method: 'PATCH', url: `/api/users/${admin.id}`, payload })
      expectError(response, 409, 'FM_ERR_USER_LAST_ADMIN')
    }
    expect(api.store.getUser(admin.id)).toMatchObject({ role: 'admin', disabled: false })
    expect(auditLog(api).map(({ outcome, detail }) => [outcome, detail?.code])).toEqual([
      ['failed', 'FM_ERR_USER_LAST_ADMIN'],
      ['failed', 'FM_ERR_USER_LAST_ADMIN'],
    ])

    // a disabled admin does not count
    const retired = await addUser(api, 'old.boss', 'admin')
    api.store.updateUser(retired.id, { disabled: true })
    const stillLast = await send(api, cookies, { method: 'PATCH', url: `/api/users/${admin.id}`, payload: demote })
    expectError(stillLast, 409, 'FM_ERR_USER_LAST_ADMIN')

    await addUser(api, 'new.boss', 'admin')
    const handedOver = await send(api, cookies, { method: 'PATCH', url: `/api/users/${admin.id}`, payload: demote })
    expect(handedOver.statusCode, handedOver.body).toBe(200)
    expect(api.store.getUser(admin.id)?.role).toBe('supervisor')
  })

  it.each([
    ['an empty patch', 'FM_ERR_VALIDATION', {}],
    ['an unknown field', 'FM_ERR_VALIDATION', { username: 'renamed' }],
    ['an unknown role', 'FM_ERR_VALIDATION', { role: 'owner' }],
    ['disabled as text', 'FM_ERR_VALIDATION', { disabled: 'yes' }],
    ['a scope with an unknown field', 'FM_ERR_VALIDATION', { scope: { ...scopeFor('viewer'), allBuildings: true } }],
    [
      'a role that needs a site its scope lacks',
      'FM_ERR_USER_INVALID',
      { role: 'guard', scope: { allSites: false, siteIds: [], buildingIds: [] } },
    ],
    ['a display name of control characters only', 'FM_ERR_USER_INVALID', { displayName: '\u0007' }],
  ])('refuses %s with 400 %s', async (_case, code, payload) => {
    const { api, cookies } = await withAdmin()
    const user = await addUser(api, 'chen.jing', 'viewer')

    const response = await send(api, cookies, { method: 'PATCH', url: `/api/users/${user.id}`, payload })

    expectError(response, 400, code)
    expect(api.store.getUser(user.id)).toEqual(user)
  })

  it('answers an unknown user id 404 FM_ERR_USER_NOT_FOUND and a malformed one 400 FM_ERR_VALIDATION', async () => {
    const { api, cookies } = await withAdmin()

    const unknown = await send(api, cookies, {
      method: 'PATCH',
      url: '/api/users/u_AAAAAAAAAAAAAAAA',
      payload: { disabled: true },
    })
    const malformed = await send(api, cookies, { method: 'PATCH', url: '/api/users/boss', payload: { disabled: true } })
    const reset = await send(api, cookies, {
      method: 'POST',
      url: '/api/users/u_AAAAAAAAAAAAAAAA/password',
      payload: { password: RESET_PASSWORD },
    })

    expect(expectError(unknown, 404, 'FM_ERR_USER_NOT_FOUND')).toContain('u_AAAAAAAAAAAAAAAA')
    expectError(malformed, 400, 'FM_ERR_VALIDATION')
    expectError(reset, 404, 'FM_ERR_USER_NOT_FOUND')
  })
})

describe('POST /api/users/:id/password', () => {
  it('sets a password the user must change at the next login, ends their sessions and lifts a lockout', async () => {
    const { api, admin, cookies } = await withAdmin()
    const user = await addUser(api, 'zhao.lei', 'guard')
    const theirs = await signIn(api, 'zhao.lei')
    for (let attempt = 0; attempt < 10; attempt++) await api.store.verifyUserLogin('zhao.lei', 'guessing-wrong')
    expect(api.store.getUser(user.id)?.lockedUntil).toBeDefined()

    const response = await send(api, cookies, {
      method: 'POST',
      url: `/api/users/${user.id}/password`,
      payload: { password: RESET_PASSWORD },
    })

    expect(response.statusCode, response.body).toBe(204)
    expect(response.body).toBe('')
    expectError(await send(api, theirs, { url: '/api/auth/me' }), 401, 'FM_ERR_AUTH_REQUIRED')
    const again = await signIn(api, 'zhao.lei', RESET_PASSWORD)
    const me = await send(api, again, { url: '/api/auth/me' })
    expect(me.json<UserView>().mustChangePassword).toBe(true)

    const [entry] = auditLog(api, 'user.password.reset')
    expect(entry).toMatchObject({
      actor: { type: 'user', id: admin.id, name: 'boss' },
      outcome: 'ok',
      target: { type: 'user', id: user.id },
      before: { username: 'zhao.lei', mustChangeAtLogin: false },
      after: { username: 'zhao.lei', mustChangeAtLogin: true },
    })
    expectNoPasswordsAudited(api, [RESET_PASSWORD, PASSWORD, 'guessing-wrong'])
  })

  it.each([
    ['a short password', 'FM_ERR_PASSWORD_WEAK', { password: 'zhao.lei' }],
    ['the username', 'FM_ERR_PASSWORD_WEAK', { password: 'Zhao.Lei.Guard' }],
    ['an unknown field', 'FM_ERR_VALIDATION', { password: RESET_PASSWORD, mustChange: false }],
    ['no password', 'FM_ERR_VALIDATION', {}],
  ])('refuses %s with 400 %s and keeps the old password', async (_case, code, payload) => {
    const { api, cookies } = await withAdmin()
    const user = await addUser(api, 'zhao.lei.guard', 'guard')

    const response = await send(api, cookies, { method: 'POST', url: `/api/users/${user.id}/password`, payload })

    expectError(response, 400, code)
    await signIn(api, 'zhao.lei.guard')
    expectNoPasswordsAudited(api, [PASSWORD, 'Zhao.Lei.Guard'])
  })
})

describe('OpenAPI', () => {
  it('documents the users and audit routes under their tags', async () => {
    const { api } = await withAdmin()

    const document = (await api.app.inject('/api/docs/json')).json<{
      tags: { name: string }[]
      paths: Record<string, Record<string, { tags?: string[] }>>
    }>()

    expect(document.tags.map(({ name }) => name)).toEqual(expect.arrayContaining(['users', 'audit']))
    expect(document.paths['/api/users']?.get?.tags).toEqual(['users'])
    expect(document.paths['/api/users']?.post?.tags).toEqual(['users'])
    expect(document.paths['/api/users/{id}']?.patch?.tags).toEqual(['users'])
    expect(document.paths['/api/users/{id}/password']?.post?.tags).toEqual(['users'])
    expect(document.paths['/api/audit']?.get?.tags).toEqual(['audit'])
  })
})
