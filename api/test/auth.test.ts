import {
  type ErrorResponse,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  USER_ROLES,
  type UserRole,
  type UserView,
} from '@fm/protocol'
import type { UserRecord } from '@fm/store'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import type { App } from '../src/app.ts'
import { createFirstAdmin } from '../src/auth/first-admin.ts'
import { requirePermission, requireSite } from '../src/auth/guards.ts'
import { ConfigError } from '../src/config.ts'
import { type Api, type ApiOptions, closeAll, SITE_ID, startApi } from './fixtures.ts'

afterEach(closeAll)

const PASSWORD = 'correct-horse-battery'
const LOCK_SEC = 15 * 60

/** A clock that moves only when the test says so, shared by the store and the app. */
function testClock(start = Date.UTC(2026, 0, 5, 1, 0, 0)) {
  let current = start
  return {
    now: () => current,
    advance(ms: number) {
      current += ms
    },
  }
}

/** Routes that exist only in these tests, to drive the guards through real HTTP. */
function guardedRoutes(app: App): void {
  for (const permission of PERMISSIONS) {
    app.get(`/test/can/${permission}`, { preHandler: requirePermission(permission) }, async () => ({ permission }))
  }
  app.get(
    '/test/sites/:siteId',
    { preHandler: [requirePermission('devices.read'), requireSite()] },
    async (request) => request.params,
  )
}

async function startAuthApi(options: ApiOptions = {}) {
  const clock = testClock()
  const api = await startApi({ now: clock.now, beforeReady: guardedRoutes, ...options })
  return { ...api, clock }
}

async function addUser(api: Api, username: string, role: UserRole, overrides: { siteIds?: string[] } = {}) {
  return api.store.createUser({
    username,
    displayName: `${role} ${username}`,
    role,
    scope:
      role === 'admin'
        ? { allSites: true, siteIds: [], buildingIds: [] }
        : { allSites: false, siteIds: overrides.siteIds ?? [SITE_ID], buildingIds: [] },
    password: PASSWORD,
  })
}

function login(api: Api, username: string, password: string, remoteAddress = '192.0.2.10') {
  return api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress })
}

/** Signs in and answers the session cookie, as a browser would send it back. */
async function signIn(api: Api, username: string, password = PASSWORD): Promise<Record<string, string>> {
  const response = await login(api, username, password)
  expect(response.statusCode, response.body).toBe(200)
  const cookie = response.cookies.find(({ name }) => name === 'fm_session')
  if (!cookie) throw new Error('no session cookie')
  return { fm_session: cookie.value }
}

function me(api: Api, cookies?: Record<string, string>) {
  return api.app.inject({ url: '/api/auth/me', ...(cookies ? { cookies } : {}) })
}

function changePassword(api: Api, cookies: Record<string, string>, payload: Record<string, unknown>) {
  return api.app.inject({ method: 'POST', url: '/api/auth/password', cookies, payload })
}

function auditOf(api: Api, action: string) {
  return api.store.queryAudit({ action }).reverse()
}

