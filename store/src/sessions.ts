/**
 * Dashboard sessions. The token (the cookie) is 32 random bytes handed out once; the table keeps only its SHA-256,
 * so a copy of the database lets nobody in. A plain hash is enough here, unlike passwords: the token has 256 bits of
 * entropy, there is nothing to guess.
 *
 * A session ends at its absolute expiry, after SESSION_IDLE_MS without a request, when it is revoked (its row is
 * deleted), or when its user is disabled. Ended rows are deleted lazily: when met by `getSession`, and a bounded
 * batch each time a session is created.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { SqliteDatabase } from './sqlite.ts'
import type { SessionRecord, SessionStart, Store } from './types.ts'
import { UserError } from './user-policy.ts'
import { toUserRecord, USER_COLUMNS, type UserRow } from './users.ts'

/** Absolute lifetime of a session: a control-room shift, whatever the activity. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000
/** A session without a request for this long has ended. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000
/** `lastSeenAt` is written at most this often, not at every request. */
export const SESSION_TOUCH_MS = 60 * 1000
const TOKEN_BYTES = 32
/** Ended sessions deleted per created one: the cleanup never holds the write lock for long. */
const PURGE_BATCH = 100
/** Longer than any token we hand out; longer input is refused before it is hashed. */
const MAX_TOKEN_CHARS = 256
const MAX_IP_CHARS = 64
const MAX_USER_AGENT_CHARS = 512

interface SessionRow {
  session_id: string
  user_id: string
  session_created_at: number
  last_seen_at: number
  expires_at: number
  ip: string | null
  user_agent: string | null
}

const SESSION_COLUMNS = `s.id AS session_id, s.user_id, s.created_at AS session_created_at, s.last_seen_at,
  s.expires_at, s.ip, s.user_agent`

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

function toSessionRecord(row: SessionRow): SessionRecord {
  const session: SessionRecord = {
    id: row.session_id,
    userId: row.user_id,
    createdAt: row.session_created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  }
  if (row.ip !== null) session.ip = row.ip
  if (row.user_agent !== null) session.userAgent = row.user_agent
  return session
}

function clip(value: string | undefined, max: number): string | null {
  return value === undefined ? null : value.slice(0, max)
}

function sessionTtl(ttlMs: number | undefined): number {
  if (ttlMs === undefined) return SESSION_TTL_MS
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1)
    throw new RangeError(`session ttlMs must be a positive integer, got ${ttlMs}`)
  return ttlMs
}

export function createSessions(
  db: SqliteDatabase,
  now: () => number,
): Pick<Store, 'createSession' | 'getSession' | 'revokeSession' | 'revokeUserSessions'> {
  const insert = db.prepare<{
    id: string
    tokenHash: Buffer
    userId: string
    now: number
    expiresAt: number
    ip: string | null
    userAgent: string | null
  }>(
    `INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES (@id, @tokenHash, @userId, @now, @now, @expiresAt, @ip, @userAgent)`,
  )
  const purge = db.prepare<{ now: number; idleSince: number; batch: number }>(
    `DELETE FROM sessions WHERE id IN (
       SELECT id FROM sessions WHERE expires_at <= @now OR last_seen_at <= @idleSince LIMIT @batch)`,
  )
  const userState = db.prepare<[string], { disabled: number }>('SELECT disabled FROM users WHERE id = ?')
  const byToken = db.prepare<[Buffer], SessionRow & UserRow>(
    `SELECT ${SESSION_COLUMNS}, ${USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ?`,
  )
  // never backwards: another process may have recorded a later request meanwhile
  const touch = db.prepare<{ id: string; now: number }>(
    'UPDATE sessions SET last_seen_at = @now WHERE id = @id AND last_seen_at < @now',
  )
  const deleteById = db.prepare<[string]>('DELETE FROM sessions WHERE id = ?')
  const deleteByToken = db.prepare<[Buffer]>('DELETE FROM sessions WHERE token_hash = ?')
  const deleteByUser = db.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?')

  const create = db.transaction((userId: string, row: Omit<Parameters<typeof insert.run>[0], 'userId'>) => {
    purge.run({ now: row.now, idleSince: row.now - SESSION_IDLE_MS, batch: PURGE_BATCH })
    const user = userState.get(userId)
    if (!user) throw new UserError('FM_ERR_USER_INVALID', `no user "${userId}"`)
    if (user.disabled === 1) throw new UserError('FM_ERR_USER_INVALID', `user "${userId}" is disabled`)
    insert.run({ ...row, userId })
  })

  return {
    createSession(userId, options = {}) {
      const ttlMs = sessionTtl(options.ttlMs)
      const token = randomBytes(TOKEN_BYTES).toString('base64url')
      const at = now()
      const row = {
        id: `s_${randomBytes(12).toString('base64url')}`,
        tokenHash: hashToken(token),
        now: at,
        expiresAt: at + ttlMs,
        ip: clip(options.ip, MAX_IP_CHARS),
        userAgent: clip(options.userAgent, MAX_USER_AGENT_CHARS),
      }
      create.immediate(userId, row)
      const session: SessionStart['session'] = {
        id: row.id,
        userId,
        createdAt: at,
        lastSeenAt: at,
        expiresAt: row.expiresAt,
      }
      if (row.ip !== null) session.ip = row.ip
      if (row.userAgent !== null) session.userAgent = row.userAgent
      return { token, session }
    },
    getSession(token) {
      if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_CHARS) return undefined
      const row = byToken.get(hashToken(token))
      if (!row) return undefined
      const at = now()
      const ended = row.expires_at <= at || row.last_seen_at <= at - SESSION_IDLE_MS || row.disabled === 1
      if (ended) {
        deleteById.run(row.session_id)
        return undefined
      }
      if (at - row.last_seen_at >= SESSION_TOUCH_MS) {
        touch.run({ id: row.session_id, now: at })
        row.last_seen_at = at
      }
      return { session: toSessionRecord(row), user: toUserRecord(row, at) }
    },
    revokeSession(token) {
      if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_CHARS) return false
      return deleteByToken.run(hashToken(token)).changes > 0
    },
    revokeUserSessions(userId) {
      return deleteByUser.run(userId).changes
    },
  }
}
