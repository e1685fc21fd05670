import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { describe, expect, onTestFinished, test } from 'vitest'
import {
  dataFiles,
  SESSION_IDLE_MS,
  SESSION_TOUCH_MS,
  SESSION_TTL_MS,
  type Store,
  UserError,
  type UserRecord,
} from '../src/index.ts'
import { openUserStore, T0 } from './fixtures.ts'

const HOUR_MS = 60 * 60 * 1000

function createGuard(store: Store, username = 'zhang.bao'): Promise<UserRecord> {
  return store.createUser({
    username,
    displayName: '张保安',
    role: 'guard',
    scope: { allSites: false, siteIds: ['xingfuli'], buildingIds: [] },
    password: 'dong-men-gang-ting',
  })
}

/** The sessions table as another process would read it. */
function sessionRows(dir: string): Record<string, unknown>[] {
  const db = new Database(dataFiles(dir).operational, { readonly: true })
  onTestFinished(() => {
    db.close()
  })
  return db.prepare<[], Record<string, unknown>>('SELECT * FROM sessions ORDER BY created_at').all()
}

describe('createSession and getSession', () => {
  test('hand out a 32-byte token once, and find the session and its user by it', async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)

    const { token, session } = store.createSession(guard.id, { ip: '10.0.8.21', userAgent: 'Mozilla/5.0 (X11)' })

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(session).toEqual({
      id: expect.stringMatching(/^s_[A-Za-z0-9_-]{16}$/),
      userId: guard.id,
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + SESSION_TTL_MS,
      ip: '10.0.8.21',
      userAgent: 'Mozilla/5.0 (X11)',
    })
    expect(store.getSession(token)).toEqual({ session, user: guard })
  })

  test('keep only the SHA-256 of the token, never the token itself', async () => {
    const { store, dir } = openUserStore()
    const guard = await createGuard(store)
    const { token } = store.createSession(guard.id)

    const [row] = sessionRows(dir)

    expect(row?.token_hash).toEqual(createHash('sha256').update(token).digest())
    const stored = JSON.stringify(row, (_key, value: unknown) =>
      Buffer.isBuffer(value) ? value.toString('base64url') : value,
    )
    expect(stored).not.toContain(token)
    expect(stored).not.toContain(Buffer.from(token, 'base64url').toString('hex'))
  })

  test('answer undefined for an unknown, empty or overlong token', async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)
    const { token } = store.createSession(guard.id)

    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    expect(store.getSession(altered)).toBeUndefined()
    expect(store.getSession('')).toBeUndefined()
    expect(store.getSession(token.repeat(10))).toBeUndefined()
  })

  test('refuse a session for an unknown or disabled user', async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)
    store.updateUser(guard.id, { disabled: true })

    expect(() => store.createSession('u_nobody')).toThrow(UserError)
    expect(() => store.createSession(guard.id)).toThrow(/disabled/)
  })

  test('refuse a ttlMs that is not a positive integer', async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)

    expect(() => store.createSession(guard.id, { ttlMs: 0 })).toThrow(RangeError)
    expect(() => store.createSession(guard.id, { ttlMs: Number.POSITIVE_INFINITY })).toThrow(RangeError)
  })

  test('cut an oversized user agent to 512 characters', async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)

    const { session } = store.createSession(guard.id, { userAgent: 'x'.repeat(10_000) })

    expect(session.userAgent).toHaveLength(512)
  })
})