describe('login', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie, and /me answers the user with the permissions of the role', async () => {
    const api = await startAuthApi()
    const user = await addUser(api, 'wang.gong', 'technician')

    const response = await login(api, 'Wang.Gong', PASSWORD)

    expect(response.statusCode).toBe(200)
    const expected: UserView = {
      id: user.id,
      username: 'wang.gong',
      displayName: 'technician wang.gong',
      role: 'technician',
      scope: { allSites: false, siteIds: [SITE_ID], buildingIds: [] },
      mustChangePassword: false,
      permissions: [...ROLE_PERMISSIONS.technician],
    }
    expect(response.json()).toEqual({ user: expected })
    const cookie = response.cookies.find(({ name }) => name === 'fm_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 12 * 60 * 60 })
    expect(cookie?.secure).toBeFalsy()

    const whoAmI = await me(api, { fm_session: cookie?.value ?? '' })
    expect(whoAmI.statusCode).toBe(200)
    expect(whoAmI.json()).toEqual(expected)

    const [entry] = auditOf(api, 'auth.login')
    expect(entry).toMatchObject({
      actor: { type: 'user', id: user.id, name: 'wang.gong' },
      outcome: 'ok',
      target: { type: 'user', id: user.id },
      ip: '192.0.2.10',
    })
  })

  it('marks the cookie Secure with FM_API_SECURE_COOKIES=true (a TLS proxy in front)', async () => {
    const api = await startAuthApi({ env: { FM_API_SECURE_COOKIES: 'true' } })
    await addUser(api, 'li.si', 'viewer')

    const response = await login(api, 'li.si', PASSWORD)

    expect(response.cookies.find(({ name }) => name === 'fm_session')).toMatchObject({ secure: true, httpOnly: true })
  })

  it('answers /me without a session, or with an unknown token, with 401 FM_ERR_AUTH_REQUIRED', async () => {
    const api = await startAuthApi()

    for (const response of [await me(api), await me(api, { fm_session: 'forged-token' })]) {
      expect(response.statusCode).toBe(401)
      expect(response.json<ErrorResponse>().code).toBe('FM_ERR_AUTH_REQUIRED')
    }
  })

  it('answers a wrong password, an unknown user and a disabled account with the same 401 body, and audits why', async () => {
    const api = await startAuthApi()
    const user = await addUser(api, 'zhang.san', 'guard')
    const disabled = await addUser(api, 'left.company', 'guard')
    api.store.updateUser(disabled.id, { disabled: true })

    const wrong = await login(api, 'zhang.san', 'not-the-password')
    const unknown = await login(api, 'nobody', 'not-the-password')
    const off = await login(api, 'left.company', PASSWORD)

    for (const response of [wrong, unknown, off]) {
      expect(response.statusCode).toBe(401)
      expect(response.cookies).toEqual([])
    }
    expect(wrong.json()).toEqual({
      statusCode: 401,
      code: 'FM_ERR_AUTH_FAILED',
      error: 'Unauthorized',
      message: 'wrong username or password',
    })
    expect(unknown.body).toBe(wrong.body)
    expect(off.body).toBe(wrong.body)

    const failures = auditOf(api, 'auth.login')
    expect(failures).toMatchObject([
      {
        actor: { type: 'anonymous', name: 'zhang.san' },
        outcome: 'failed',
        target: { type: 'user', id: user.id },
        detail: { username: 'zhang.san', reason: 'wrong-password', failures: 1 },
      },
      { actor: { type: 'anonymous', name: 'nobody' }, outcome: 'failed', detail: { reason: 'unknown' } },
      { outcome: 'denied', target: { type: 'user', id: disabled.id }, detail: { reason: 'disabled' } },
    ])
    expect(JSON.stringify(failures)).not.toMatch(/not-the-password|correct-horse/)
  })

  it('locks the account after 10 wrong passwords in a row, from any address: 429 FM_ERR_AUTH_LOCKED with Retry-After, audited', async () => {
    const api = await startAuthApi()
    const user = await addUser(api, 'chen.gong', 'supervisor')

    const answers = []
    for (let attempt = 1; attempt <= 10; attempt++) {
      answers.push(await login(api, 'chen.gong', `wrong-guess-${attempt}`, `198.51.100.${attempt}`))
    }
    const rightPassword = await login(api, 'chen.gong', PASSWORD, '198.51.100.99')

    expect(answers.slice(0, 9).map((response) => response.statusCode)).toEqual(Array(9).fill(401))
    for (const locked of [answers[9], rightPassword]) {
      expect(locked?.statusCode).toBe(429)
      expect(locked?.headers['retry-after']).toBe(String(LOCK_SEC))
      expect(locked?.json<ErrorResponse>()).toMatchObject({
        code: 'FM_ERR_AUTH_LOCKED',
        message: `account locked after too many failed logins; try again in ${LOCK_SEC} s`,
      })
    }

    const attempts = auditOf(api, 'auth.login')
    expect(attempts.map((entry) => [entry.outcome, entry.detail?.reason, entry.detail?.failures])).toEqual([
      ...Array.from({ length: 10 }, (_, i) => ['failed', 'wrong-password', i + 1]),
      ['denied', 'locked', 10],
    ])
    expect(attempts.map((entry) => entry.ip)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `198.51.100.${i + 1}`),
      '198.51.100.99',
    ])
    expect(auditOf(api, 'auth.lockout')).toMatchObject([
      {
        actor: { type: 'system' },
        outcome: 'ok',
        target: { type: 'user', id: user.id },
        ip: '198.51.100.10',
        detail: { username: 'chen.gong', failures: 10, lockedUntil: api.clock.now() + LOCK_SEC * 1000 },
      },
    ])

    api.clock.advance(LOCK_SEC * 1000)
    expect((await login(api, 'chen.gong', PASSWORD)).statusCode).toBe(200)
  })

  it('rate limits the login route per client address with 429 FM_ERR_RATE_LIMITED, leaving other addresses alone', async () => {
    const api = await startAuthApi({ env: { FM_API_LOGIN_ATTEMPTS_PER_MIN: '3' } })
    await addUser(api, 'zhao.liu', 'viewer')

    const allowed = []
    for (let attempt = 0; attempt < 3; attempt++)
      allowed.push(await login(api, 'zhao.liu', 'a-wrong-password', '203.0.113.7'))
    const limited = await login(api, 'zhao.liu', PASSWORD, '203.0.113.7')
    const elsewhere = await login(api, 'zhao.liu', PASSWORD, '203.0.113.8')

    expect(allowed.map((response) => response.statusCode)).toEqual([401, 401, 401])
    expect(limited.statusCode).toBe(429)
    expect(limited.json<ErrorResponse>()).toMatchObject({ statusCode: 429, code: 'FM_ERR_RATE_LIMITED' })
    const retryAfter = Number(limited.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(elsewhere.statusCode).toBe(200)
    // the limited attempt never reached the password check
    expect(auditOf(api, 'auth.login').filter((entry) => entry.ip === '203.0.113.7')).toHaveLength(3)
    // only the login route is limited
    expect((await api.inject({ url: '/api/sites', remoteAddress: '203.0.113.7' })).statusCode).toBe(200)
  })

  it('refuses unknown or missing fields with 400 FM_ERR_VALIDATION, and never repeats the password', async () => {
    const api = await startAuthApi()

    const extra = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'secret-value-1', remember: true },
    })
    const missing = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } })

    expect(extra.statusCode).toBe(400)
    expect(extra.json<ErrorResponse>()).toMatchObject({
      code: 'FM_ERR_VALIDATION',
      message: 'body: unknown property "remember"',
    })
    expect(extra.body).not.toContain('secret-value-1')
    expect(missing.statusCode).toBe(400)
    expect(missing.json<ErrorResponse>().code).toBe('FM_ERR_VALIDATION')
  })

  it("refuses a login posted by another site's form: only a JSON body signs in", async () => {
    const api = await startAuthApi()
    await addUser(api, 'form.victim', 'viewer')
    const post = (contentType: string, payload: string) =>
      api.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': contentType }, payload })

    const form = await post('application/x-www-form-urlencoded', `username=form.victim&password=${PASSWORD}`)
    const text = await post('text/plain', JSON.stringify({ username: 'form.victim', password: PASSWORD }))

    expect(form.statusCode).toBe(415)
    expect(text.statusCode).toBe(400)
    expect([...form.cookies, ...text.cookies]).toEqual([])
  })
})

