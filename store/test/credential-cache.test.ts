import { describe, expect, test } from 'vitest'
import { CREDENTIAL_CACHE_MAX_AGE_MS, createCredentialCache } from '../src/credential-cache.ts'

// stand-ins for stored `password_hash` strings: the cache only uses them as keys
const HASH_A = 'scrypt$16384$8$1$saltA$keyA'
const HASH_B = 'scrypt$16384$8$1$saltB$keyB'
const HASH_C = 'scrypt$16384$8$1$saltC$keyC'

describe('createCredentialCache', () => {
  test('admits only the password remembered for that hash', () => {
    const cache = createCredentialCache()
    cache.remember(HASH_A, 'password-a')

    expect(cache.admits(HASH_A, 'password-a')).toBe(true)
    expect(cache.admits(HASH_A, 'password-A')).toBe(false)
    expect(cache.admits(HASH_A, '')).toBe(false)
    expect(cache.admits(HASH_B, 'password-a')).toBe(false)
    expect(cache.size).toBe(1)
  })

  test('evicts the least recently used entry beyond its capacity; a hit counts as a use', () => {
    const cache = createCredentialCache({ capacity: 2 })
    cache.remember(HASH_A, 'a')
    cache.remember(HASH_B, 'b')
    expect(cache.admits(HASH_A, 'a')).toBe(true)

    cache.remember(HASH_C, 'c')

    expect(cache.size).toBe(2)
    expect(cache.admits(HASH_B, 'b')).toBe(false)
    expect(cache.admits(HASH_A, 'a')).toBe(true)
    expect(cache.admits(HASH_C, 'c')).toBe(true)
  })

  test('a wrong password neither evicts nor refreshes the right one', () => {
    const cache = createCredentialCache({ capacity: 2 })
    cache.remember(HASH_A, 'a')
    cache.remember(HASH_B, 'b')

    expect(cache.admits(HASH_A, 'not-a')).toBe(false)
    expect(cache.admits(HASH_A, 'a')).toBe(true)
    // A is now the most recent: wrong guesses at B must not move it ahead of A
    expect(cache.admits(HASH_B, 'not-b')).toBe(false)
    cache.remember(HASH_C, 'c')

    expect(cache.admits(HASH_B, 'b')).toBe(false)
    expect(cache.admits(HASH_A, 'a')).toBe(true)
  })

  test('re-remembering a hash replaces its password instead of adding an entry', () => {
    const cache = createCredentialCache()
    cache.remember(HASH_A, 'first')
    cache.remember(HASH_A, 'second')

    expect(cache.size).toBe(1)
    expect(cache.admits(HASH_A, 'first')).toBe(false)
    expect(cache.admits(HASH_A, 'second')).toBe(true)
  })

  test('stops admitting maxAgeMs after the scrypt check, however often it was used, until remembered again', () => {
    let now = 1_000_000
    const cache = createCredentialCache({ maxAgeMs: 60_000 }, () => now)
    cache.remember(HASH_A, 'a')

    now += 59_999
    expect(cache.admits(HASH_A, 'a')).toBe(true)
    now += 1
    expect(cache.admits(HASH_A, 'a')).toBe(false)

    cache.remember(HASH_A, 'a')
    expect(cache.admits(HASH_A, 'a')).toBe(true)
    expect(cache.size).toBe(1)
  })

  test('keeps entries for a day by default', () => {
    let now = 0
    const cache = createCredentialCache({}, () => now)
    cache.remember(HASH_A, 'a')

    now = CREDENTIAL_CACHE_MAX_AGE_MS - 1
    expect(cache.admits(HASH_A, 'a')).toBe(true)
    now = CREDENTIAL_CACHE_MAX_AGE_MS
    expect(cache.admits(HASH_A, 'a')).toBe(false)
    expect(CREDENTIAL_CACHE_MAX_AGE_MS).toBe(24 * 60 * 60 * 1000)
  })

  test('holds nothing with capacity 0', () => {
    const cache = createCredentialCache({ capacity: 0 })
    cache.remember(HASH_A, 'a')

    expect(cache.size).toBe(0)
    expect(cache.admits(HASH_A, 'a')).toBe(false)
  })

  test.for([{ capacity: -1 }, { capacity: 1.5 }, { capacity: Number.NaN }, { maxAgeMs: 0 }, { maxAgeMs: Number.NaN }])(
    'refuses the options %o',
    (options) => {
      expect(() => createCredentialCache(options)).toThrow('credential cache')
    },
  )
})
