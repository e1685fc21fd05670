/**
 * The api's sign-in routes (docs/access.md, "Signing in"). The session itself is the HttpOnly cookie `fm_session`,
 * which this code never sees: the browser sends it with every same-origin request.
 */
import type { UserView } from '@fm/protocol'
import { getJson, sendJson } from '../api.ts'

/** Where the session routes live; a 401 from them is an answer about signing in, not a sign that a session ended. */
export const AUTH_PATH_PREFIX = '/api/auth/'

/** The signed-in user; an `ApiError` 401 when there is no session. */
export function fetchMe(signal?: AbortSignal): Promise<UserView> {
  return getJson<UserView>('/api/auth/me', signal)
}

/** 401 `FM_ERR_AUTH_FAILED`, 429 `FM_ERR_AUTH_LOCKED` or `FM_ERR_RATE_LIMITED` with `Retry-After`. */
export async function postLogin(username: string, password: string): Promise<UserView> {
  const { user } = await sendJson<{ user: UserView }>('POST', '/api/auth/login', { username, password })
  return user
}

/** 204, with or without a session. */
export function postLogout(): Promise<void> {
  return sendJson<void>('POST', '/api/auth/logout')
}

/** 400 `FM_ERR_PASSWORD_CURRENT_INVALID` or `FM_ERR_PASSWORD_WEAK`; the answer carries a fresh cookie. */
export async function postPasswordChange(currentPassword: string, newPassword: string): Promise<UserView> {
  const { user } = await sendJson<{ user: UserView }>('POST', '/api/auth/password', { currentPassword, newPassword })
  return user
}