describe('session lifetime', () => {
  test(`ends ${SESSION_TTL_MS / HOUR_MS} h after creation however active the user is`, async () => {
    const { store, clock } = openUserStore()
    const guard = await createGuard(store)
    const { token } = store.createSession(guard.id)

    for (let hour = 1; hour < 12; hour++) {
      clock.advance(HOUR_MS)
      expect(store.getSession(token), `after ${hour} h`).toBeDefined()
    }
    clock.advance(HOUR_MS - 1)
    expect(store.getSession(token)).toBeDefined()
    clock.advance(1)
    expect(store.getSession(token)).toBeUndefined()
  })

  test('ends at the given ttlMs', async () => {
    const { store, clock } = openUserStore()
    const guard = await createGuard(store)
    const { token, session } = store.createSession(guard.id, { ttlMs: 30 * 60 * 1000 })

    expect(session.expiresAt).toBe(T0 + 30 * 60 * 1000)
    clock.advance(30 * 60 * 1000)
    expect(store.getSession(token)).toBeUndefined()
  })

  test(`ends after ${SESSION_IDLE_MS / HOUR_MS} h without a request`, async () => {
    const { store, clock } = openUserStore()
    const guard = await createGuard(store)
    const { token } = store.createSession(guard.id)

    clock.advance(SESSION_IDLE_MS - 1)
    expect(store.getSession(token)?.session.lastSeenAt).toBe(T0 + SESSION_IDLE_MS - 1)
    clock.advance(SESSION_IDLE_MS - 1)
    expect(store.getSession(token)).toBeDefined()
    clock.advance(SESSION_IDLE_MS)
    expect(store.getSession(token)).toBeUndefined()
  })

  test('records activity at most once a minute', async () => {
    const { store, clock, dir } = openUserStore()
    const guard = await createGuard(store)
    const { token } = store.createSession(guard.id)

    clock.advance(SESSION_TOUCH_MS - 1)
    expect(store.getSession(token)?.session.lastSeenAt).toBe(T0)
    expect(sessionRows(dir)[0]?.last_seen_at).toBe(T0)

    clock.advance(1)
    expect(store.getSession(token)?.session.lastSeenAt).toBe(T0 + SESSION_TOUCH_MS)
    expect(sessionRows(dir)[0]?.last_seen_at).toBe(T0 + SESSION_TOUCH_MS)
  })

  test('ended sessions are deleted when met, and in passing when another session is created', async () => {
    const { store, clock, dir } = openUserStore()
    const guard = await createGuard(store)
    const first = store.createSession(guard.id)
    store.createSession(guard.id)
    store.createSession(guard.id)
    clock.advance(SESSION_IDLE_MS)

    expect(store.getSession(first.token)).toBeUndefined()
    expect(sessionRows(dir)).toHaveLength(2)

    const fresh = store.createSession(guard.id)
    expect(sessionRows(dir).map((row) => row.id)).toEqual([fresh.session.id])
  })

  test('ends when its user is disabled, and stays ended when the user is enabled again', async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)
    const { token } = store.createSession(guard.id)

    store.updateUser(guard.id, { disabled: true })
    store.updateUser(guard.id, { disabled: false })

    expect(store.getSession(token)).toBeUndefined()
  })

  test('is refused for a disabled user even if nothing revoked it (a user disabled by hand in the database)', async () => {
    const { store, dir } = openUserStore()
    const guard = await createGuard(store)
    const { token } = store.createSession(guard.id)
    const db = new Database(dataFiles(dir).operational)
    db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(guard.id)
    db.close()

    expect(store.getSession(token)).toBeUndefined()
  })

  test('carries the user as it is now: a change of role applies at the next request', async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)
    const { token } = store.createSession(guard.id)

    store.updateUser(guard.id, { role: 'viewer' })

    expect(store.getSession(token)?.user.role).toBe('viewer')
  })
})

describe('revoking sessions', () => {
  test('revokeSession ends that session only, once', async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)
    const desk = store.createSession(guard.id)
    const phone = store.createSession(guard.id)

    expect(store.revokeSession(desk.token)).toBe(true)

    expect(store.getSession(desk.token)).toBeUndefined()
    expect(store.getSession(phone.token)).toBeDefined()
    expect(store.revokeSession(desk.token)).toBe(false)
    expect(store.revokeSession('')).toBe(false)
  })

  test("revokeUserSessions ends every session of the user and no one else's", async () => {
    const { store } = openUserStore()
    const guard = await createGuard(store)
    const other = await createGuard(store, 'li.bao')
    const tokens = [store.createSession(guard.id), store.createSession(guard.id)].map(({ token }) => token)
    const { token: otherToken } = store.createSession(other.id)

    expect(store.revokeUserSessions(guard.id)).toBe(2)

    expect(tokens.map((token) => store.getSession(token))).toEqual([undefined, undefined])
    expect(store.getSession(otherToken)?.user.username).toBe('li.bao')
    expect(store.revokeUserSessions(guard.id)).toBe(0)
  })
})
