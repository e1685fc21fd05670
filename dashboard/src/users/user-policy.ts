/**
 * What the users form checks before the api sees it, mirroring the store's policy (`store/src/user-policy.ts`, which
 * the dashboard may not import): the username, the display name, and a scope (which sites, all or some of their
 * buildings) fit for the role. The api checks again and says why in `FM_ERR_USER_INVALID`.
 */
import { isValidId, type UserRole, type UserScope } from '@fm/protocol'

/** Usernames as the store keeps them: 3–64 of a–z, 0–9, ".", "_", "-"; upper case is lowered. */
const USERNAME_RE = /^[a-z0-9._-]{3,64}$/
const DISPLAY_NAME_MAX_CHARS = 64

export type UserProblem = 'username' | 'display-name' | 'scope-empty' | 'site-id'

export function usernameProblem(username: string): UserProblem | undefined {
  return USERNAME_RE.test(username.toLowerCase()) ? undefined : 'username'
}

export function displayNameProblem(displayName: string): UserProblem | undefined {
  const length = [...displayName.trim()].length
  return length === 0 || length > DISPLAY_NAME_MAX_CHARS ? 'display-name' : undefined
}

/** Every role but admin needs a place to look at: all sites, or at least one. */
export function scopeProblem(scope: UserScope, role: UserRole): UserProblem | undefined {
  if (!scope.allSites && scope.siteIds.some((id) => !isValidId(id))) return 'site-id'
  if (!scope.allSites && scope.siteIds.length === 0 && role !== 'admin') return 'scope-empty'
  return undefined
}

/** Site ids typed as a list: split at commas, spaces or the Chinese comma, empty entries dropped, no duplicates. */
export function parseSiteIds(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,，、;；]+/u)
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ]
}

/** Whether two scopes cover the same places; the order of ids does not matter. */
export function sameScope(a: UserScope, b: UserScope): boolean {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((id) => y.includes(id))
  return a.allSites === b.allSites && same(a.siteIds, b.siteIds) && same(a.buildingIds, b.buildingIds)
}
