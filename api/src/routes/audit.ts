/**
 * `GET /api/audit`: the audit log, newest first, a page at a time, for roles with `audit.read`. Admins and users whose
 * scope covers all sites read every entry; anyone else only the entries of the sites of their scope, and none of the
 * platform-wide ones (logins, user changes), which have no site.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuditPage, ID_PATTERN, scopeIncludesSite } from '@fm/protocol'
import { type AuditEntry, type AuditQuery, DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT, type UserRecord } from '@fm/store'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { requirePermission, signedIn } from '../auth/guards.ts'
import { apiError } from '../errors.ts'
import { errorResponses } from './schemas.ts'

/** The largest time a JavaScript Date can hold, epoch ms. */
const MAX_TIME_MS = 8.64e15

const Time = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description })

const AuditQueryString = Type.Object(
  {
    from: Type.Optional(Time('only entries at or after this time, epoch ms')),
    to: Type.Optional(Time('only entries before this time, epoch ms')),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'the id of the actor (a user id)' })),
    action: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9._-]*$',
        maxLength: 128,
        description: "prefix: 'auth.' finds every login and logout, 'user.' every change to users",
      }),
    ),
    outcome: Type.Optional(Type.Enum(['ok', 'denied', 'failed'])),
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'the id of the target' })),
    site: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'only the entries of this site' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AUDIT_LIMIT, default: DEFAULT_AUDIT_LIMIT })),
    beforeTs: Type.Optional(Time('cursor, with beforeId: `next.beforeTs` of the previous page')),
    beforeId: Type.Optional(Type.Integer({ minimum: 1, description: 'cursor, with beforeTs: `next.beforeId`' })),
  },
  { additionalProperties: false, dependencies: { beforeTs: ['beforeId'], beforeId: ['beforeTs'] } },
)

/**
 * The sites a user may read entries of, as a filter of the store's query. 403 `FM_ERR_SCOPE_FORBIDDEN` when `site`
 * asks for one outside their scope.
 */
function auditSites(user: UserRecord, site: string | undefined): Pick<AuditQuery, 'siteIds' | 'includeGlobal'> {
  const everywhere = user.role === 'admin' || user.scope.allSites
  if (site !== undefined) {
    if (!everywhere && !scopeIncludesSite(user.scope, site)) throw apiError('FM_ERR_SCOPE_FORBIDDEN', `site "${site}"`)
    return { siteIds: [site], includeGlobal: false }
  }
  return everywhere ? {} : { siteIds: user.scope.siteIds, includeGlobal: false }
}

export const auditRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store }) => {
  /** The cursor after `entries`, when older entries match the query; a full page alone does not prove there are. */
  function nextCursor(query: AuditQuery, entries: AuditEntry[]): Pick<AuditPage, 'next'> {
    const last = entries.at(-1)
    if (!last || entries.length < (query.limit ?? DEFAULT_AUDIT_LIMIT)) return {}
    const before = { ts: last.ts, id: last.id }
    if (store.queryAudit({ ...query, before, limit: 1 }).length === 0) return {}
    return { next: { beforeTs: last.ts, beforeId: last.id } }
  }

  app.get(
    '/audit',
    {
      preHandler: requirePermission('audit.read'),
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first, a page at a time',
        description:
          'Who did what, to what, where, from where, and how it ended. Pass `next.beforeTs` and `next.beforeId` ' +
          'of a page to read the one before it. Users whose scope does not cover all sites read only the entries ' +
          'of their sites (a site outside it answers 403 FM_ERR_SCOPE_FORBIDDEN); admins read every entry.',
        querystring: AuditQueryString,
        response: { 200: AuditPage, ...errorResponses(400, 401, 403, 500) },
      },
    },
    (request) => {
      const { from, to, actor, action, outcome, target, site, limit, beforeTs, beforeId } = request.query
      const query: AuditQuery = {
        ...auditSites(signedIn(request), site),
        from,
        to,
        actorId: actor,
        action,
        outcome,
        targetId: target,
        limit: limit ?? DEFAULT_AUDIT_LIMIT,
      }
      if (beforeTs !== undefined && beforeId !== undefined) query.before = { ts: beforeTs, id: beforeId }
      const entries = store.queryAudit(query)
      return { entries, ...nextCursor(query, entries) }
    },
  )
}
