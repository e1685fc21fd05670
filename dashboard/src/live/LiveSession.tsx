import type { UserView } from '@fm/protocol'
import { useEffect, useRef } from 'react'
import { retryDelayMs } from '../session/backoff.ts'
import { useSession } from '../session/SessionContext.ts'
import { animationFrame, createLiveClient, type FrameScheduler, type LiveTransport, socketTransport } from './client.ts'
import { INITIAL_LIVE_STATE, useLiveStore } from './store.ts'

/**
 * Whom the server streams live data for, as a key that changes whenever what they may see changes: the user, their
 * role and their scope. Undefined when nobody may have live data here: nobody signed in, a password to change first
 * (the server refuses the handshake until then), or a role without `live.read`.
 */
export function liveAudience(user: UserView | undefined): string | undefined {
  if (!user || user.mustChangePassword || !user.permissions.includes('live.read')) return undefined
  const { allSites, siteIds, buildingIds } = user.scope
  return JSON.stringify([user.id, user.role, allSites, [...siteIds].sort(), [...buildingIds].sort()])
}

interface LiveSessionProps {
  /** socket.io at the page's origin; tests pass a transport they drive by hand. */
  transport?: LiveTransport
  scheduleFrame?: FrameScheduler
}

/**
 * The live link of whoever is signed in, and of nobody else. It opens when a user signs in and closes when they sign
 * out. When another user signs in, or the same user's role or scope changes, the store is emptied before the new link
 * opens: a guard who signs in after an admin on a shared control-room PC must never see the admin's devices, not even
 * until the first snapshot. When the server refuses or closes the link, the session asks `/api/auth/me` again: still
 * signed in, the link opens again (at once the first time, then after a growing wait, so a server that keeps refusing
 * is not asked in a loop); signed out, the pages send the user to sign in.
 */
export function LiveSession({ transport, scheduleFrame }: LiveSessionProps) {
  const store = useLiveStore()
  const { user, recheck } = useSession()
  const audience = liveAudience(user)
  // Read when the link opens; a new transport or session object alone is no reason to reopen it.
  const options = useRef({ transport, scheduleFrame, recheck })
  options.current = { transport, scheduleFrame, recheck }

  useEffect(() => {
    if (audience === undefined) return
    let stopped = false
    let refusals = 0
    let reopen: ReturnType<typeof setTimeout> | undefined
    const { transport: given, scheduleFrame: frames } = options.current
    const client = createLiveClient(store, given ?? socketTransport(), frames ?? animationFrame, () => {
      client.stop()
      void options.current.recheck().then((check) => {
        if (stopped || check.status === 'signed-out') return
        // A changed role or scope is another audience: the effect for it opens a new link on an empty store.
        if (check.status === 'signed-in' && liveAudience(check.user) !== audience) return
        reopen = setTimeout(() => client.start(), refusals === 0 ? 0 : retryDelayMs(refusals - 1))
        refusals += 1
      })
    })
    // A link that worked was refused for a new reason, not again for the old one: the next reopen is immediate.
    const unsubscribe = store.subscribe(() => {
      if (store.getState().connection === 'live') refusals = 0
    })
    client.start()
    return () => {
      stopped = true
      clearTimeout(reopen)
      unsubscribe()
      client.stop()
      store.update(() => INITIAL_LIVE_STATE)
    }
  }, [audience, store])

  return null
}
