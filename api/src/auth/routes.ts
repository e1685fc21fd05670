/**
 * `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me` and `POST /api/auth/password`: signing in and
 * out with the session cookie, and changing one's own password. Every login (with the reason of a refusal), lockout,
 * logout and password change is written to the audit log; passwords never are, nor logged.
 *
 * A refused login answers the same `FM_ERR_AUTH_FAILED` whether the user is unknown, the password wrong or the account
 * disabled, so the answer does not tell which usernames exist. The store locks an account after 10 wrong passwords in a
 * row (`FM_ERR_AUTH_LOCKED` with Retry-After); the route itself takes `loginAttemptsPerMin` attempts per minute from
 * one client address (`FM_ERR_RATE_LIMITED`), which slows guessing across many accounts.
 */
import { fastifyRateLimit } from '@fastify/rate-limit'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { UserView } from '@fm/protocol'
import { type LoginResult, type Store, UserError, type UserRecord } from '@fm/store'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { apiError } from '../errors.ts'
import { errorResponses } from '../routes/schemas.ts'
import { AUTH_ACTIONS, audit, userActor, userTarget } from './audit.ts'
import { requireUser, signedIn } from './guards.ts'
import { SESSION_COOKIE, sessionCookies } from './session.ts'
import { userView } from './user-view.ts'

const LOGIN_WINDOW_MS = 60_000
/** The store refuses passwords over 256 characters; the bound here only keeps a request from hashing megabytes. */
const PASSWORD_MAX_LENGTH = 1024
/** User agents can be kilobytes long; the session keeps enough to tell browsers apart. */
const USER_AGENT_MAX_LENGTH = 256

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
)

const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    newPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
)

const SignedIn = Type.Object({ user: UserView })

type Refusal = Extract<LoginResult, { ok: false }>

function userAgent(request: FastifyRequest): string | undefined {
  return request.headers['user-agent']?.slice(0, USER_AGENT_MAX_LENGTH)
}

/** The seconds until a lock ends, when the refusal is a lock: the attempt that locked the account, or a later one. */
function lockSeconds(refusal: Refusal, now: number): number | undefined {
  if (refusal.lockedUntil === undefined) return undefined
  if (refusal.reason !== 'locked' && refusal.reason !== 'wrong-password') return undefined
  return Math.max(1, Math.ceil((refusal.lockedUntil - now) / 1000))
}

/**
 * For a refusal because of a lock: audits the attempt that locked the account, and throws 429 `FM_ERR_AUTH_LOCKED` with
 * Retry-After. The caller has audited the refused attempt itself, with its own action.
 */
function throwIfLocked(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: Refusal,
  now: number,
): void {
  const seconds = lockSeconds(refusal, now)
  if (seconds === undefined) return
  if (refusal.reason === 'wrong-password' && refusal.user) {
    audit(store, request, {
      actor: { type: 'system' },
      action: AUTH_ACTIONS.lockout,
      outcome: 'ok',
      target: userTarget(refusal.user),
      detail: { username: refusal.user.username, failures: refusal.failures, lockedUntil: refusal.lockedUntil },
    })
  }
  reply.header('retry-after', seconds)
  throw apiError('FM_ERR_AUTH_LOCKED', seconds)
}

