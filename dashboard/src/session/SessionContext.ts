import type { Permission, UserView } from '@fm/protocol'
import { createContext, useContext } from 'react'
import type { Result } from '../api.ts'

/** What `/api/auth/me` said when asked again: who is signed in, nobody (401), or nothing (no answer). */
export type SessionCheck =
  | { status: 'signed-in'; user: UserView }
  | { status: 'signed-out' }
  | { status: 'unreachable' }

export interface Session {
  /** `loading` until `/api/auth/me` answered; `error` when it could not be asked (the api is unreachable). */
  status: 'loading' | 'ready' | 'error'
  /** The signed-in user; undefined for an anonymous visitor. */
  user: UserView | undefined
  /**
   * How the last session here ended: `by-user` (signed out), `expired` (a request answered 401); undefined when
   * nobody has signed out since the page loaded. A page for signed-in users sends an expired session to sign in
   * again and back, but someone who signed out to the overview: the next person at a shared screen is someone else.
   */
  ended: 'by-user' | 'expired' | undefined
  /** Whether the user's role has `permission` (from the api's `permissions`); false when anonymous. */
  can: (permission: Permission) => boolean
  login: (username: string, password: string) => Promise<Result<UserView>>
  /** Ends the session; the screen treats the user as signed out even when the api could not be told. */
  logout: () => Promise<void>
  changePassword: (currentPassword: string, newPassword: string) => Promise<Result<UserView>>
  /** Asks `/api/auth/me` again, after it failed. */
  reload: () => void
  /**
   * Asks `/api/auth/me` again because something suggests the session changed on the server: the live link was
   * refused or closed by it (signed out elsewhere, expired, disabled, role or scope changed). The session takes the
   * answer as any other; the promise tells the caller what it was.
   */
  recheck: () => Promise<SessionCheck>
}

const NO_PROVIDER = { ok: false, failure: { code: 'unknown' } } as const

/** Outside a `SessionProvider` (tests of single pages), nobody is signed in and nobody can sign in. */
export const SessionContext = createContext<Session>({
  status: 'ready',
  user: undefined,
  ended: undefined,
  can: () => false,
  login: async () => NO_PROVIDER,
  logout: async () => {},
  changePassword: async () => NO_PROVIDER,
  reload: () => {},
  recheck: async () => ({ status: 'signed-out' }),
})

export function useSession(): Session {
  return useContext(SessionContext)
}
