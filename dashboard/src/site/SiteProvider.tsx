import type { ReactNode } from 'react'
import { useEffect, useMemo, useState } from 'react'
import { fetchSites } from '../api.ts'
import { useConnection } from '../live/store.ts'
import { useSession } from '../session/SessionContext.ts'
import { useApi } from '../useApi.ts'
import { SiteContext, type SiteInfo } from './SiteContext.ts'

/**
 * Loads the site for the whole app, once per signed-in user: the api lists only the sites within the user's scope,
 * so another user, or a changed scope, loads again, and nobody signed in loads nothing, nor a user who must choose a
 * new password first (the api refuses them everything else until then). One dashboard watches one
 * compound today, so the first site is the one shown; a site picker belongs here when a company runs several
 * compounds on one api. A failed load is retried when the live link comes back, which is when the api is reachable
 * again.
 */
export function SiteProvider({ children }: { children: ReactNode }) {
  const { user } = useSession()
  const [attempt, setAttempt] = useState(0)
  const key = user && !user.mustChangePassword ? `sites|${user.id}|${JSON.stringify(user.scope)}|${attempt}` : null
  const sites = useApi(key, fetchSites)
  const connection = useConnection()
  const failed = sites.status === 'error'
  useEffect(() => {
    if (failed && connection === 'live') setAttempt((n) => n + 1)
  }, [failed, connection])
  const info = useMemo<SiteInfo>(() => ({ site: sites.data?.[0], status: sites.status }), [sites])
  return <SiteContext value={info}>{children}</SiteContext>
}
