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

export function userActor(user: UserRecord): AuditInput['actor'] {
  return { type: 'user', id: user.id, name: user.username }
}

export function userTarget(user: UserRecord): NonNullable<AuditInput['target']> {
  return { type: 'user', id: user.id }
}

export function audit(store: Store, request: FastifyRequest, entry: Omit<AuditInput, 'ip' | 'ts'>): AuditEntry {
  return store.appendAudit({ ...entry, ip: request.ip })
}
