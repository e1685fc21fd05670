/**
 * A fake api for the session and user pages: a signed-in user (or none), a user list, and the routes of
 * docs/access.md answering with the api's codes. A test queues an exceptional answer for one route with `answerNext`;
 * everything else behaves as the api does. Unknown routes answer 404 `FM_ERR_NOT_FOUND`, as the real api.
 */
import type { UserView } from '@fm/protocol'
import { vi } from 'vitest'
import type { ListedUser } from '../src/users/users-api.ts'
import { PASSWORD } from './auth-fixtures.ts'
import { SITE } from './fixtures.ts'

export interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface Request {
  method: string
  path: string
  body: unknown
}

const json = ({ status, body, headers = {} }: Answer) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })

export const apiError = (status: number, code: string, message = code, headers?: Record<string, string>): Answer => ({
  status,
  body: { statusCode: status, code, error: 'Error', message },
  ...(headers ? { headers } : {}),
})

export function stubAuthApi(options: { user?: UserView | undefined; users?: ListedUser[] } = {}) {
  const state = {
    user: options.user,
    users: [...(options.users ?? [])],
    /** username → password */
    passwords: new Map((options.users ?? []).map((user) => [user.username, PASSWORD])),
  }
  if (options.user) state.passwords.set(options.user.username, PASSWORD)
  const queued = new Map<string, Answer[]>()
  const requests: Request[] = []

  function route(method: string, path: string, body: Record<string, unknown>): Answer {
    const signedIn = state.user
    if (method === 'GET' && path === '/api/auth/me') {
      return signedIn ? { status: 200, body: signedIn } : apiError(401, 'FM_ERR_AUTH_REQUIRED')
    }
    if (method === 'POST' && path === '/api/auth/login') {
      const known = [...state.users, ...(options.user ? [options.user] : [])].find((u) => u.username === body.username)
      if (!known || state.passwords.get(known.username) !== body.password) return apiError(401, 'FM_ERR_AUTH_FAILED')
      state.user = known
      return { status: 200, body: { user: known } }
    }
    if (method === 'POST' && path === '/api/auth/logout') {
      state.user = undefined
      return { status: 204 }
    }
    if (!signedIn) return apiError(401, 'FM_ERR_AUTH_REQUIRED')
    if (method === 'POST' && path === '/api/auth/password') {
      if (body.currentPassword !== state.passwords.get(signedIn.username)) {
        return apiError(400, 'FM_ERR_PASSWORD_CURRENT_INVALID')
      }
      state.passwords.set(signedIn.username, String(body.newPassword))
      state.user = { ...signedIn, mustChangePassword: false }
      return { status: 200, body: { user: state.user } }
    }
    if (path === '/api/sites') return { status: 200, body: [SITE] }
    if (path.startsWith('/api/users') && !signedIn.permissions.includes('users.manage')) {
      return apiError(403, 'FM_ERR_FORBIDDEN', 'permission "users.manage" required')
    }
    if (method === 'GET' && path === '/api/users') return { status: 200, body: state.users }
    if (method === 'POST' && path === '/api/users') {
      if (state.users.some((u) => u.username === body.username)) return apiError(409, 'FM_ERR_USER_EXISTS')
      const { password: _, ...fields } = body
      const created = { id: `u_new${String(state.users.length).padStart(13, '0')}`, ...fields } as ListedUser
      const user: ListedUser = { ...created, mustChangePassword: true, permissions: [], disabled: false }
      state.users.push(user)
      return { status: 201, body: user }
    }
    const match = /^\/api\/users\/([^/]+)(\/password)?$/.exec(path)
    const target = state.users.find((u) => u.id === decodeURIComponent(match?.[1] ?? ''))
    if (match && !target) return apiError(404, 'FM_ERR_USER_NOT_FOUND')
    if (target && method === 'PATCH' && !match?.[2]) {
      const changed = { ...target, ...body } as ListedUser
      state.users = state.users.map((u) => (u.id === target.id ? changed : u))
      return { status: 200, body: changed }
    }
    if (target && method === 'POST' && match?.[2]) return { status: 204 }
    return apiError(404, 'FM_ERR_NOT_FOUND')
  }

  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost')
    const method = init?.method ?? 'GET'
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {}
    requests.push({ method, path: url.pathname, body: init?.body === undefined ? undefined : body })
    const next = queued.get(`${method} ${url.pathname}`)?.shift()
    return json(next ?? route(method, url.pathname, body))
  })
  vi.stubGlobal('fetch', spy)

  return {
    state,
    /** Every request so far, in order, with its parsed JSON body. */
    requests,
    /** The requests to one route. */
    sent: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
    /** The next request to `method path` gets `answer` instead of the usual one. */
    answerNext(method: string, path: string, answer: Answer) {
      const list = queued.get(`${method} ${path}`) ?? []
      list.push(answer)
      queued.set(`${method} ${path}`, list)
    },
  }
}
