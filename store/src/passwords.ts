/**
 * Device and user password hashing with scrypt (RFC 7914), a memory-hard function, from `node:crypto`.
 * Stored as `scrypt$N$r$p$salt$hash` (base64url), so that the cost can be raised later and old hashes still verify.
 * Hashing runs on libuv's thread pool (async `scrypt`): the broker authenticates on its event loop.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * N = 2^14, r = 8 (16 MiB, tens of ms). Generated device passwords carry 144 bits of entropy, so the cost only
 * has to protect hand-set (demo) passwords, while a broker restart makes every device of a compound reconnect at once.
 */
export const PASSWORD_COST: PasswordCost = { N: 16_384, r: 8, p: 1 }
const SALT_BYTES = 16
const KEY_BYTES = 32
/** Refuse stored parameters beyond this, so a tampered row cannot make the broker allocate without bound. */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024

/** scrypt parameters; stored with each hash, so a hash made with other ones still verifies. */
export type PasswordCost = { readonly N: number; readonly r: number; readonly p: number }
type ScryptCost = PasswordCost

function derive(password: string, salt: Buffer, cost: ScryptCost, keyBytes: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) would refuse N = 2^15 and above
  const maxmem = 2 * 128 * cost.N * cost.r
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyBytes, { ...cost, maxmem }, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

/** A password for a new device: 18 random bytes, 24 URL-safe characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url')
}

export async function hashPassword(password: string, cost: PasswordCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, cost, KEY_BYTES)
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

type ParsedHash = { cost: ScryptCost; salt: Buffer; key: Buffer }

function parseHash(encoded: string): ParsedHash {
  const [scheme, n, r, p, salt, key, ...rest] = encoded.split('$')
  const cost = { N: Number(n), r: Number(r), p: Number(p) }
  const valid =
    scheme === 'scrypt' &&
    rest.length === 0 &&
    salt !== undefined &&
    key !== undefined &&
    Number.isInteger(Math.log2(cost.N)) &&
    cost.N > 1 &&
    Number.isInteger(cost.r) &&
    Number.isInteger(cost.p) &&
    cost.r > 0 &&
    cost.p > 0 &&
    128 * cost.N * cost.r <= MAX_MEMORY_BYTES
  if (!valid) throw new Error('stored password hash is not in the scrypt$N$r$p$salt$hash format')
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') }
}

/**
 * Control characters (U+0000–U+001F, U+007F) are never part of a password. They are refused, not only for
 * hygiene: scrypt keys HMAC with the password, and HMAC pads a short key with zero bytes, so `secret` followed by NUL
 * bytes would otherwise verify as `secret`.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/

export function hasControlCharacters(password: string): boolean {
  return CONTROL_CHARACTERS.test(password)
}

/** Compares in constant time for a given hash. Throws only for a malformed stored hash (a data error). */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { cost, salt, key } = parseHash(encoded)
  if (key.length === 0) throw new Error('stored password hash has an empty key')
  // derived anyway, so that a refusal for a control character takes as long as any other
  const candidate = await derive(password, salt, cost, key.length)
  return timingSafeEqual(candidate, key) && !hasControlCharacters(password)
}

const dummyHashes = new Map<string, Promise<string>>()

/**
 * A hash of a random password, computed once per cost. Checking an unknown device's or user's password against it
 * takes as long as a real check of that cost, so the time of a refusal does not tell which ids or usernames exist.
 */
export function dummyPasswordHash(cost: PasswordCost = PASSWORD_COST): Promise<string> {
  const key = `${cost.N}$${cost.r}$${cost.p}`
  let hash = dummyHashes.get(key)
  if (!hash) {
    hash = hashPassword(generatePassword(), cost)
    dummyHashes.set(key, hash)
  }
  return hash
}
