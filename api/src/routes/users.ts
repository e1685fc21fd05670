/**
 * `GET /api/users`, `POST /api/users`, `PATCH /api/users/:id` and `POST /api/users/:id/password`: the users
 * administration, for roles with `users.manage`. The store holds the policy (username rules, a site for every role but
 * admin, the password rules, at least one enabled admin); these routes check the shape, answer its refusals with codes
 * and write every change, and every refused one, to the audit log with the user before and after. Passwords never
 * enter the log: the audited form of a user (`auditedUser`) has no field for them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { UserView } from '@fm/protocol'
import { type Store, UserError, type UserPatch, type UserRecord } from '@fm/store'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { audit, auditedUser, USER_ACTIONS, userActor, userTarget } from '../auth/audit.ts'
import { requirePermission, signedIn } from '../auth/guards.ts'
import { NewUserInput, PasswordResetInput, UserParams, UserPatchInput, userApiError } from '../auth/user-input.ts'
import { adminUserView } from '../auth/user-view.ts'
import { type ApiError, apiError } from '../errors.ts'
import { errorResponses } from './schemas.ts'

type UserAction = (typeof USER_ACTIONS)[keyof typeof USER_ACTIONS]

/** Whether `patch` takes away the last enabled admin: demotes or disables `user` while no other admin is enabled. */
function losesLastAdmin(store: Store, user: UserRecord, patch: UserPatch): boolean {
  if (user.role !== 'admin' || user.disabled) return false
  if (patch.disabled !== true && (patch.role === undefined || patch.role === 'admin')) return false
  return !store.listUsers().some((other) => other.id !== user.id && other.role === 'admin' && !other.disabled)
}

function userOr404(store: Store, id: string): UserRecord {
  const user = store.getUser(id)
  if (!user) throw apiError('FM_ERR_USER_NOT_FOUND', id)
  return user
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

export const userRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, liveSessions }) => {
  // a user disabled, given another role or scope, or a new password: their live sockets close now
  app.addHook('onResponse', async (request) => {
    if (request.method !== 'GET') liveSessions.check()
  })

  const manage = requirePermission('users.manage')

  /** Audits a refused change as failed, with the code and reason the client gets, and returns that answer. */
  function refused(
    request: FastifyRequest,
    action: UserAction,
    answer: ApiError,
    about: UserRecord | string,
  ): ApiError {
    audit(store, request, {
      actor: userActor(signedIn(request)),
      action,
      outcome: 'failed',
      ...(typeof about === 'string' ? {} : { target: userTarget(about) }),
      detail: {
        username: typeof about === 'string' ? about : about.username,
        code: answer.code,
        reason: answer.message,
      },
    })
    return answer
  }

  app.get(
    '/users',
    {
      preHandler: manage,
      schema: {
        tags: ['users'],
        summary: 'Every user, disabled ones included, by username',
        response: { 200: Type.Array(UserView), ...errorResponses(401, 403, 500) },
      },
    },
    () => store.listUsers().map(adminUserView),
  )

  app.post(
    '/users',
    {
      preHandler: manage,
      schema: {
        tags: ['users'],
        summary: 'Create a user, who must choose a new password at the first login',
        description:
          'A taken username answers 409 FM_ERR_USER_EXISTS; a username, display name, role or scope the policy ' +
          'refuses 400 FM_ERR_USER_INVALID; a weak password 400 FM_ERR_PASSWORD_WEAK. Audited as user.create.',
        body: NewUserInput,
        response: { 201: UserView, ...errorResponses(400, 401, 403, 409, 500) },
      },
    },
    async (request, reply) => {
      const admin = signedIn(request)
      let user: UserRecord
      try {
        user = await store.createUser({ ...request.body, mustChangePassword: true })
      } catch (error) {
        const answer = userApiError(error)
        if (!answer) throw error
        throw refused(request, USER_ACTIONS.create, answer, request.body.username)
      }
      audit(store, request, {
        actor: userActor(admin),
        action: USER_ACTIONS.create,
        outcome: 'ok',
        target: userTarget(user),
        after: auditedUser(user),
      })
      return reply.code(201).send(adminUserView(user))
    },
  )

  app.patch(
    '/users/:id',
    {
      preHandler: manage,
      schema: {
        tags: ['users'],
        summary: "Change a user's display name, role or scope, or disable or enable them",
        description:
          'Disabling ends the sessions of the user. Disabling or demoting the last enabled admin answers 409 ' +
          'FM_ERR_USER_LAST_ADMIN; a role without the scope it needs 400 FM_ERR_USER_INVALID. A change is audited as ' +
          'user.update with the user before and after; a request that changes nothing is not.',
        params: UserParams,
        body: UserPatchInput,
        response: { 200: UserView, ...errorResponses(400, 401, 403, 404, 409, 500) },
      },
    },
    (request) => {
      const admin = signedIn(request)
      const patch: UserPatch = request.body
      const before = userOr404(store, request.params.id)
      if (losesLastAdmin(store, before, patch)) {
        throw refused(request, USER_ACTIONS.update, apiError('FM_ERR_USER_LAST_ADMIN'), before)
      }
      let after: UserRecord | undefined
      try {
        after = store.updateUser(before.id, patch)
      } catch (error) {
        // another admin may have been demoted meanwhile: the store's own check then refused it
        const current = store.getUser(before.id) ?? before
        const lastAdmin = error instanceof UserError && losesLastAdmin(store, current, patch)
        const answer = lastAdmin ? apiError('FM_ERR_USER_LAST_ADMIN') : userApiError(error)
        if (!answer) throw error
        throw refused(request, USER_ACTIONS.update, answer, before)
      }
      if (!after) throw apiError('FM_ERR_USER_NOT_FOUND', before.id)
      const [was, is] = [auditedUser(before), auditedUser(after)]
      if (!sameJson(was, is)) {
        audit(store, request, {
          actor: userActor(admin),
          action: USER_ACTIONS.update,
          outcome: 'ok',
          target: userTarget(after),
          before: was,
          after: is,
        })
      }
      return adminUserView(after)
    },
  )

  app.post(
    '/users/:id/password',
    {
      preHandler: manage,
      schema: {
        tags: ['users'],
        summary: "Set a user's password: they must choose another at the next login; their sessions end",
        description:
          'Lifts a lockout. A weak password answers 400 FM_ERR_PASSWORD_WEAK. Audited as user.password.reset, ' +
          'without the password.',
        params: UserParams,
        body: PasswordResetInput,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request, reply) => {
      const admin = signedIn(request)
      const before = userOr404(store, request.params.id)
      let done: boolean
      try {
        // also ends every session of the user and lifts a lockout
        done = await store.setUserPassword(before.id, request.body.password, { mustChange: true })
      } catch (error) {
        const answer = userApiError(error)
        if (!answer) throw error
        throw refused(request, USER_ACTIONS.passwordReset, answer, before)
      }
      if (!done) throw apiError('FM_ERR_USER_NOT_FOUND', before.id)
      audit(store, request, {
        actor: userActor(admin),
        action: USER_ACTIONS.passwordReset,
        outcome: 'ok',
        target: userTarget(before),
        before: auditedUser(before),
        after: auditedUser(store.getUser(before.id) ?? before),
      })
      return reply.code(204).send(null)
    },
  )
}
