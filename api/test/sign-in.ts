/**
 * People for the tests of guarded routes: users made in the real store, signed in through the real
 * `POST /api/auth/login`, and the session cookie a browser would send back.
 */
import type { ErrorResponse, UserRole, UserScope } from '@fm/protocol'
import type { UserRecord } from '@fm/store'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import { type Api, type ApiOptions, SITE_ID, startApi } from './fixtures.ts'

export const PASSWORD = 'correct-horse-battery'

export type Cookies = Record<string, string>

/** A clock that moves only when the test says so, shared by the store and the app. */
export function testClock(start = Date.UTC(2026, 0, 5, 1, 0, 0)) {
  let current = start
  return {
    now: () => current,
    advance(ms: number) {
      current += ms
    },
  }
}

/**
 * The api with a test clock, and a login rate limit high enough for a test that signs in every role: the limit
 * itself is tested in auth.test.ts.
 */
export async function startGuardedApi(options: ApiOptions = {}) {
  const clock = testClock()
  const api = await startApi({
    now: clock.now,
    ...options,
    env: { FM_API_LOGIN_ATTEMPTS_PER_MIN: '1000', ...options.env },
  })
  return { ...api, clock }
}

/** Admins over all sites, everyone else over `siteIds` (default the fixtures' compound). */
export function scopeFor(role: UserRole, siteIds: string[] = [SITE_ID]): UserScope {
  return role === 'admin'
    ? { allSites: true, siteIds: [], buildingIds: [] }
    : { allSites: false, siteIds, buildingIds: [] }
}

export function addUser(
  api: Api,
  username: string,
  role: UserRole,
  scope: UserScope = scopeFor(role),
): Promise<UserRecord> {
  return api.store.createUser({ username, displayName: `${role} ${username}`, role, scope, password: PASSWORD })
}

/** Signs in through the login route and answers the session cookie. */
export async function signIn(api: Api, username: string, password = PASSWORD): Promise<Cookies> {
  const response = await api.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: '192.0.2.10',
  })
  expect(response.statusCode, response.body).toBe(200)
  const cookie = response.cookies.find(({ name }) => name === 'fm_session')
  if (!cookie) throw new Error('no session cookie')
  return { fm_session: cookie.value }
}

/** A request as `cookies` (anonymous when undefined), from a fixed client address. */
export function send(api: Api, cookies: Cookies | undefined, request: InjectOptions): Promise<LightMyRequestResponse> {
  return api.app.inject({ remoteAddress: '192.0.2.20', ...request, ...(cookies ? { cookies } : {}) })
}

/** Expects an error answer with this status and code, and answers its message. */
export function expectError(response: LightMyRequestResponse, statusCode: number, code: string, label = ''): string {
  expect(response.statusCode, `${label} ${response.body}`).toBe(statusCode)
  const body = response.json<ErrorResponse>()
  expect(body.code, `${label} ${body.message}`).toBe(code)
  return body.message
}
