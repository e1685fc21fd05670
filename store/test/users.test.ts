import type { UserScope } from '@fm/protocol'
import { describe, expect, test } from 'vitest'
import { LOGIN_LOCK_MS, LOGIN_MAX_FAILURES, type NewUser, type Store, UserError } from '../src/index.ts'
import { openUserStore, T0 } from './fixtures.ts'

const XINGFULI: UserScope = { allSites: false, siteIds: ['xingfuli'], buildingIds: [] }
const PASSWORD = 'shui-beng-fang-7'

function technician(overrides: Partial<NewUser> = {}): NewUser {
  return {
    username: 'Wang.Gong',
    displayName: '王工',
    role: 'technician',
    scope: XINGFULI,
    password: PASSWORD,
    ...overrides,
  }
}

/** The `UserError` code `action` was refused with. */
async function refusal(action: () => unknown): Promise<string> {
  try {
    await action()
  } catch (error) {
    if (error instanceof UserError) return error.code
    throw error
  }
  throw new Error('was not refused')
}

async function failLogins(store: Store, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await store.verifyUserLogin('wang.gong', 'not-the-password')
}

describe('createUser', () => {
  test('creates a user under a lower-cased username, found by id and in any case', async () => {
    const { store } = openUserStore()

    const user = await store.createUser(technician())

    expect(user).toEqual({
      id: expect.stringMatching(/^u_[A-Za-z0-9_-]{16}$/),
      username: 'wang.gong',
      displayName: '王工',
      role: 'technician',
      scope: XINGFULI,
      disabled: false,
      mustChangePassword: false,
      createdAt: T0,
      updatedAt: T0,
      passwordChangedAt: T0,
    })
    expect(store.getUser(user.id)).toEqual(user)
    expect(store.getUserByUsername('WANG.gong')).toEqual(user)
    expect(store.getUser('u_nobody')).toBeUndefined()
    expect(store.getUserByUsername('li.gong')).toBeUndefined()
  })

  test('lists every user by username, and keeps Chinese display names and building scopes', async () => {
    const { store } = openUserStore()
    await store.createUser(technician({ username: 'zhang.bao', displayName: '张保安 (东门岗亭)', role: 'guard' }))
    await store.createUser(technician())
    await store.createUser(
      technician({
        username: 'li.jingli',
        displayName: '李经理',
        role: 'supervisor',
        scope: { allSites: false, siteIds: ['xingfuli', 'xingfuli'], buildingIds: ['b1'] },
        mustChangePassword: true,
      }),
    )

    const users = store.listUsers()

    expect(users.map((user) => user.username)).toEqual(['li.jingli', 'wang.gong', 'zhang.bao'])
    expect(users[0]).toMatchObject({
      displayName: '李经理',
      mustChangePassword: true,
      scope: { allSites: false, siteIds: ['xingfuli'], buildingIds: ['b1'] },
    })
    expect(users[2]?.displayName).toBe('张保安 (东门岗亭)')
  })

  test('refuses a username taken in another case with FM_ERR_USER_EXISTS', async () => {
    const { store } = openUserStore()
    await store.createUser(technician())

    expect(await refusal(() => store.createUser(technician({ username: 'WANG.GONG' })))).toBe('FM_ERR_USER_EXISTS')
    expect(store.listUsers()).toHaveLength(1)
  })

  test('refuses two concurrent creations of one username, once', async () => {
    const { store } = openUserStore()

    const results = await Promise.allSettled([store.createUser(technician()), store.createUser(technician())])

    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(store.listUsers()).toHaveLength(1)
  })

  const invalid: { name: string; input: Partial<NewUser> }[] = [
    { name: 'a username of 2 characters', input: { username: 'wg' } },
    { name: 'a username of 65 characters', input: { username: 'w'.repeat(65) } },
    { name: 'a username with a space', input: { username: 'wang gong' } },
    { name: 'a username in Chinese', input: { username: '王工' } },
    { name: 'an empty display name', input: { displayName: '  ' } },
    { name: 'a display name of 65 characters', input: { displayName: '王'.repeat(65) } },
    { name: 'a display name with a control character', input: { displayName: '王工\u0007' } },
    { name: 'a display name with a text-direction override', input: { displayName: '王工\u202E' } },
    { name: 'an unknown role', input: { role: 'root' as NewUser['role'] } },
    { name: 'a technician without a site', input: { scope: { allSites: false, siteIds: [], buildingIds: [] } } },
    { name: 'a malformed site id', input: { scope: { allSites: false, siteIds: ['Xing Fu Li'], buildingIds: [] } } },
    {
      name: 'a malformed building id',
      input: { scope: { allSites: false, siteIds: ['xingfuli'], buildingIds: ['1栋'] } },
    },
    { name: 'all sites and a site list', input: { scope: { allSites: true, siteIds: ['xingfuli'], buildingIds: [] } } },
    { name: 'a scope that is not an object', input: { scope: null as unknown as UserScope } },
  ]

  test.for(invalid)('refuses $name with FM_ERR_USER_INVALID', async ({ input }) => {
    const { store } = openUserStore()

    expect(await refusal(() => store.createUser(technician(input)))).toBe('FM_ERR_USER_INVALID')
    expect(store.listUsers()).toEqual([])
  })

  test('lets an admin have no site: admins manage users and devices everywhere', async () => {
    const { store } = openUserStore()
    const scope = { allSites: false, siteIds: [], buildingIds: [] }

    const admin = await store.createUser(technician({ username: 'ops', role: 'admin', scope }))

    expect(admin.scope).toEqual(scope)
  })

  const weak = [
    { name: '9 characters', password: 'abcdefgh9' },
    { name: 'the username in another case', password: 'WANG.GONG.01', username: 'wang.gong.01' },
    { name: 'a most common password', password: 'Password123' },
    { name: 'a common Chinese one', password: 'woaini1314' },
    { name: 'more than 256 characters', password: 'x'.repeat(257) },
    { name: 'a NUL byte', password: 'long-enough-pass\u0000' },
    { name: 'a line break', password: 'long-enough\npass' },
  ]

  test.for(weak)('refuses a password of $name with FM_ERR_PASSWORD_WEAK', async ({ password, username }) => {
    const { store } = openUserStore()

    const code = await refusal(() => store.createUser(technician({ password, ...(username ? { username } : {}) })))

    expect(code).toBe('FM_ERR_PASSWORD_WEAK')
  })

  test('reports a refusal as a UserError that says what to fix', async () => {
    const { store } = openUserStore()

    const attempt = store.createUser(technician({ password: 'short' }))

    await expect(attempt).rejects.toThrow(UserError)
    await expect(attempt).rejects.toMatchObject({
      name: 'UserError',
      code: 'FM_ERR_PASSWORD_WEAK',
      message: 'password must have at least 10 characters',
    })
  })
})

