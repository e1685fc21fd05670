/**
 * Who is asking. On every request the session cookie `fm_session` is looked up in the store, and the request is
 * decorated with its user and session; both stay undefined for an anonymous request (no cookie, or a session that is
 * unknown, expired, idle, revoked or whose user is disabled: the store answers none for all of them).
 *
 * The cookie is HttpOnly (no script reads it), SameSite=Lax (another site's POST, fetch or form does not carry it) and
 * Secure when the request came over TLS or `FM_API_SECURE_COOKIES` says a TLS proxy sits in front.
 */
import { fastifyCookie } from '@fastify/cookie'
import type { SessionRecord, SessionStart, Store, UserRecord } from '@fm/store'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app.ts'

export const SESSION_COOKIE = 'fm_session'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; undefined for an anonymous request. */
    user: UserRecord | undefined
    /** The session the request came with; undefined for an anonymous request. */
    session: SessionRecord | undefined
  }
}

/** Sets and clears the session cookie with the same attributes, so that a browser replaces or drops the right one. */
export interface SessionCookies {
  set(request: FastifyRequest, reply: FastifyReply, start: SessionStart): void
  clear(request: FastifyRequest, reply: FastifyReply): void
}

/** `now` is the store's clock: the cookie's Max-Age is what remains of the session. */
export function sessionCookies(secureCookies: boolean, now: () => number): SessionCookies {
  const attributes = (request: FastifyRequest) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: secureCookies || request.protocol === 'https',
  })
  return {
    set(request, reply, { token, session }) {
      // ends with the session, so that the browser does not keep sending a token the store has forgotten; Max-Age
      // rather than Expires, which a browser with a wrong clock would misread
      const maxAge = Math.max(0, Math.floor((session.expiresAt - now()) / 1000))
      reply.setCookie(SESSION_COOKIE, token, { ...attributes(request), maxAge })
    },
    clear(request, reply) {
      reply.clearCookie(SESSION_COOKIE, attributes(request))
    },
  }
}

/** Parses cookies and resolves the session of every request, before routing reaches any handler. */
export async function registerSessions(app: App, store: Store): Promise<void> {
  await app.register(fastifyCookie)
  app.decorateRequest('user', undefined)
  app.decorateRequest('session', undefined)
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE]
    if (!token) return
    const found = store.getSession(token)
    if (!found) return
    request.user = found.user
    request.session = found.session
  })
}
