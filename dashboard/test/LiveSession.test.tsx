import type { UserView } from '@fm/protocol'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { App } from '../src/App.tsx'
import type { LiveHandlers, LiveTransport } from '../src/live/client.ts'
import { LiveSession, liveAudience } from '../src/live/LiveSession.tsx'
import { SessionProvider } from '../src/session/SessionProvider.tsx'
import { FIRE, FLOOD } from './alarm-fixtures.ts'
import { ADMIN, GUARD, PASSWORD, SUPERVISOR, userView } from './auth-fixtures.ts'
import { stubAuthApi } from './fake-api.ts'
import { DEVICES, NOW, SITE, SNAPSHOT } from './fixtures.ts'
import { isolateEachTest, LocationProbe, location, renderWithProviders, signIn, signOut } from './harness.tsx'

/** A transport that records every link it opens; the test plays the server on the newest one. */
function fakeTransport() {
  const links: { handlers: LiveHandlers; closed: boolean }[] = []
  const transport: LiveTransport = (handlers) => {
    const link = { handlers, closed: false }
    links.push(link)
    return () => {
      link.closed = true
    }
  }
  const open = () => links.filter((link) => !link.closed)
  /** The one open link; fails the test when there is none or more than one. */
  const server = () => {
    const [only, ...others] = open()
    if (!only || others.length > 0) throw new Error(`${open().length} live links are open`)
    return only.handlers
  }
  return { transport, links, open, server }
}

function renderLive(path: string) {
  const live = fakeTransport()
  const view = renderWithProviders(
    <SessionProvider>
      <LiveSession transport={live.transport} scheduleFrame={() => () => {}} />
      <App />
      <LocationProbe />
    </SessionProvider>,
    { path, site: SITE },
  )
  return { ...live, store: view.store }
}

/** The server's first answer on the open link: `snapshot`, and the link is live. */
function goLive(live: ReturnType<typeof fakeTransport>, snapshot = SNAPSHOT) {
  act(() => {
    live.server().snapshot(snapshot)
    live.server().connection('live')
  })
}

const snapshotOf = (devices = DEVICES) => ({ ts: NOW, devices, alarms: [], floods: [] })