describe('updateUser', () => {
  test('changes display name, role and scope, and records when', async () => {
    const { store, clock } = openUserStore()
    const user = await store.createUser(technician())
    clock.advance(60_000)

    const updated = store.updateUser(user.id, {
      displayName: '王建国',
      role: 'supervisor',
      scope: { allSites: true, siteIds: [], buildingIds: [] },
    })

    expect(updated).toEqual({
      ...user,
      displayName: '王建国',
      role: 'supervisor',
      scope: { allSites: true, siteIds: [], buildingIds: [] },
      updatedAt: T0 + 60_000,
    })
    expect(store.getUser(user.id)).toEqual(updated)
  })

  test('leaves updatedAt alone when nothing changes, and answers undefined for an unknown user', async () => {
    const { store, clock } = openUserStore()
    const user = await store.createUser(technician())
    clock.advance(60_000)

    expect(store.updateUser(user.id, { displayName: '王工', role: 'technician' })).toEqual(user)
    expect(store.updateUser('u_nobody', { disabled: true })).toBeUndefined()
  })

  test('refuses a role that needs a scope the user does not have, and changes nothing', async () => {
    const { store } = openUserStore()
    const ops = await store.createUser(
      technician({ username: 'ops', role: 'admin', scope: { allSites: false, siteIds: [], buildingIds: [] } }),
    )
    await store.createUser(technician({ username: 'root', role: 'admin' }))

    expect(await refusal(() => store.updateUser(ops.id, { role: 'guard' }))).toBe('FM_ERR_USER_INVALID')
    expect(await refusal(() => store.updateUser(ops.id, { displayName: '' }))).toBe('FM_ERR_USER_INVALID')
    expect(store.getUser(ops.id)).toEqual(ops)
  })

  test('disabling revokes the sessions of the user, and only theirs', async () => {
    const { store } = openUserStore()
    const user = await store.createUser(technician())
    const other = await store.createUser(technician({ username: 'li.gong' }))
    const { token } = store.createSession(user.id)
    const { token: otherToken } = store.createSession(other.id)

    expect(store.updateUser(user.id, { disabled: true })?.disabled).toBe(true)

    expect(store.getSession(token)).toBeUndefined()
    expect(store.getSession(otherToken)?.user.id).toBe(other.id)
    expect(store.updateUser(user.id, { disabled: false })?.disabled).toBe(false)
    expect(store.getSession(token)).toBeUndefined()
  })

  test('keeps one enabled admin: the last one can be neither disabled nor demoted', async () => {
    const { store } = openUserStore()
    const admin = await store.createUser(technician({ username: 'root', role: 'admin' }))

    expect(await refusal(() => store.updateUser(admin.id, { disabled: true }))).toBe('FM_ERR_USER_INVALID')
    expect(await refusal(() => store.updateUser(admin.id, { role: 'supervisor' }))).toBe('FM_ERR_USER_INVALID')

    const second = await store.createUser(technician({ username: 'ops', role: 'admin' }))
    expect(store.updateUser(admin.id, { role: 'supervisor' })?.role).toBe('supervisor')
    expect(await refusal(() => store.updateUser(second.id, { disabled: true }))).toBe('FM_ERR_USER_INVALID')
  })
})