export const authRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, config, now, liveSessions }) => {
  // signing out and changing a password end sessions: their live sockets close now, not at the next check
  app.addHook('onResponse', async (request) => {
    if (request.method !== 'GET') liveSessions.check()
  })

  const cookies = sessionCookies(config.secureCookies, now)
  // In this plugin's context only: the other routes are not rate limited.
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => apiError('FM_ERR_RATE_LIMITED', Math.ceil(context.ttl / 1000)),
  })

  function startSession(request: FastifyRequest, reply: FastifyReply, user: UserRecord): void {
    const agent = userAgent(request)
    const start = store.createSession(user.id, { ip: request.ip, ...(agent === undefined ? {} : { userAgent: agent }) })
    cookies.set(request, reply, start)
  }

  app.post(
    '/auth/login',
    {
      config: { rateLimit: { max: config.loginAttemptsPerMin, timeWindow: LOGIN_WINDOW_MS } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in: sets the session cookie fm_session',
        description:
          'One answer for an unknown user, a wrong password and a disabled account (401 FM_ERR_AUTH_FAILED). ' +
          '10 wrong passwords in a row lock the account (429 FM_ERR_AUTH_LOCKED); too many attempts from one ' +
          'address answer 429 FM_ERR_RATE_LIMITED.',
        body: LoginBody,
        response: { 200: SignedIn, ...errorResponses(400, 401, 429, 500) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body
      const result = await store.verifyUserLogin(username, password)
      if (result.ok) {
        startSession(request, reply, result.user)
        audit(store, request, {
          actor: userActor(result.user),
          action: AUTH_ACTIONS.login,
          outcome: 'ok',
          target: userTarget(result.user),
        })
        return { user: userView(result.user) }
      }
      const { reason, user, failures } = result
      audit(store, request, {
        // not signed in: the name is what was typed, the target the account it names, if any
        actor: { type: 'anonymous', name: username },
        action: AUTH_ACTIONS.login,
        outcome: reason === 'locked' || reason === 'disabled' ? 'denied' : 'failed',
        ...(user ? { target: userTarget(user) } : {}),
        detail: { username, reason, ...(failures === undefined ? {} : { failures }) },
      })
      throwIfLocked(store, request, reply, result, now())
      throw apiError('FM_ERR_AUTH_FAILED')
    },
  )

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends the session and clears the cookie',
        description: 'Answers 204 also without a session, so that signing out twice is not an error.',
        response: { 204: Type.Null(), ...errorResponses(500) },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE]
      const { user } = request
      if (token) store.revokeSession(token)
      if (user) audit(store, request, { actor: userActor(user), action: AUTH_ACTIONS.logout, outcome: 'ok' })
      cookies.clear(request, reply)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/auth/me',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, with the permissions of their role',
        response: { 200: UserView, ...errorResponses(401, 500) },
      },
    },
    async (request) => userView(signedIn(request)),
  )

  app.post(
    '/auth/password',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: "Change one's own password; ends every other session and sets a fresh cookie",
        description:
          'A wrong current password answers 400 FM_ERR_PASSWORD_CURRENT_INVALID and counts towards the lockout; ' +
          'a new password the policy refuses answers 400 FM_ERR_PASSWORD_WEAK, saying why.',
        body: PasswordChangeBody,
        response: { 200: SignedIn, ...errorResponses(400, 401, 429, 500) },
      },
    },
    async (request, reply) => {
      const user = signedIn(request)
      const { currentPassword, newPassword } = request.body
      const failed = (reason: string) =>
        audit(store, request, {
          actor: userActor(user),
          action: AUTH_ACTIONS.passwordChange,
          outcome: 'failed',
          target: userTarget(user),
          detail: { reason },
        })

      const check = await store.verifyUserLogin(user.username, currentPassword)
      if (!check.ok) {
        failed(check.reason === 'wrong-password' ? 'wrong current password' : check.reason)
        throwIfLocked(store, request, reply, check, now())
        throw apiError('FM_ERR_PASSWORD_CURRENT_INVALID')
      }
      try {
        // also ends every session of the user, this one included, and lifts mustChangePassword
        await store.setUserPassword(user.id, newPassword, { mustChange: false })
      } catch (error) {
        if (!(error instanceof UserError) || error.code !== 'FM_ERR_PASSWORD_WEAK') throw error
        failed(`weak: ${error.message}`)
        throw apiError('FM_ERR_PASSWORD_WEAK', error.message)
      }
      const changed = store.getUser(user.id) ?? user
      startSession(request, reply, changed)
      audit(store, request, {
        actor: userActor(user),
        action: AUTH_ACTIONS.passwordChange,
        outcome: 'ok',
        target: userTarget(user),
      })
      return { user: userView(changed) }
    },
  )
}
