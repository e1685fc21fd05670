import type { Permission, UserView } from '@fm/protocol'
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ApiError, attempt, onAuthError } from '../api.ts'
import { useConnection } from '../live/store.ts'
import { AUTH_PATH_PREFIX, fetchMe, postLogin, postLogout, postPasswordChange } from './auth-api.ts'
import { type Session, SessionContext } from './SessionContext.ts'

interface State {
  status: Session['status']
  user: UserView | undefined
  ended: Session['ended']
}

/**
 * Who is signed in, for the whole app: asks `/api/auth/me` once at start (and again when it could not, once the live
 * link is back, which is when the api is reachable again), and follows every answer about the session. A 401 from
 * any request means the session is gone, a 403 `FM_ERR_PASSWORD_CHANGE_REQUIRED` that the user must choose a new
 * password: both come through `onAuthError`, whatever page made the request.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading', user: undefined, ended: undefined })
  const [attemptNo, setAttemptNo] = useState(0)
  // When the user last changed here (login, logout, password change), and how often: an answer to a request sent
  // before that is about the previous session and must neither sign the new one out nor overwrite it.
  const changedAt = useRef(0)
  const changes = useRef(0)

  const settle = useCallback((user: UserView | undefined, ended?: Session['ended']) => {
    changedAt.current = Date.now()
    changes.current += 1
    setState({ status: 'ready', user, ended })
  }, [])

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt number is the request to ask again
  useEffect(() => {
    const controller = new AbortController()
    const before = changes.current
    fetchMe(controller.signal).then(
      (user) => {
        if (changes.current === before) setState({ status: 'ready', user, ended: undefined })
      },
      (error: unknown) => {
        if (controller.signal.aborted || changes.current !== before) return
        if (error instanceof ApiError && error.status === 401)
          setState({ status: 'ready', user: undefined, ended: undefined })
        else setState((previous) => ({ ...previous, status: 'error' }))
      },
    )
    return () => controller.abort()
  }, [attemptNo])

  const connection = useConnection()
  const failed = state.status === 'error'
  useEffect(() => {
    if (failed && connection === 'live') setAttemptNo((n) => n + 1)
  }, [failed, connection])

  useEffect(
    () =>
      onAuthError((error) => {
        // The sign-in routes answer 401 for a wrong password; the functions below handle their own answers.
        if (error.path.startsWith(AUTH_PATH_PREFIX) || error.sentAt < changedAt.current) return
        if (error.status === 401) {
          setState((previous) => ({
            status: 'ready',
            user: undefined,
            ended: previous.user ? 'expired' : previous.ended,
          }))
        } else if (error.code === 'FM_ERR_PASSWORD_CHANGE_REQUIRED') {
          setState((previous) =>
            previous.user ? { ...previous, user: { ...previous.user, mustChangePassword: true } } : previous,
          )
        }
      }),
    [],
  )

  const login = useCallback(
    async (username: string, password: string) => {
      const result = await attempt(() => postLogin(username, password))
      if (result.ok) settle(result.value)
      return result
    },
    [settle],
  )

  const logout = useCallback(async () => {
    const result = await attempt(postLogout)
    // The screen is signed out either way; the cookie ends when the api hears of it, or when the session expires.
    if (!result.ok) console.warn('sign-out was not confirmed by the api', result.failure.code)
    settle(undefined, 'by-user')
  }, [settle])

  const changePassword = useCallback(
    async (currentPassword: string, newPassword: string) => {
      const result = await attempt(() => postPasswordChange(currentPassword, newPassword))
      if (result.ok) settle(result.value)
      else if (result.failure.status === 401) settle(undefined, 'expired')
      return result
    },
    [settle],
  )

  const reload = useCallback(() => setAttemptNo((n) => n + 1), [])

  const session = useMemo<Session>(() => {
    const permissions = new Set<Permission>(state.user?.permissions ?? [])
    return {
      ...state,
      can: (permission) => permissions.has(permission),
      login,
      logout,
      changePassword,
      reload,
    }
  }, [state, login, logout, changePassword, reload])

  return <SessionContext value={session}>{children}</SessionContext>
}
