import type { UserScope } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { passwordProblem, passwordRules } from '../src/session/password-policy.ts'
import { displayNameProblem, parseSiteIds, sameScope, scopeProblem, usernameProblem } from '../src/users/user-policy.ts'

const scope = (partial: Partial<UserScope>): UserScope => ({
  allSites: false,
  siteIds: [],
  buildingIds: [],
  ...partial,
})

describe('password policy, as the store has it', () => {
  it.each([
    ['short', 'wang.gong', undefined, 'too-short'],
    ['x'.repeat(257), 'wang.gong', undefined, 'too-long'],
    ['Guard.Zhang', 'guard.zhang', undefined, 'is-username'],
    ['lotus-pond-2026', 'wang.gong', 'lotus-pond-2025', 'repeat-differs'],
    ['lotus-pond-2026', 'wang.gong', 'lotus-pond-2026', undefined],
    // ten characters as the store counts them: code points, not UTF-16 units
    ['荷塘月色荷塘月色荷塘', 'wang.gong', undefined, undefined],
    ['荷塘月色荷塘月色荷', 'wang.gong', undefined, 'too-short'],
  ])('%s for %s (repeat %s): %s', (password, username, repeat, problem) => {
    expect(passwordProblem(password, username, repeat)).toBe(problem)
  })

  it('ticks each rule as it is met', () => {
    expect(passwordRules('', 'admin')).toEqual([
      { rule: 'length', ok: false },
      { rule: 'username', ok: false },
    ])
    expect(passwordRules('lotus-pond-2026', 'admin')).toEqual([
      { rule: 'length', ok: true },
      { rule: 'username', ok: true },
    ])
  })
})

describe('user checks', () => {
  it.each([
    ['wang.gong', undefined],
    ['Wang_Gong-2', undefined],
    ['wg', 'username'],
    ['王工', 'username'],
    ['wang gong', 'username'],
  ])('username %s: %s', (username, problem) => {
    expect(usernameProblem(username)).toBe(problem)
  })

  it('wants a display name of 1–64 characters', () => {
    expect(displayNameProblem('王工')).toBeUndefined()
    expect(displayNameProblem('   ')).toBe('display-name')
    expect(displayNameProblem('工'.repeat(65))).toBe('display-name')
  })

  it('wants a site for every role but admin, and ids that are ids', () => {
    expect(scopeProblem(scope({}), 'admin')).toBeUndefined()
    expect(scopeProblem(scope({}), 'guard')).toBe('scope-empty')
    expect(scopeProblem(scope({ allSites: true }), 'guard')).toBeUndefined()
    expect(scopeProblem(scope({ siteIds: ['cuihu'] }), 'viewer')).toBeUndefined()
    expect(scopeProblem(scope({ siteIds: ['Cuihu Garden'] }), 'viewer')).toBe('site-id')
  })

  it('reads a typed list of site ids, with Chinese or Latin separators, without duplicates', () => {
    expect(parseSiteIds(' cuihu, lakeside，cuihu、 east-gate  ')).toEqual(['cuihu', 'lakeside', 'east-gate'])
    expect(parseSiteIds('')).toEqual([])
  })

  it('compares scopes regardless of the order of ids', () => {
    expect(sameScope(scope({ siteIds: ['a', 'b'] }), scope({ siteIds: ['b', 'a'] }))).toBe(true)
    expect(sameScope(scope({ siteIds: ['a'] }), scope({ siteIds: ['a'], buildingIds: ['b1'] }))).toBe(false)
    expect(sameScope(scope({ allSites: true }), scope({}))).toBe(false)
  })
})
