/**
 * Writing the audit log from a request: the client address comes from the request, the rest from the caller.
 * Never put a password, a token or any other secret in an entry (the store strips such keys as a safety net only).
 */
import type { AuditEntry, AuditInput, Store, UserRecord } from '@fm/store'
import type { FastifyRequest } from 'fastify'

/** Every action the auth routes write; the table in docs/access.md explains them. */
export const AUTH_ACTIONS = {
  login: 'auth.login',
  lockout: 'auth.lockout',
  logout: 'auth.logout',
  passwordChange: 'auth.password.change',
} as const

/** Every action the users administration and the seeding of users write; docs/access.md explains them. */
export const USER_ACTIONS = {
  create: 'user.create',
  update: 'user.update',
  passwordReset: 'user.password.reset',
} as const

/** The platform itself, acting at start (the seeded users): no person, no request. */
export const SYSTEM_ACTOR: AuditInput['actor'] = { type: 'system' }

/**
 * A user as the audit log keeps it in `before` and `after`: what an admin can change, and nothing of the password
 * but whether a new one is due. Not `mustChangePassword`: the store drops every key that contains "password".
 */
export interface AuditedUser {
  username: string
  displayName: string
  role: UserRecord['role']
  scope: UserRecord['scope']
  disabled: boolean
  /** The user must choose a new password at the next login. */
  mustChangeAtLogin: boolean
}

export function auditedUser(user: UserRecord): AuditedUser {
  return {
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    scope: user.scope,
    disabled: user.disabled,
    mustChangeAtLogin: user.mustChangePassword,
  }
}

export function userActor(user: UserRecord): AuditInput['actor'] {
  return { type: 'user', id: user.id, name: user.username }
}

export function userTarget(user: UserRecord): NonNullable<AuditInput['target']> {
  return { type: 'user', id: user.id }
}

export function audit(store: Store, request: FastifyRequest, entry: Omit<AuditInput, 'ip' | 'ts'>): AuditEntry {
  return store.appendAudit({ ...entry, ip: request.ip })
}
