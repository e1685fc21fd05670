/** Audit entries as the api answers them, typed with the protocol; times count back from `NOW`. */
import type { AuditEntryView } from '@fm/protocol'
import { ADMIN, GUARD } from './auth-fixtures.ts'
import { NOW } from './fixtures.ts'

const MINUTE_MS = 60_000

/** A wrong password typed for "admin" from a gatehouse PC: what a supervisor looks for. */
export const FAILED_SIGN_IN: AuditEntryView = {
  id: 504,
  ts: NOW - MINUTE_MS,
  actor: { type: 'anonymous', name: 'admin' },
  action: 'auth.login',
  outcome: 'failed',
  target: { type: 'user', id: ADMIN.id },
  ip: '10.8.0.23',
  detail: { username: 'admin', reason: 'wrong-password', failures: 3 },
}

export const ROLE_CHANGE: AuditEntryView = {
  id: 503,
  ts: NOW - 2 * MINUTE_MS,
  actor: { type: 'user', id: ADMIN.id, name: 'admin' },
  action: 'user.update',
  outcome: 'ok',
  target: { type: 'user', id: GUARD.id },
  ip: '10.8.0.5',
  before: { username: 'guard.zhang', role: 'guard' },
  after: { username: 'guard.zhang', role: 'supervisor' },
}

export const DEVICE_REVOKED: AuditEntryView = {
  id: 502,
  ts: NOW - 3 * MINUTE_MS,
  actor: { type: 'user', id: ADMIN.id, name: 'admin' },
  action: 'device.revoke',
  outcome: 'ok',
  siteId: 'cuihu',
  target: { type: 'device', id: 'gate-north-in' },
  ip: '10.8.0.5',
  detail: { brokerNotified: true },
}

export const LOCKED_OUT: AuditEntryView = {
  id: 501,
  ts: NOW - 4 * MINUTE_MS,
  actor: { type: 'anonymous', name: 'guard.zhang' },
  action: 'auth.lockout',
  outcome: 'denied',
  target: { type: 'user', id: GUARD.id },
  ip: '10.8.0.23',
}

export const SEEDED: AuditEntryView = {
  id: 1,
  ts: NOW - 86_400_000,
  actor: { type: 'system' },
  action: 'user.create',
  outcome: 'ok',
  target: { type: 'user', id: ADMIN.id },
}

export const AUDIT_ENTRIES = [FAILED_SIGN_IN, ROLE_CHANGE, DEVICE_REVOKED, LOCKED_OUT, SEEDED]

/** `count` sign-ins by the admin, one a minute before `before`, ids counting down from `firstId`. */
export function signIns(count: number, before: number, firstId: number): AuditEntryView[] {
  return Array.from({ length: count }, (_, i) => ({
    id: firstId - i,
    ts: before - (i + 1) * MINUTE_MS,
    actor: { type: 'user', id: ADMIN.id, name: 'admin' },
    action: 'auth.login',
    outcome: 'ok',
    target: { type: 'user', id: ADMIN.id },
    ip: '10.8.0.5',
  }))
}