describe('verifyUserLogin', () => {
  test('admits the right password under any case of the username', async () => {
    const { store } = openUserStore()
    const user = await store.createUser(technician())

    expect(await store.verifyUserLogin('Wang.Gong', PASSWORD)).toEqual({ ok: true, user })
  })

  test('refuses a wrong password and counts it', async () => {
    const { store } = openUserStore()
    const user = await store.createUser(technician())

    expect(await store.verifyUserLogin('wang.gong', 'shui-beng-fang-8')).toEqual({
      ok: false,
      reason: 'wrong-password',
      user,
      failures: 1,
    })
    expect(await store.verifyUserLogin('wang.gong', '')).toMatchObject({ reason: 'wrong-password', failures: 2 })
  })

  test('refuses an unknown username without naming a user', async () => {
    const { store } = openUserStore()
    await store.createUser(technician())

    expect(await store.verifyUserLogin('li.gong', PASSWORD)).toEqual({ ok: false, reason: 'unknown' })
    expect(await store.verifyUserLogin('', '')).toEqual({ ok: false, reason: 'unknown' })
  })

  test(`locks the account for 15 minutes after ${LOGIN_MAX_FAILURES} wrong passwords in a row, even against the right one`, async () => {
    const { store, clock } = openUserStore()
    await store.createUser(technician())
    await failLogins(store, LOGIN_MAX_FAILURES - 1)
    clock.advance(1000)

    const tenth = await store.verifyUserLogin('wang.gong', 'not-the-password')

    expect(tenth).toMatchObject({
      ok: false,
      reason: 'wrong-password',
      failures: 10,
      lockedUntil: T0 + 1000 + LOGIN_LOCK_MS,
    })
    expect(store.getUserByUsername('wang.gong')?.lockedUntil).toBe(T0 + 1000 + LOGIN_LOCK_MS)
    clock.advance(LOGIN_LOCK_MS - 1)
    expect(await store.verifyUserLogin('wang.gong', PASSWORD)).toMatchObject({
      ok: false,
      reason: 'locked',
      lockedUntil: T0 + 1000 + LOGIN_LOCK_MS,
      user: { username: 'wang.gong' },
    })
    expect(await store.verifyUserLogin('wang.gong', 'not-the-password')).toMatchObject({ reason: 'locked' })

    clock.advance(1)
    expect(store.getUserByUsername('wang.gong')?.lockedUntil).toBeUndefined()
    const unlocked = await store.verifyUserLogin('wang.gong', PASSWORD)
    expect(unlocked.ok).toBe(true)
    expect(unlocked.ok && unlocked.user.lockedUntil).toBeUndefined()
  })

  test('counts afresh once a lock has run out', async () => {
    const { store, clock } = openUserStore()
    await store.createUser(technician())
    await failLogins(store, LOGIN_MAX_FAILURES)
    clock.advance(LOGIN_LOCK_MS)

    expect(await store.verifyUserLogin('wang.gong', 'not-the-password')).toMatchObject({
      reason: 'wrong-password',
      failures: 1,
    })
  })

  test('a success resets the count of wrong passwords', async () => {
    const { store } = openUserStore()
    await store.createUser(technician())
    await failLogins(store, LOGIN_MAX_FAILURES - 1)

    expect((await store.verifyUserLogin('wang.gong', PASSWORD)).ok).toBe(true)
    await failLogins(store, LOGIN_MAX_FAILURES - 2)
    expect(await store.verifyUserLogin('wang.gong', 'not-the-password')).toMatchObject({
      reason: 'wrong-password',
      failures: LOGIN_MAX_FAILURES - 1,
    })
    expect((await store.verifyUserLogin('wang.gong', PASSWORD)).ok).toBe(true)
  })

  test('concurrent guesses, all hashed before the lock, count only up to the lock', async () => {
    const { store } = openUserStore()
    await store.createUser(technician())

    const guesses = Array.from({ length: 14 }, (_, i) => `guess-number-${i}`)
    const results = await Promise.all(guesses.map((guess) => store.verifyUserLogin('wang.gong', guess)))

    const reasons = results.map((result) => (result.ok ? 'ok' : result.reason))
    expect(reasons.filter((reason) => reason === 'wrong-password')).toHaveLength(LOGIN_MAX_FAILURES)
    expect(reasons.filter((reason) => reason === 'locked')).toHaveLength(4)
    expect(await store.verifyUserLogin('wang.gong', PASSWORD)).toMatchObject({ reason: 'locked' })
  })

  test('answers "disabled" for a disabled user only after the right password', async () => {
    const { store } = openUserStore()
    const user = await store.createUser(technician())
    store.updateUser(user.id, { disabled: true })

    expect(await store.verifyUserLogin('wang.gong', PASSWORD)).toMatchObject({
      ok: false,
      reason: 'disabled',
      user: { id: user.id, disabled: true },
    })
    expect(await store.verifyUserLogin('wang.gong', 'not-the-password')).toMatchObject({ reason: 'wrong-password' })
  })

  test('never returns the password hash', async () => {
    const { store } = openUserStore()
    await store.createUser(technician())

    const result = await store.verifyUserLogin('wang.gong', PASSWORD)

    expect(JSON.stringify(result)).not.toMatch(/scrypt|hash/i)
  })
})

