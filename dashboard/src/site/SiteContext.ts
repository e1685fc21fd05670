import type { Site } from '@fm/protocol'
import { createContext, useContext } from 'react'

export interface SiteInfo {
  /** The compound on screen; undefined while loading or when `/api/sites` failed (the dashboard still works). */
  site: Site | undefined
  status: 'loading' | 'ok' | 'error'
}

export const SiteContext = createContext<SiteInfo>({ site: undefined, status: 'loading' })

export function useSite(): SiteInfo {
  return useContext(SiteContext)
}
