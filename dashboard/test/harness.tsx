/**
 * Renders pages with every provider the app has, around a store and an i18n instance the test owns, or the whole app
 * signing in against the fake api; and the steps the tests of both share.
 */
import type { Site, UserView } from '@fm/protocol'
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import type { ReactNode } from 'react'
import { I18nextProvider } from 'react-i18next'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { afterEach, beforeEach, vi } from 'vitest'
import { App } from '../src/App.tsx'
import { createI18n, type Language } from '../src/i18n/i18n.ts'
import { createLiveStore, type LiveStore, LiveStoreContext } from '../src/live/store.ts'
import { type Session, SessionContext } from '../src/session/SessionContext.ts'
import { SessionProvider } from '../src/session/SessionProvider.tsx'
import { SiteContext } from '../src/site/SiteContext.ts'
import { ADMIN, PASSWORD } from './auth-fixtures.ts'
import { type FakeApiState, stubAuthApi } from './fake-api.ts'
import { SITE } from './fixtures.ts'

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

/**
 * The whole app at `path`, as a browser opens it: the real `SessionProvider` asks the fake api (`stubAuthApi` of
 * fake-api.ts) who is signed in, and the router's location shows in the page (`location()`).
 */
export function renderApp(path: string, language: Language = 'zh-CN') {
  return renderWithProviders(
    <SessionProvider>
      <App />
      <LocationProbe />
    </SessionProvider>,
    { path, language, site: SITE },
  )
}

/** Opens `path` as the admin, the fake api holding `state`, and waits until `ready` shows; returns the fake api. */
export async function openAsAdmin(
  path: string,
  state: Omit<FakeApiState, 'user'>,
  ready: string,
  language: Language = 'zh-CN',
) {
  const api = stubAuthApi({ user: ADMIN, ...state })
  renderApp(path, language)
  await screen.findAllByTestId(ready)
  return api
}

/**
 * For the tests of the enclosing `describe`: each starts with nothing stored (no language chosen) and ends with the
 * page unmounted and `fetch` and any other stubbed global restored.
 */
export function isolateEachTest() {
  beforeEach(() => localStorage.clear())
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })
}

/** Types `value` into the field with `testId`, within `scope` when given. */
export function type(testId: string, value: string, scope: HTMLElement = document.body) {
  fireEvent.change(within(scope).getByTestId(testId), { target: { value } })
}

/** Signs in on the sign-in page as `username` with the fixtures' password. */
export async function signIn(username: string) {
  await screen.findByTestId('login-page')
  type('login-username', username)
  type('login-password', PASSWORD)
  fireEvent.click(screen.getByTestId('login-submit'))
  await screen.findByTestId('user-menu')
}

/** Signs out through the user's menu, back to the sign-in page. */
export async function signOut() {
  fireEvent.click(screen.getByTestId('user-menu-toggle'))
  fireEvent.click(screen.getByTestId('logout'))
  await screen.findByTestId('login-page')
}

/** The element with `testId` whose `data-<attribute>` is `value`, e.g. a table's row; fails the test when absent. */
export function getTagged(testId: string, attribute: string, value: string | number): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-testid="${testId}"][data-${attribute}="${value}"]`)
  if (!element) throw new Error(`no ${testId} with ${attribute} ${value}`)
  return element
}

/** The text of each cell of a table row. */
export const cellTexts = (row: HTMLElement) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)

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

/** Where the router is, as `LocationProbe` shows it: path and query. */
export const location = () => screen.getByTestId('location').textContent ?? ''
