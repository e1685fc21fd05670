/**
 * What a user's name, display name, role, scope and password must be. Pure checks: the store runs them before it
 * hashes anything or opens a transaction, and reports the first problem as a `UserError` with a code.
 */

import { isUserRole, isValidId, type UserRole, type UserScope } from '@fm/protocol'
import { hasControlCharacters } from './passwords.ts'

export type UserErrorCode = 'FM_ERR_USER_EXISTS' | 'FM_ERR_USER_INVALID' | 'FM_ERR_PASSWORD_WEAK'

/** A refused user change. `code` tells the api which answer to give; `message` says what to fix. */
export class UserError extends Error {
  readonly code: UserErrorCode

  constructor(code: UserErrorCode, message: string) {
    super(message)
    this.name = 'UserError'
    this.code = code
  }
}

const USERNAME_RE = /^[a-z0-9._-]{3,64}$/
const DISPLAY_NAME_MAX_CHARS = 64
/** Control characters, lone surrogates and bidi overrides, which would garble or disguise a name in the UI. */
const DISPLAY_NAME_FORBIDDEN_RE = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u
/** More sites or buildings than any company has; bounds the JSON of a scope. */
const SCOPE_MAX_IDS = 1000

export const PASSWORD_MIN_CHARS = 10
/** scrypt takes any length; the bound keeps a login request from hashing megabytes. */
export const PASSWORD_MAX_CHARS = 256

/**
 * A short deny-list of very common passwords of 10 characters or more, Chinese favourites included ('woaini1314').
 * Not a breach corpus: it only stops the first guesses of a dictionary attack. Compared lower-cased.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '0000000000',
  '0123456789',
  '1111111111',
  '1234567890',
  '12345678910',
  '123456789a',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'a123456789',
  'aa123456789',
  'abc1234567',
  'abcd123456',
  'admin12345',
  'admin123456',
  'administrator',
  'iloveyou12',
  'password01',
  'password12',
  'password123',
  'password1234',
  'qwerty1234',
  'qwerty123456',
  'qwertyuiop',
  'qq123456789',
  'woaini1314',
  'zxcvbnm123',
])

/** Usernames are compared and stored lower-cased. */
export function normalizeUsername(username: string): string {
  return username.toLowerCase()
}

function invalid(message: string): UserError {
  return new UserError('FM_ERR_USER_INVALID', message)
}

function charCount(text: string): number {
  return [...text].length
}

/** The stored form of a username, or a `UserError`. */
export function checkUsername(username: unknown): string {
  const normalized = typeof username === 'string' ? normalizeUsername(username) : ''
  if (!USERNAME_RE.test(normalized))
    throw invalid('username must be 3–64 characters of a–z, 0–9, ".", "_" and "-" (upper case is lowered)')
  return normalized
}

/** The stored form of a display name (trimmed), or a `UserError`. */
export function checkDisplayName(displayName: unknown): string {
  const trimmed = typeof displayName === 'string' ? displayName.trim() : ''
  if (trimmed === '' || charCount(trimmed) > DISPLAY_NAME_MAX_CHARS)
    throw invalid(`display name must be 1–${DISPLAY_NAME_MAX_CHARS} characters`)
  if (DISPLAY_NAME_FORBIDDEN_RE.test(trimmed))
    throw invalid('display name must not contain control or text-direction characters')
  return trimmed
}

export function checkRole(role: unknown): UserRole {
  if (typeof role !== 'string' || !isUserRole(role)) throw invalid(`unknown role ${JSON.stringify(role)}`)
  return role
}

function checkIds(ids: unknown, what: 'siteIds' | 'buildingIds'): string[] {
  if (!Array.isArray(ids)) throw invalid(`scope.${what} must be a list of ids`)
  if (ids.length > SCOPE_MAX_IDS) throw invalid(`scope.${what} holds more than ${SCOPE_MAX_IDS} ids`)
  for (const id of ids) {
    if (typeof id !== 'string' || !isValidId(id))
      throw invalid(`scope.${what}: ${JSON.stringify(id)} is not an id (1–64 characters of a–z, 0–9, "-" and "_")`)
  }
  return [...new Set(ids as string[])]
}

/**
 * The stored form of a scope (ids deduplicated), or a `UserError`. Building ids only narrow listed sites: a scope
 * over all sites cannot name buildings. Every role but admin needs at least one site.
 */
export function checkScope(scope: unknown, role: UserRole): UserScope {
  if (typeof scope !== 'object' || scope === null) throw invalid('scope must be an object')
  const { allSites, siteIds, buildingIds } = scope as Partial<Record<keyof UserScope, unknown>>
  if (typeof allSites !== 'boolean') throw invalid('scope.allSites must be true or false')
  const checked: UserScope = {
    allSites,
    siteIds: checkIds(siteIds, 'siteIds'),
    buildingIds: checkIds(buildingIds, 'buildingIds'),
  }
  if (allSites && (checked.siteIds.length > 0 || checked.buildingIds.length > 0))
    throw invalid('a scope over all sites lists no sites or buildings')
  if (!allSites && checked.siteIds.length === 0 && role !== 'admin')
    throw invalid(`a ${role} needs a scope: all sites, or at least one site`)
  return checked
}

/** Refuses a password that is short, overlong, holds control characters, is the username, or a most common one. */
export function checkPassword(password: unknown, username: string): string {
  if (typeof password !== 'string') throw new UserError('FM_ERR_PASSWORD_WEAK', 'password must be a string')
  const length = charCount(password)
  if (length < PASSWORD_MIN_CHARS)
    throw new UserError('FM_ERR_PASSWORD_WEAK', `password must have at least ${PASSWORD_MIN_CHARS} characters`)
  if (length > PASSWORD_MAX_CHARS)
    throw new UserError('FM_ERR_PASSWORD_WEAK', `password must have at most ${PASSWORD_MAX_CHARS} characters`)
  if (hasControlCharacters(password))
    throw new UserError('FM_ERR_PASSWORD_WEAK', 'password must not contain control characters')
  const lowered = password.toLowerCase()
  if (lowered === normalizeUsername(username))
    throw new UserError('FM_ERR_PASSWORD_WEAK', 'password must not be the username')
  if (COMMON_PASSWORDS.has(lowered))
    throw new UserError('FM_ERR_PASSWORD_WEAK', 'password is one of the most common passwords')
  return password
}
