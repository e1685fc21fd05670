/** Renders pages with every provider the app has, around a store and an i18n instance the test owns. */
import type { Site, UserView } from '@fm/protocol'
import { render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { I18nextProvider } from 'react-i18next'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { vi } from 'vitest'
import { createI18n, type Language } from '../src/i18n/i18n.ts'
import { createLiveStore, type LiveStore, LiveStoreContext } from '../src/live/store.ts'
import { type Session, SessionContext } from '../src/session/SessionContext.ts'
import { SiteContext } from '../src/site/SiteContext.ts'

/**
 * A session that stays signed in as `user`, for tests of pages rather than of signing in (those use the real
 * `SessionProvider` with the fake api of fake-api.ts).
 */
export function signedInSession(user: UserView): Session {
  const permissions = new Set(user.permissions)
  return {
    status: 'ready',
    user,
    ended: undefined,
    can: (permission) => permissions.has(permission),
    login: async () => ({ ok: true, value: user }),
    logout: async () => {},
    changePassword: async () => ({ ok: true, value: user }),
    reload: () => {},
    recheck: async () => ({ status: 'signed-in', user }),
  }
}

export function renderWithProviders(
  ui: ReactNode,
  options: { store?: LiveStore; site?: Site; language?: Language; path?: string; route?: string; user?: UserView } = {},
) {
  const store = options.store ?? createLiveStore()
  const i18n = createI18n(options.language ?? 'zh-CN')
  const site = options.site
  const signedIn = options.user
  const routed = options.route ? (
    <Routes>
      <Route path={options.route} element={ui} />
    </Routes>
  ) : (
    ui
  )
  const result = render(
    <I18nextProvider i18n={i18n}>
      <LiveStoreContext value={store}>
        <SiteContext value={{ site, status: site ? 'ok' : 'loading' }}>
          <MemoryRouter initialEntries={[options.path ?? '/']}>
            {signedIn ? <SessionContext value={signedInSession(signedIn)}>{routed}</SessionContext> : routed}
          </MemoryRouter>
        </SiteContext>
      </LiveStoreContext>
    </I18nextProvider>,
  )
  return { ...result, store, i18n }
}

type Handler = (url: URL) => unknown

/**
 * Replaces `fetch` with a fake api: the first route whose prefix matches the path answers with JSON; anything else
 * is a 404, as the real api answers. Returns the spy to inspect requests.
 */
export function stubApi(routes: Record<string, Handler>) {
  const spy = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost')
    for (const [prefix, handler] of Object.entries(routes)) {
      if (url.pathname === prefix || url.pathname.startsWith(`${prefix}/`) || url.pathname.startsWith(`${prefix}?`)) {
        return new Response(JSON.stringify(handler(url)), { headers: { 'content-type': 'application/json' } })
      }
    }
    return new Response(JSON.stringify({ statusCode: 404, code: 'FM_ERR_NOT_FOUND' }), { status: 404 })
  })
  vi.stubGlobal('fetch', spy)
  return spy
}

/** Shows the router's location in the page, so a test can read where a redirect went. */
export function LocationProbe() {
  const location = useLocation()
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>
}
