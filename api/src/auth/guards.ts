/**
 * The checks a route runs before its handler, as `preHandler`s: is someone signed in (`requireUser`), may their role do
 * this (`requirePermission`), is the place within their scope (`requireSite`, and `assertCovers` in a handler that
 * finds the place only when it reads the data). What each role may do is declared in `@fm/protocol` (access.ts).
 */
import { type Permission, roleCan, scopeCovers, scopeIncludesSite } from '@fm/protocol'
import type { UserRecord } from '@fm/store'
import type { FastifyRequest } from 'fastify'
import { apiError } from '../errors.ts'

/** A preHandler: it throws an `ApiError`, which the error handler answers. */
export type Guard = (request: FastifyRequest) => Promise<void>

/** The signed-in user; 401 `FM_ERR_AUTH_REQUIRED` for an anonymous request. */
export function signedIn(request: FastifyRequest): UserRecord {
  if (!request.user) throw apiError('FM_ERR_AUTH_REQUIRED')
  return request.user
}

/** 401 for an anonymous request. For the routes every user may use: their own account, signing out. */
export const requireUser: Guard = async (request) => {
  signedIn(request)
}

/**
 * 401 for an anonymous request; 403 `FM_ERR_PASSWORD_CHANGE_REQUIRED` while the user must choose a new password (the
 * generated first admin's, one an admin set); 403 `FM_ERR_FORBIDDEN`, naming the permission, when the role lacks it.
 */
export function requirePermission(permission: Permission): Guard {
  return async (request) => {
    const user = signedIn(request)
    if (user.mustChangePassword) throw apiError('FM_ERR_PASSWORD_CHANGE_REQUIRED')
    if (!roleCan(user.role, permission)) throw apiError('FM_ERR_FORBIDDEN', permission)
  }
}

/** 403 `FM_ERR_SCOPE_FORBIDDEN` unless the user's scope covers the place: a building, or the site level when none. */
export function assertCovers(user: UserRecord, siteId: string, buildingId?: string): void {
  if (scopeCovers(user.scope, siteId, buildingId)) return
  const place = buildingId === undefined ? `site "${siteId}"` : `building "${buildingId}" of site "${siteId}"`
  throw apiError('FM_ERR_SCOPE_FORBIDDEN', place)
}

/**
 * 401 when anonymous, 403 `FM_ERR_SCOPE_FORBIDDEN` when the site named by the path parameter `param` is not in the
 * user's scope at all. A user scoped to some buildings of the site passes: they may see the site itself.
 * Runs after schema validation, so the parameter has its schema's type; put it after a `requirePermission`.
 */
export function requireSite(param = 'siteId'): Guard {
  return async (request) => {
    const user = signedIn(request)
    const siteId = (request.params as Record<string, unknown>)[param]
    if (typeof siteId !== 'string') throw new Error(`requireSite: the route has no string path parameter "${param}"`)
    if (!scopeIncludesSite(user.scope, siteId)) throw apiError('FM_ERR_SCOPE_FORBIDDEN', `site "${siteId}"`)
  }
}
