/**
 * The people who use the dashboard: accounts, passwords, and the login check with its lockout.
 *
 * Passwords are hashed and verified (scrypt) outside any transaction. Every write is then one short IMMEDIATE
 * transaction that reads the row again: the api of another process may have changed it while scrypt ran, and an
 * IMMEDIATE transaction takes the write lock before reading, so the read-then-write cannot interleave with theirs.
 */
import { randomBytes } from 'node:crypto'
import type { UserRole, UserScope } from '@fm/protocol'
import { dummyPasswordHash, generatePassword, hashPassword, type PasswordCost, verifyPassword } from './passwords.ts'
import type { SqliteDatabase } from './sqlite.ts'
import type { FirstAdminResult, LoginResult, Store, UserPatch, UserRecord } from './types.ts'
import {
  checkDisplayName,
  checkPassword,
  checkRole,
  checkScope,
  checkUsername,
  normalizeUsername,
  UserError,
} from './user-policy.ts'

/** Wrong passwords in a row that lock an account. */
export const LOGIN_MAX_FAILURES = 10
/** How long a locked account refuses every login, the right password included. */
export const LOGIN_LOCK_MS = 15 * 60 * 1000

const FIRST_ADMIN_USERNAME = 'admin'
const FIRST_ADMIN_DISPLAY_NAME = '管理员'

export interface UserRow {
  id: string
  username: string
  display_name: string
  role: UserRole
  scope: string
  password_hash: string
  disabled: number
  must_change_password: number
  failed_logins: number
  locked_until: number | null
  created_at: number
  updated_at: number
  password_changed_at: number
}

export const USER_COLUMNS = `u.id, u.username, u.display_name, u.role, u.scope, u.password_hash, u.disabled,
  u.must_change_password, u.failed_logins, u.locked_until, u.created_at, u.updated_at, u.password_changed_at`

/** `now` decides whether a lock still holds. */
export function toUserRecord(row: UserRow, now: number): UserRecord {
  const record: UserRecord = {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    scope: JSON.parse(row.scope) as UserScope,
    disabled: row.disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
  }
  if (row.locked_until !== null && row.locked_until > now) record.lockedUntil = row.locked_until
  return record
}

function newUserId(): string {
  return `u_${randomBytes(12).toString('base64url')}`
}

function usernameTaken(username: string): UserError {
  return new UserError('FM_ERR_USER_EXISTS', `username "${username}" is taken`)
}

interface InsertParams {
  id: string
  username: string
  displayName: string
  role: UserRole
  scope: string
  hash: string
  mustChange: number
  now: number
}

