import type { Permission, UserView } from '@fm/protocol'
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ApiError, attempt, onAuthError } from '../api.ts'
import { AUTH_PATH_PREFIX, fetchMe, postLogin, postLogout, postPasswordChange } from './auth-api.ts'
import { retryDelayMs } from './backoff.ts'
import { type Session, type SessionCheck, SessionContext } from './SessionContext.ts'

interface State {
  status: Session['status']
  user: UserView | undefined
  ended: Session['ended']
}

/**
 * Who is signed in, for the whole app: asks `/api/auth/me` at start, again whenever the live link says the session may
 * have changed (`recheck`), and, while the api cannot be reached, again with a growing wait and at once when the
 * browser is back online. Follows every answer about the session: a 401 from any request means the session is gone,
 * a 403 `FM_ERR_PASSWORD_CHANGE_REQUIRED` that the user must choose a new password; both come through `onAuthError`,
 * whatever page made the request.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading', user: undefined, ended: undefined })
  // When the user last changed here (login, logout, password change), and how often: an answer to a request sent
  // before that is about the previous session and must neither sign the new one out nor overwrite it.
  const changedAt = useRef(0)
  const changes = useRef(0)

  const settle = useCallback((user: UserView | undefined, ended?: Session['ended']) => {
    changedAt.current = Date.now()
    changes.current += 1
    setState({ status: 'ready', user, ended })
  }, [])

  const askMe = useCallback(async (signal?: AbortSignal): Promise<SessionCheck> => {
    const before = changes.current
    const current = () => changes.current === before && !signal?.aborted
    try {
      const user = await fetchMe(signal)
      if (current()) setState({ status: 'ready', user, ended: undefined })
      return { status: 'signed-in', user }
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // Someone who was signed in here lost the session on the server: they are asked to sign in again.
        if (current()) {
          setState((previous) => ({
            status: 'ready',
            user: undefined,
            ended: previous.user ? 'expired' : previous.ended,
          }))
        }
        return { status: 'signed-out' }
      }
      // The screen keeps the user it had: an unreachable api says nothing about the session.
      if (current()) setState((previous) => ({ ...previous, status: 'error' }))
      return { status: 'unreachable' }
    }
  }, [])

  useEffect(() => {
    const controller = new AbortController()
    void askMe(controller.signal)
    return () => controller.abort()
  }, [askMe])

  const failed = state.status === 'error'
  useEffect(() => {
    if (!failed) return
    const controller = new AbortController()
    let failures = 0
    let asking = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const askAgain = () => {
      if (asking) return
      clearTimeout(timer)
      asking = true
      void askMe(controller.signal).then((check) => {
        asking = false
        if (check.status === 'unreachable' && !controller.signal.aborted) wait()
      })
    }
    const wait = () => {
      timer = setTimeout(askAgain, retryDelayMs(failures))
      failures += 1
    }
    wait()
    // A laptop or phone that regains its network says so: no reason to sit out the rest of the wait.
    window.addEventListener('online', askAgain)
    return () => {
      controller.abort()
      clearTimeout(timer)
      window.removeEventListener('online', askAgain)
    }
  }, [failed, askMe])

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

  const reload = useCallback(() => void askMe(), [askMe])
  const recheck = useCallback(() => askMe(), [askMe])

  const session = useMemo<Session>(() => {
    const permissions = new Set<Permission>(state.user?.permissions ?? [])
    return {
      ...state,
      can: (permission) => permissions.has(permission),
      login,
      logout,
      changePassword,
      reload,
      recheck,
    }
  }, [state, login, logout, changePassword, reload, recheck])

  return <SessionContext value={session}>{children}</SessionContext>
}
