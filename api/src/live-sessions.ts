/**
 * Who may hold a live socket, checked at the handshake and for as long as the socket lives.
 *
 * - The handshake carries the session cookie, as every request does (same origin). A socket is admitted for a session
 *   whose user has `live.read` and has chosen their own password; otherwise the client gets a `connect_error` whose
 *   message is the error code, as REST answers it (`FM_ERR_AUTH_REQUIRED`, `FM_ERR_FORBIDDEN`,
 *   `FM_ERR_PASSWORD_CHANGE_REQUIRED`), and socket.io does not retry on its own.
 * - The admitted socket keeps its viewer (`socket.data.viewer`): `live-feed.ts` sends it only its scope's devices.
 * - Every `checkIntervalMs`, and at once after anything that can end a session or change a user (`check()`, called by
 *   the sign-out, password and user routes), each socket's session is looked up again. A socket whose session ended
 *   (signed out, expired, revoked, user disabled) or whose user's role or scope changed is disconnected: the
 *   dashboard then asks who is signed in and, when someone still is, connects again with the new scope.
 *
 * An open live socket counts as activity: the check touches the session, as a request does, so a control-room screen
 * that only watches stays signed in for the session's whole lifetime (a shift), not just for the idle timeout.
 */
import { roleCan } from '@fm/protocol'
import type { Store, UserRecord } from '@fm/store'
import type { Logger } from 'pino'
import type { ErrorCode } from './errors.ts'
import { audienceKey, type LiveServer, type LiveViewer } from './live-feed.ts'

export const LIVE_SESSION_CHECK_MS = 5_000

/** The error a refused handshake gives the client: `message` is the code, `data` says it again with a reason. */
export interface LiveRefusal extends Error {
  data: { code: ErrorCode; message: string }
}

function refusal(code: ErrorCode, message: string): LiveRefusal {
  const error = new Error(code) as LiveRefusal
  error.data = { code, message }
  return error
}

/** Why the user may not hold a live socket now; undefined when they may. */
function refusalFor(user: UserRecord): LiveRefusal | undefined {
  if (user.mustChangePassword) return refusal('FM_ERR_PASSWORD_CHANGE_REQUIRED', 'choose your own password first')
  if (!roleCan(user.role, 'live.read')) return refusal('FM_ERR_FORBIDDEN', 'permission "live.read" required')
  return undefined
}

export interface LiveSessionsOptions {
  store: Pick<Store, 'getSession'>
  /** The session token in a `Cookie` header; undefined when it has none. */
  readToken: (cookieHeader: string | undefined) => string | undefined
  logger: Logger
  checkIntervalMs?: number
}

export class LiveSessions {
  readonly #store: Pick<Store, 'getSession'>
  readonly #readToken: LiveSessionsOptions['readToken']
  readonly #log: Logger
  readonly #checkIntervalMs: number
  #io: LiveServer | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(options: LiveSessionsOptions) {
    this.#store = options.store
    this.#readToken = options.readToken
    this.#log = options.logger
    this.#checkIntervalMs = options.checkIntervalMs ?? LIVE_SESSION_CHECK_MS
  }

  /** Guards the handshake of every socket of `io`, and checks the admitted ones from now on. */
  attach(io: LiveServer): void {
    this.#io = io
    io.use((socket, next) => {
      const token = this.#readToken(socket.request.headers.cookie)
      const found = token === undefined ? undefined : this.#store.getSession(token)
      if (token === undefined || !found) {
        next(refusal('FM_ERR_AUTH_REQUIRED', 'sign in first'))
        return
      }
      const refused = refusalFor(found.user)
      if (refused) {
        next(refused)
        return
      }
      const { id, username, role, scope } = found.user
      const viewer: LiveViewer = { userId: id, username, role, scope, token }
      socket.data.viewer = viewer
      next()
    })
    this.#timer = setInterval(() => this.check(), this.#checkIntervalMs)
    this.#timer.unref()
  }

  /** Disconnects every socket whose session ended or whose user changed; answers how many. */
  check(): number {
    const io = this.#io
    if (!io) return 0
    let closed = 0
    for (const socket of io.of('/').sockets.values()) {
      const viewer = socket.data.viewer
      if (!viewer) continue
      const why = this.#whyEnded(viewer)
      if (why === undefined) continue
      this.#log.info({ socket: socket.id, user: viewer.username, why }, 'closed a live socket')
      socket.disconnect(true)
      closed += 1
    }
    return closed
  }

  close(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  #whyEnded(viewer: LiveViewer): string | undefined {
    let found: ReturnType<Store['getSession']>
    try {
      found = this.#store.getSession(viewer.token)
    } catch (error) {
      // a store that fails now is not a reason to close every control room's screen; the next check tries again
      this.#log.warn({ err: error }, 'checking a live session failed')
      return undefined
    }
    if (!found || found.user.id !== viewer.userId) return 'the session ended'
    const { user } = found
    if (refusalFor(user)) return 'the user may no longer watch live'
    if (user.role !== viewer.role) return 'the role changed'
    if (audienceKey(user.scope) !== audienceKey(viewer.scope)) return 'the scope changed'
    return undefined
  }
}
