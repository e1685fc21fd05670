/**
 * Recently verified device credentials, so that a compound reconnecting after a power cut does not queue behind
 * one scrypt round per device (about 50 per second on two cores; 2 000 devices would wait 40 s).
 *
 * An entry says "this password matched this stored hash": it is keyed by the `password_hash` string of the device
 * row and holds an HMAC-SHA256 of the password under a key drawn from `randomBytes` when the cache is created.
 * Why that is safe:
 * - It holds no password, only the HMAC under a key that is never stored, logged or returned, and dies with the
 *   process. Someone who can read the broker's memory could test guesses at HMAC speed instead of scrypt speed, but
 *   they could read the passwords of CONNECT packets there as well; generated passwords (144 bits) stay out of
 *   reach either way.
 * - The caller reads the device row on every verification and asks the cache only for a device that exists and is
 *   not revoked. A revocation therefore takes effect at once, and a rotation writes a new hash, which misses the
 *   cache by construction. Both hold when another process (the api) changed the row, since nothing is invalidated:
 *   an old entry is only unreachable, and the LRU drops it in time.
 * - A wrong password changes nothing: it does not match, so it falls through to the full check exactly as before,
 *   and it neither removes, replaces nor refreshes the entry of the right password.
 * - Only the right password of an active device gets the fast answer, so the answer time tells the caller nothing
 *   they did not know; unknown ids keep paying the dummy round (`dummyPasswordHash`).
 * - An entry admits for `maxAgeMs` after its scrypt check, and then the full check runs again.
 *
 * It does not help a cold start: after a broker restart the cache is empty and every device pays one scrypt round.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { CredentialCacheOptions } from './types.ts'

export const CREDENTIAL_CACHE_CAPACITY = 50_000
export const CREDENTIAL_CACHE_MAX_AGE_MS = 24 * 60 * 60 * 1000
const KEY_BYTES = 32

export interface CredentialCache {
  /**
   * True when `password` is the one that last verified against `passwordHash`, no longer than `maxAgeMs` ago.
   * Only then does the entry become the most recently used; a refusal leaves the cache as it was.
   */
  admits(passwordHash: string, password: string): boolean
  /** Records that scrypt accepted `password` for `passwordHash`, evicting the least recently used entry when full. */
  remember(passwordHash: string, password: string): void
  /** Entries held now. */
  readonly size: number
}

type Entry = { mac: Buffer; verifiedAt: number }

/** `now` is the clock for `maxAgeMs` (epoch ms), replaceable in tests. */
export function createCredentialCache(
  options: CredentialCacheOptions = {},
  now: () => number = Date.now,
): CredentialCache {
  const capacity = options.capacity ?? CREDENTIAL_CACHE_CAPACITY
  const maxAgeMs = options.maxAgeMs ?? CREDENTIAL_CACHE_MAX_AGE_MS
  if (!Number.isSafeInteger(capacity) || capacity < 0) {
    throw new Error(`credential cache capacity must be a whole number ≥ 0, got ${capacity}`)
  }
  if (!(maxAgeMs > 0)) throw new Error(`credential cache maxAgeMs must be > 0, got ${maxAgeMs}`)

  const key = randomBytes(KEY_BYTES)
  const mac = (password: string) => createHmac('sha256', key).update(password, 'utf8').digest()
  // a Map iterates in insertion order: re-inserting on use keeps the least recently used entry first
  const entries = new Map<string, Entry>()

  return {
    admits(passwordHash, password) {
      const entry = entries.get(passwordHash)
      if (!entry || now() - entry.verifiedAt >= maxAgeMs) return false
      if (!timingSafeEqual(entry.mac, mac(password))) return false
      entries.delete(passwordHash)
      entries.set(passwordHash, entry)
      return true
    },
    remember(passwordHash, password) {
      if (capacity === 0) return
      entries.delete(passwordHash)
      entries.set(passwordHash, { mac: mac(password), verifiedAt: now() })
      for (const oldest of entries.keys()) {
        if (entries.size <= capacity) break
        entries.delete(oldest)
      }
    },
    get size() {
      return entries.size
    },
  }
}