describe('logout', () => {
  it('ends the session: the old cookie no longer works, and the logout is audited', async () => {
    const api = await startAuthApi()
    const user = await addUser(api, 'sun.qi', 'guard')
    const cookies = await signIn(api, 'sun.qi')

    const response = await api.app.inject({ method: 'POST', url: '/api/auth/logout', cookies })

    expect(response.statusCode).toBe(204)
    expect(response.body).toBe('')
    const cleared = response.cookies.find(({ name }) => name === 'fm_session')
    expect(cleared?.value).toBe('')
    expect(cleared?.expires?.getTime()).toBe(0)
    expect((await me(api, cookies)).statusCode).toBe(401)
    expect(auditOf(api, 'auth.logout')).toMatchObject([
      { actor: { type: 'user', id: user.id }, outcome: 'ok', ip: '127.0.0.1' },
    ])
  })

  it('answers 204 without a session too, so that signing out twice is no error', async () => {
    const api = await startAuthApi()

    const response = await api.app.inject({ method: 'POST', url: '/api/auth/logout' })

    expect(response.statusCode).toBe(204)
    expect(auditOf(api, 'auth.logout')).toEqual([])
  })
})

describe('password change', () => {
  it('refuses a wrong current password with 400 FM_ERR_PASSWORD_CURRENT_INVALID and keeps the session', async () => {
    const api = await startAuthApi()
    await addUser(api, 'zhou.ba', 'technician')
    const cookies = await signIn(api, 'zhou.ba')

    const response = await changePassword(api, cookies, {
      currentPassword: 'not-my-password',
      newPassword: 'a-much-better-one-42',
    })

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorResponse>().code).toBe('FM_ERR_PASSWORD_CURRENT_INVALID')
    expect((await me(api, cookies)).statusCode).toBe(200)
    expect(auditOf(api, 'auth.password.change')).toMatchObject([
      { outcome: 'failed', detail: { reason: 'wrong current password' } },
    ])
  })

  it('refuses a weak new password with 400 FM_ERR_PASSWORD_WEAK, saying why', async () => {
    const api = await startAuthApi()
    await addUser(api, 'wu.jiu', 'technician')
    const cookies = await signIn(api, 'wu.jiu')

    const short = await changePassword(api, cookies, { currentPassword: PASSWORD, newPassword: 'short' })
    const common = await changePassword(api, cookies, { currentPassword: PASSWORD, newPassword: 'woaini1314' })

    expect(short.statusCode).toBe(400)
    expect(short.json<ErrorResponse>()).toMatchObject({
      code: 'FM_ERR_PASSWORD_WEAK',
      message: 'password must have at least 10 characters',
    })
    expect(common.json<ErrorResponse>().code).toBe('FM_ERR_PASSWORD_WEAK')
    expect((await login(api, 'wu.jiu', PASSWORD)).statusCode).toBe(200)
  })

  it('changes the password: every older session ends, the answer sets a fresh cookie, only the new password signs in', async () => {
    const api = await startAuthApi()
    const user = await addUser(api, 'zheng.shi', 'supervisor')
    const onThisBrowser = await signIn(api, 'zheng.shi')
    const onAnother = await signIn(api, 'zheng.shi')

    const response = await changePassword(api, onThisBrowser, {
      currentPassword: PASSWORD,
      newPassword: 'a-much-better-one-42',
    })

    expect(response.statusCode).toBe(200)
    expect(response.json<{ user: UserView }>().user).toMatchObject({ id: user.id, mustChangePassword: false })
    const fresh = response.cookies.find(({ name }) => name === 'fm_session')
    expect(fresh).toMatchObject({ httpOnly: true, sameSite: 'Lax' })
    expect((await me(api, onThisBrowser)).statusCode).toBe(401)
    expect((await me(api, onAnother)).statusCode).toBe(401)
    expect((await me(api, { fm_session: fresh?.value ?? '' })).statusCode).toBe(200)
    expect((await login(api, 'zheng.shi', PASSWORD)).statusCode).toBe(401)
    expect((await login(api, 'zheng.shi', 'a-much-better-one-42')).statusCode).toBe(200)
    const entries = auditOf(api, 'auth.password.change')
    expect(entries).toMatchObject([{ actor: { type: 'user', id: user.id }, outcome: 'ok' }])
    expect(JSON.stringify(entries)).not.toContain('a-much-better-one-42')
  })

  it('refuses unknown fields with 400 FM_ERR_VALIDATION, and anonymous requests with 401', async () => {
    const api = await startAuthApi()
    await addUser(api, 'feng.yi', 'viewer')
    const cookies = await signIn(api, 'feng.yi')

    const extra = await changePassword(api, cookies, {
      currentPassword: PASSWORD,
      newPassword: 'a-much-better-one-42',
      username: 'admin',
    })
    const anonymous = await api.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: PASSWORD, newPassword: 'a-much-better-one-42' },
    })

    expect(extra.statusCode).toBe(400)
    expect(extra.json<ErrorResponse>()).toMatchObject({
      code: 'FM_ERR_VALIDATION',
      message: 'body: unknown property "username"',
    })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json<ErrorResponse>().code).toBe('FM_ERR_AUTH_REQUIRED')
  })
})