describe('setUserPassword', () => {
  test('replaces the password, revokes every session of the user and records when', async () => {
    const { store, clock } = openUserStore()
    const user = await store.createUser(technician())
    const sessions = [store.createSession(user.id), store.createSession(user.id)]
    clock.advance(5000)

    expect(await store.setUserPassword(user.id, 'xin-mi-ma-2025')).toBe(true)

    expect(sessions.map(({ token }) => store.getSession(token))).toEqual([undefined, undefined])
    expect((await store.verifyUserLogin('wang.gong', PASSWORD)).ok).toBe(false)
    expect(await store.verifyUserLogin('wang.gong', 'xin-mi-ma-2025')).toMatchObject({
      ok: true,
      user: { passwordChangedAt: T0 + 5000, updatedAt: T0 + 5000, mustChangePassword: false },
    })
  })

  test('lifts a lockout, and asks for a new password at the next login when an admin sets it', async () => {
    const { store } = openUserStore()
    const user = await store.createUser(technician())
    await failLogins(store, LOGIN_MAX_FAILURES)

    expect(await store.setUserPassword(user.id, 'chong-zhi-mi-ma-1', { mustChange: true })).toBe(true)

    expect(await store.verifyUserLogin('wang.gong', 'chong-zhi-mi-ma-1')).toMatchObject({
      ok: true,
      user: { mustChangePassword: true },
    })
  })

  test('refuses a weak password and keeps the old one; answers false for an unknown user', async () => {
    const { store } = openUserStore()
    const user = await store.createUser(technician())

    expect(await refusal(() => store.setUserPassword(user.id, 'wang.gong'))).toBe('FM_ERR_PASSWORD_WEAK')
    expect(await refusal(() => store.setUserPassword(user.id, '1234567890'))).toBe('FM_ERR_PASSWORD_WEAK')
    expect((await store.verifyUserLogin('wang.gong', PASSWORD)).ok).toBe(true)
    expect(await store.setUserPassword('u_nobody', 'xin-mi-ma-2025')).toBe(false)
  })
})