describe('LiveSession', () => {
  isolateEachTest()

  it('opens no live link while nobody is signed in', async () => {
    stubAuthApi({ users: [ADMIN] })
    const live = renderLive('/')
    await screen.findByTestId('login-page')
    expect(live.links).toEqual([])
  })

  it('opens the link when a user signs in, and closes it and empties the store when they sign out', async () => {
    stubAuthApi({ users: [ADMIN] })
    const live = renderLive('/')
    await signIn('admin')
    expect(live.links).toHaveLength(1)
    goLive(live)
    expect(await screen.findAllByTestId('device-card')).toHaveLength(DEVICES.length)

    await signOut()
    expect(live.open()).toEqual([])
    expect(live.store.getState()).toMatchObject({ snapshotTs: null, list: [], events: [] })
  })

  it('starts afresh for the next user at a shared screen: the guard never sees what the admin could', async () => {
    const lakeside = DEVICES.map((device) => ({ ...device, id: `lakeside-${device.id}` }))
    stubAuthApi({ users: [ADMIN, GUARD] })
    const live = renderLive('/')
    await signIn('admin')
    goLive(live, { ...snapshotOf([...DEVICES, ...lakeside]), alarms: [FIRE], floods: [FLOOD] })
    expect(await screen.findAllByTestId('device-card')).toHaveLength(2 * DEVICES.length)
    expect(screen.getByTestId('nav-alarms-badge').dataset.count).toBe('1')

    await signOut()
    await signIn('guard.zhang')
    expect(live.links).toHaveLength(2)
    // Until the guard's own snapshot, nothing of the admin's is on screen or in the store: no device, no alarm.
    expect(live.store.getState()).toMatchObject({ devices: new Map(), alarms: new Map(), floods: new Map() })
    expect(screen.queryByTestId('nav-alarms-badge')).toBeNull()
    expect(screen.queryAllByTestId('device-card')).toEqual([])
    goLive(live)
    expect(await screen.findAllByTestId('device-card')).toHaveLength(DEVICES.length)
    expect(document.querySelector('[data-device-id^="lakeside-"]')).toBeNull()
  })

  it('asks who is signed in when the server closes the link, and opens it again for the same user and scope', async () => {
    const api = stubAuthApi({ user: ADMIN })
    const live = renderLive('/')
    await screen.findByTestId('user-menu')
    goLive(live)
    act(() => {
      live.server().connection('offline')
      live.server().refused({ kind: 'closed' })
    })
    await waitFor(() => expect(live.links).toHaveLength(2))
    expect(api.sent('GET', '/api/auth/me')).toHaveLength(2)
    expect(live.open()).toHaveLength(1)
    // The same audience keeps what it saw until the new snapshot replaces it.
    expect(live.store.getState().devices.size).toBe(DEVICES.length)
  })

  it('starts afresh when the server closed the link because the role or scope changed', async () => {
    const api = stubAuthApi({ user: ADMIN })
    const live = renderLive('/')
    await screen.findByTestId('user-menu')
    goLive(live)
    // An administrator made this user a supervisor of one site in another tab.
    api.state.user = { ...SUPERVISOR, id: ADMIN.id, username: ADMIN.username, displayName: ADMIN.displayName }
    act(() => live.server().refused({ kind: 'closed' }))
    await waitFor(() => expect(screen.getByTestId('user-role').textContent).toBe('主管'))
    await waitFor(() => expect(live.links).toHaveLength(2))
    expect(live.open()).toHaveLength(1)
    expect(live.store.getState().devices.size).toBe(0)
    expect(screen.queryByTestId('nav-devices')).toBeNull()
  })

  it('sends the user to sign in again, saying the session ended, when the handshake is refused for it', async () => {
    const api = stubAuthApi({ user: GUARD })
    const live = renderLive('/devices/tank-1')
    await screen.findByTestId('user-menu')
    api.state.user = undefined // signed out in another tab, or expired
    act(() => live.server().refused({ kind: 'refused', code: 'FM_ERR_AUTH_REQUIRED' }))
    await screen.findByTestId('login-page')
    expect(location()).toBe('/login?next=%2Fdevices%2Ftank-1')
    expect(screen.getByTestId('login-expired').textContent).toContain('您的登录已结束')
    expect(live.links).toHaveLength(1)
    expect(live.open()).toEqual([])
  })

  it('waits longer each time the server refuses a user the api still signs in, instead of asking in a loop', async () => {
    vi.useFakeTimers()
    try {
      stubAuthApi({ user: GUARD })
      const live = renderLive('/')
      await act(() => vi.advanceTimersByTimeAsync(0))
      expect(live.links).toHaveLength(1)
      const refuse = async () => {
        act(() => live.server().refused({ kind: 'refused', code: 'FM_ERR_FORBIDDEN' }))
        await act(() => vi.advanceTimersByTimeAsync(0))
      }
      await refuse()
      expect(live.links).toHaveLength(2) // at once, the first time
      await refuse()
      expect(live.links).toHaveLength(2)
      await act(() => vi.advanceTimersByTimeAsync(999))
      expect(live.links).toHaveLength(2)
      await act(() => vi.advanceTimersByTimeAsync(1))
      expect(live.links).toHaveLength(3)
      await refuse()
      await act(() => vi.advanceTimersByTimeAsync(1_999))
      expect(live.links).toHaveLength(3)
      await act(() => vi.advanceTimersByTimeAsync(1))
      expect(live.links).toHaveLength(4)
    } finally {
      vi.useRealTimers()
    }
  })

  it('opens no link while the password must be changed first, and opens it once it is', async () => {
    stubAuthApi({ user: { ...GUARD, mustChangePassword: true } })
    const live = renderLive('/')
    await screen.findByTestId('password-page')
    expect(live.links).toEqual([])
    fireEvent.change(screen.getByTestId('password-current'), { target: { value: PASSWORD } })
    fireEvent.change(screen.getByTestId('password-new'), { target: { value: 'lotus-pond-2026' } })
    fireEvent.change(screen.getByTestId('password-repeat'), { target: { value: 'lotus-pond-2026' } })
    fireEvent.click(screen.getByTestId('password-submit'))
    await waitFor(() => expect(live.links).toHaveLength(1))
  })
})

describe('liveAudience', () => {
  const guard: UserView = GUARD

  it('changes with the user, the role and the scope, and not with the order of ids', () => {
    const base = liveAudience(guard)
    expect(base).toBeDefined()
    expect(liveAudience({ ...guard, displayName: '张伟（夜班）' })).toBe(base)
    expect(liveAudience({ ...guard, scope: { ...guard.scope, siteIds: ['cuihu', 'lakeside'] } })).not.toBe(base)
    expect(liveAudience({ ...guard, scope: { ...guard.scope, siteIds: ['lakeside', 'cuihu'] } })).toBe(
      liveAudience({ ...guard, scope: { ...guard.scope, siteIds: ['cuihu', 'lakeside'] } }),
    )
    expect(liveAudience({ ...guard, role: 'viewer' })).not.toBe(base)
    expect(liveAudience(userView({ ...guard, id: 'u_other00000000000', role: 'guard' }))).not.toBe(base)
  })

  it('is undefined for nobody, a password to change first, and a role without live.read', () => {
    expect(liveAudience(undefined)).toBeUndefined()
    expect(liveAudience({ ...guard, mustChangePassword: true })).toBeUndefined()
    expect(liveAudience({ ...guard, permissions: ['devices.read'] })).toBeUndefined()
  })
})