describe('requirePermission', () => {
  it('answers 401 FM_ERR_AUTH_REQUIRED to an anonymous request', async () => {
    const api = await startAuthApi()

    for (const permission of PERMISSIONS) {
      const response = await api.app.inject(`/test/can/${permission}`)
      expect(response.statusCode, permission).toBe(401)
      expect(response.json<ErrorResponse>().code).toBe('FM_ERR_AUTH_REQUIRED')
    }
  })

  it.each(USER_ROLES)(
    'lets %s do exactly what ROLE_PERMISSIONS grants it, and 403 FM_ERR_FORBIDDEN the rest',
    async (role) => {
      const api = await startAuthApi()
      await addUser(api, `someone.${role}`, role)
      const cookies = await signIn(api, `someone.${role}`)

      const answers: Partial<Record<Permission, number>> = {}
      for (const permission of PERMISSIONS) {
        const response = await api.app.inject({ url: `/test/can/${permission}`, cookies })
        answers[permission] = response.statusCode
        if (response.statusCode === 403) {
          expect(response.json<ErrorResponse>()).toMatchObject({
            code: 'FM_ERR_FORBIDDEN',
            message: `permission "${permission}" required`,
          })
        }
      }

      const granted = new Set<Permission>(ROLE_PERMISSIONS[role])
      expect(answers).toEqual(Object.fromEntries(PERMISSIONS.map((p) => [p, granted.has(p) ? 200 : 403])))
    },
  )

  it('answers 403 FM_ERR_PASSWORD_CHANGE_REQUIRED until a user who must change their password has', async () => {
    const api = await startAuthApi()
    const user = await addUser(api, 'new.hire', 'viewer')
    await api.store.setUserPassword(user.id, 'set-by-the-admin-1', { mustChange: true })
    const cookies = await signIn(api, 'new.hire', 'set-by-the-admin-1')

    const before = await api.app.inject({ url: '/test/can/devices.read', cookies })
    const whoAmI = await me(api, cookies)
    const change = await changePassword(api, cookies, {
      currentPassword: 'set-by-the-admin-1',
      newPassword: 'chosen-by-myself-7',
    })
    const fresh = { fm_session: change.cookies.find(({ name }) => name === 'fm_session')?.value ?? '' }
    const after = await api.app.inject({ url: '/test/can/devices.read', cookies: fresh })

    expect(before.statusCode).toBe(403)
    expect(before.json<ErrorResponse>().code).toBe('FM_ERR_PASSWORD_CHANGE_REQUIRED')
    expect(whoAmI.json<UserView>().mustChangePassword).toBe(true)
    expect(change.statusCode).toBe(200)
    expect(after.statusCode).toBe(200)
  })
})