describe('ensureFirstAdmin', () => {
  test('creates admin with a generated password that must be changed, returned once', async () => {
    const { store } = openUserStore()

    const result = await store.ensureFirstAdmin()

    expect(result).toEqual({
      created: true,
      username: 'admin',
      password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      generated: true,
    })
    expect(store.getUserByUsername('admin')).toMatchObject({
      displayName: '管理员',
      role: 'admin',
      scope: { allSites: true, siteIds: [], buildingIds: [] },
      mustChangePassword: true,
    })
    const password = result.created ? result.password : ''
    expect((await store.verifyUserLogin('admin', password)).ok).toBe(true)
  })

  test('creates admin with the given password, to be kept', async () => {
    const { store } = openUserStore()

    expect(await store.ensureFirstAdmin('kong-zhi-shi-2025')).toEqual({
      created: true,
      username: 'admin',
      password: 'kong-zhi-shi-2025',
      generated: false,
    })
    expect(store.getUserByUsername('admin')?.mustChangePassword).toBe(false)
  })

  test('is idempotent, also when called concurrently', async () => {
    const { store } = openUserStore()

    const results = await Promise.all([store.ensureFirstAdmin(), store.ensureFirstAdmin(), store.ensureFirstAdmin()])

    expect(results.filter((result) => result.created)).toHaveLength(1)
    expect(await store.ensureFirstAdmin()).toEqual({ created: false })
    expect(store.listUsers()).toHaveLength(1)
  })

  test('creates nothing when an admin of another name exists', async () => {
    const { store } = openUserStore()
    await store.createUser(technician({ username: 'root', role: 'admin' }))

    expect(await store.ensureFirstAdmin()).toEqual({ created: false })
    expect(store.getUserByUsername('admin')).toBeUndefined()
  })

  test('refuses a weak given password', async () => {
    const { store } = openUserStore()

    expect(await refusal(() => store.ensureFirstAdmin('admin12345'))).toBe('FM_ERR_PASSWORD_WEAK')
    expect(store.listUsers()).toEqual([])
  })
})
