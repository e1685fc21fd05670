/**
 * The api's user administration (`users.manage`): list, create, change, disable and set a password. Every answer
 * that is not ok is an `ApiError` with the api's code: 409 `FM_ERR_USER_EXISTS` or `FM_ERR_USER_LAST_ADMIN`, 400
 * `FM_ERR_USER_INVALID` or `FM_ERR_PASSWORD_WEAK`, 404 `FM_ERR_USER_NOT_FOUND`, 403 `FM_ERR_FORBIDDEN`.
 */
import type { UserRole, UserScope, UserView } from '@fm/protocol'
import { getJson, sendJson } from '../api.ts'

/**
 * A user as `/api/users` lists them: the `UserView` plus `disabled` and, while locked out, `lockedUntil` (epoch ms).
 * Both are optional in the view, which also describes the signed-in user: absent means enabled and not locked.
 */
export type ListedUser = UserView & { disabled?: boolean; lockedUntil?: number }

export interface NewUserInput {
  username: string
  displayName: string
  role: UserRole
  scope: UserScope
  password: string
}

export interface UserChange {
  displayName?: string
  role?: UserRole
  scope?: UserScope
  disabled?: boolean
}

const enc = encodeURIComponent

export function fetchUsers(signal?: AbortSignal): Promise<ListedUser[]> {
  return getJson<ListedUser[]>('/api/users', signal)
}

export function createUser(input: NewUserInput): Promise<ListedUser> {
  return sendJson<ListedUser>('POST', '/api/users', input)
}

export function updateUser(id: string, change: UserChange): Promise<ListedUser> {
  return sendJson<ListedUser>('PATCH', `/api/users/${enc(id)}`, change)
}

/** 204; the api ends the user's sessions, and the user must choose another password at the next login. */
export function setUserPassword(id: string, password: string): Promise<void> {
  return sendJson<void>('POST', `/api/users/${enc(id)}/password`, { password })
}