describe('requireSite', () => {
  it('answers 403 FM_ERR_SCOPE_FORBIDDEN for a site outside the scope, and lets allSites in everywhere', async () => {
    const api = await startAuthApi()
    await addUser(api, 'local.guard', 'guard', { siteIds: [SITE_ID] })
    await addUser(api, 'head.office', 'admin')
    const guard = await signIn(api, 'local.guard')
    const admin = await signIn(api, 'head.office')

    const own = await api.app.inject({ url: `/test/sites/${SITE_ID}`, cookies: guard })
    const other = await api.app.inject({ url: '/test/sites/cuihu', cookies: guard })
    const anywhere = await api.app.inject({ url: '/test/sites/cuihu', cookies: admin })

    expect(own.statusCode).toBe(200)
    expect(other.statusCode).toBe(403)
    expect(other.json<ErrorResponse>()).toMatchObject({
      code: 'FM_ERR_SCOPE_FORBIDDEN',
      message: 'site "cuihu" is outside your scope',
    })
    expect(anywhere.statusCode).toBe(200)
  })
})

describe('the first admin', () => {
  function output() {
    const printed: string[] = []
    const logged: string[] = []
    const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(line) })
    return { printed, logged, out: { logger, print: (text: string) => printed.push(text) } }
  }

  it('is created on the first start with a generated password, printed once in a box and never logged', async () => {
    const api = await startAuthApi()
    const { printed, logged, out } = output()

    const first = await createFirstAdmin(api.store, undefined, out)
    const second = await createFirstAdmin(api.store, undefined, out)

    if (!first.created) throw new Error('no admin was created')
    expect(first).toMatchObject({ username: 'admin', generated: true })
    expect(second).toEqual({ created: false })
    expect(printed).toHaveLength(1)
    const [notice = ''] = printed
    expect(notice).toContain(`密码 / password:    ${first.password}`)
    expect(notice).toContain('请立即以 admin 登录仪表盘并修改此密码')
    expect(notice).toContain('Sign in to the dashboard as admin and change this password now.')
    const frame = notice.trim().split('\n')
    expect(frame.at(0)).toMatch(/^\+-+\+$/)
    expect(frame.at(-1)).toBe(frame.at(0))
    expect(logged).toHaveLength(1)
    expect(JSON.parse(logged[0] ?? '{}')).toMatchObject({ msg: 'created the first admin user', username: 'admin' })
    expect(logged.join('\n')).not.toContain(first.password)

    const cookies = await signIn(api, 'admin', first.password)
    const whoAmI = (await me(api, cookies)).json<UserView>()
    expect(whoAmI).toMatchObject({ role: 'admin', mustChangePassword: true, permissions: [...PERMISSIONS] })
  })

  it('takes FM_ADMIN_PASSWORD when set, and prints nothing', async () => {
    const api = await startAuthApi()
    const { printed, logged, out } = output()

    const result = await createFirstAdmin(api.store, 'chosen-by-the-operator', out)

    expect(result).toMatchObject({ created: true, generated: false })
    expect(printed).toEqual([])
    expect(logged.join('\n')).not.toContain('chosen-by-the-operator')
    const cookies = await signIn(api, 'admin', 'chosen-by-the-operator')
    expect((await me(api, cookies)).json<UserView>().mustChangePassword).toBe(false)
  })

  it('refuses to start with a FM_ADMIN_PASSWORD the password policy refuses', async () => {
    const api = await startAuthApi()
    const { printed, out } = output()

    const attempt = createFirstAdmin(api.store, 'admin12345', out)

    await expect(attempt).rejects.toBeInstanceOf(ConfigError)
    await expect(attempt).rejects.toThrow(/FM_ADMIN_PASSWORD: password is one of the most common passwords/)
    expect(printed).toEqual([])
    expect(api.store.listUsers()).toEqual([])
  })

  it('leaves an existing admin alone', async () => {
    const api = await startAuthApi()
    const existing: UserRecord = await addUser(api, 'boss', 'admin')
    const { printed, out } = output()

    expect(await createFirstAdmin(api.store, 'chosen-by-the-operator', out)).toEqual({ created: false })
    expect(api.store.listUsers().map((user) => user.id)).toEqual([existing.id])
    expect(printed).toEqual([])
  })
})