function prepareStatements(db: SqliteDatabase) {
  return {
    byId: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`),
    byUsername: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = ?`),
    all: db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.username`),
    anyAdmin: db.prepare<[], { id: string }>(`SELECT id FROM users WHERE role = 'admin' LIMIT 1`),
    otherEnabledAdmin: db.prepare<[string], { id: string }>(
      `SELECT id FROM users WHERE role = 'admin' AND disabled = 0 AND id != ? LIMIT 1`,
    ),
    insert: db.prepare<InsertParams>(
      `INSERT INTO users (id, username, display_name, role, scope, password_hash, must_change_password,
         created_at, updated_at, password_changed_at)
       VALUES (@id, @username, @displayName, @role, @scope, @hash, @mustChange, @now, @now, @now)`,
    ),
    update: db.prepare<{
      id: string
      displayName: string
      role: UserRole
      scope: string
      disabled: number
      now: number
    }>(
      `UPDATE users SET display_name = @displayName, role = @role, scope = @scope, disabled = @disabled,
         updated_at = @now
       WHERE id = @id`,
    ),
    setPassword: db.prepare<{ id: string; hash: string; mustChange: number; now: number }>(
      `UPDATE users SET password_hash = @hash, must_change_password = @mustChange, failed_logins = 0,
         locked_until = NULL, password_changed_at = @now, updated_at = @now
       WHERE id = @id`,
    ),
    recordFailure: db.prepare<{ id: string; failures: number; lockedUntil: number | null }>(
      'UPDATE users SET failed_logins = @failures, locked_until = @lockedUntil WHERE id = @id',
    ),
    clearFailures: db.prepare<[string]>('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?'),
  }
}

type Statements = ReturnType<typeof prepareStatements>

/**
 * Settles a login once scrypt has answered, in one transaction. `checkedHash` is the hash the password was checked
 * against: when the password changed meanwhile, the attempt counts as wrong.
 */
function settleLogin(
  statements: Statements,
  now: number,
  id: string,
  checkedHash: string,
  matches: boolean,
): LoginResult {
  const row = statements.byId.get(id)
  if (!row) return { ok: false, reason: 'unknown' }
  // re-checked here: concurrent wrong guesses may have locked the account while this one was hashed
  if (row.locked_until !== null && row.locked_until > now) {
    const user = toUserRecord(row, now)
    return { ok: false, reason: 'locked', user, lockedUntil: row.locked_until, failures: row.failed_logins }
  }
  // a lock that ran out leaves a fresh count: another LOGIN_MAX_FAILURES guesses, then another lock
  const previous = row.locked_until === null ? row.failed_logins : 0
  if (!matches || row.password_hash !== checkedHash) {
    const failures = previous + 1
    const lockedUntil = failures >= LOGIN_MAX_FAILURES ? now + LOGIN_LOCK_MS : null
    statements.recordFailure.run({ id, failures, lockedUntil })
    const user = toUserRecord({ ...row, failed_logins: failures, locked_until: lockedUntil }, now)
    return lockedUntil === null
      ? { ok: false, reason: 'wrong-password', user, failures }
      : { ok: false, reason: 'wrong-password', user, failures, lockedUntil }
  }
  // only now, so that 'disabled' tells nothing to someone who does not know the password
  if (row.disabled === 1) return { ok: false, reason: 'disabled', user: toUserRecord(row, now) }
  // no write for the usual login: there is nothing to reset
  if (row.failed_logins !== 0 || row.locked_until !== null) statements.clearFailures.run(id)
  return { ok: true, user: toUserRecord({ ...row, failed_logins: 0, locked_until: null }, now) }
}

type UserMethods =
  | 'createUser'
  | 'getUser'
  | 'getUserByUsername'
  | 'listUsers'
  | 'updateUser'
  | 'setUserPassword'
  | 'verifyUserLogin'
  | 'ensureFirstAdmin'

export function createUsers(
  db: SqliteDatabase,
  options: {
    now: () => number
    /** scrypt cost of new hashes and of the dummy hash of unknown usernames; PASSWORD_COST when absent. */
    passwordCost?: PasswordCost | undefined
    /** Called inside the transaction that disables a user or changes a password. */
    revokeUserSessions: (userId: string) => number
  },
): Pick<Store, UserMethods> {
  const { now, passwordCost, revokeUserSessions } = options
  const statements = prepareStatements(db)

  const insert = db.transaction((params: Omit<InsertParams, 'now'>): UserRecord => {
    // the username may have been taken while the password was hashed
    if (statements.byUsername.get(params.username)) throw usernameTaken(params.username)
    const at = now()
    statements.insert.run({ ...params, now: at })
    const row = statements.byId.get(params.id)
    if (!row) throw new Error(`user ${params.id} vanished right after it was created`)
    return toUserRecord(row, at)
  })

  const update = db.transaction((id: string, patch: UserPatch): UserRecord | undefined => {
    const row = statements.byId.get(id)
    if (!row) return undefined
    const at = now()
    const role = patch.role === undefined ? row.role : checkRole(patch.role)
    const disabled = patch.disabled === undefined ? row.disabled === 1 : patch.disabled
    if (typeof disabled !== 'boolean') throw new UserError('FM_ERR_USER_INVALID', 'disabled must be true or false')
    // the role and the scope are checked together: a role without a site needs one when the role changes
    const scope = checkScope(patch.scope ?? (JSON.parse(row.scope) as UserScope), role)
    const displayName = patch.displayName === undefined ? row.display_name : checkDisplayName(patch.displayName)
    const scopeJson = JSON.stringify(scope)
    const unchanged =
      displayName === row.display_name &&
      role === row.role &&
      scopeJson === row.scope &&
      (disabled ? 1 : 0) === row.disabled
    if (unchanged) return toUserRecord(row, at)
    const losesAdmin = row.role === 'admin' && row.disabled === 0 && (role !== 'admin' || disabled)
    if (losesAdmin && !statements.otherEnabledAdmin.get(id))
      throw new UserError(
        'FM_ERR_USER_INVALID',
        'the last enabled admin can be neither disabled nor given another role',
      )
    statements.update.run({ id, displayName, role, scope: scopeJson, disabled: disabled ? 1 : 0, now: at })
    if (disabled && row.disabled === 0) revokeUserSessions(id)
    const updated = statements.byId.get(id)
    return updated && toUserRecord(updated, at)
  })

  const setPassword = db.transaction((id: string, hash: string, mustChange: boolean) => {
    if (statements.setPassword.run({ id, hash, mustChange: mustChange ? 1 : 0, now: now() }).changes === 0) return false
    revokeUserSessions(id)
    return true
  })

  const settle = db.transaction((id: string, checkedHash: string, matches: boolean) =>
    settleLogin(statements, now(), id, checkedHash, matches),
  )

  const insertFirstAdmin = db.transaction((password: string, hash: string, generated: boolean): FirstAdminResult => {
    // another process may have created an admin while the password was hashed
    if (statements.anyAdmin.get()) return { created: false }
    if (statements.byUsername.get(FIRST_ADMIN_USERNAME))
      throw new UserError(
        'FM_ERR_USER_EXISTS',
        `no admin exists, but the username "${FIRST_ADMIN_USERNAME}" is taken by a user of another role`,
      )
    const at = now()
    statements.insert.run({
      id: newUserId(),
      username: FIRST_ADMIN_USERNAME,
      displayName: FIRST_ADMIN_DISPLAY_NAME,
      role: 'admin',
      scope: JSON.stringify({ allSites: true, siteIds: [], buildingIds: [] } satisfies UserScope),
      hash,
      mustChange: generated ? 1 : 0,
      now: at,
    })
    return { created: true, username: FIRST_ADMIN_USERNAME, password, generated }
  })

  async function ensureFirstAdminNow(given: string | undefined): Promise<FirstAdminResult> {
    if (statements.anyAdmin.get()) return { created: false }
    const password = given === undefined ? generatePassword() : checkPassword(given, FIRST_ADMIN_USERNAME)
    const hash = await hashPassword(password, passwordCost)
    return insertFirstAdmin.immediate(password, hash, given === undefined)
  }
  // calls of this process run one after the other, so that the second sees the admin the first created
  let firstAdminQueue: Promise<unknown> = Promise.resolve()

  return {
    async createUser(input) {
      const username = checkUsername(input.username)
      const displayName = checkDisplayName(input.displayName)
      const role = checkRole(input.role)
      const scope = checkScope(input.scope, role)
      checkPassword(input.password, username)
      // answered before scrypt, so that a taken name costs nothing; checked again in the transaction
      if (statements.byUsername.get(username)) throw usernameTaken(username)
      const hash = await hashPassword(input.password, passwordCost)
      return insert.immediate({
        id: newUserId(),
        username,
        displayName,
        role,
        scope: JSON.stringify(scope),
        hash,
        mustChange: input.mustChangePassword === true ? 1 : 0,
      })
    },
    getUser(id) {
      const row = statements.byId.get(id)
      return row && toUserRecord(row, now())
    },
    getUserByUsername(username) {
      const row = statements.byUsername.get(normalizeUsername(username))
      return row && toUserRecord(row, now())
    },
    listUsers() {
      const at = now()
      return statements.all.all().map((row) => toUserRecord(row, at))
    },
    updateUser(id, patch) {
      return update.immediate(id, patch)
    },
    async setUserPassword(id, password, options) {
      const row = statements.byId.get(id)
      if (!row) return false
      checkPassword(password, row.username)
      const hash = await hashPassword(password, passwordCost)
      return setPassword.immediate(id, hash, options?.mustChange === true)
    },
    async verifyUserLogin(username, password) {
      const row = statements.byUsername.get(normalizeUsername(username))
      if (!row) {
        // an unknown username costs one scrypt round too: the answer time must not tell which usernames exist
        await verifyPassword(password, await dummyPasswordHash(passwordCost))
        return { ok: false, reason: 'unknown' }
      }
      // verified even while locked, for the same reason; the lock is checked when settling
      const matches = await verifyPassword(password, row.password_hash)
      return settle.immediate(row.id, row.password_hash, matches)
    },
    ensureFirstAdmin(password) {
      const run = firstAdminQueue.then(() => ensureFirstAdminNow(password))
      firstAdminQueue = run.catch(() => undefined)
      return run
    },
  }
}
