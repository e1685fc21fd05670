import { act, cleanup, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { getJson } from '../src/api.ts'
import { RETRY_MAX_MS, retryDelayMs } from '../src/session/backoff.ts'
import { safeNext, withNext } from '../src/session/paths.ts'
import { type Session, useSession } from '../src/session/SessionContext.ts'
import { SessionProvider } from '../src/session/SessionProvider.tsx'
import { ADMIN, GUARD, PASSWORD } from './auth-fixtures.ts'
import { apiError, stubAuthApi } from './fake-api.ts'
import { renderWithProviders } from './harness.tsx'

let session: Session | undefined

/** Hands the session to the test and shows who is signed in. */
function Probe() {
  session = useSession()
  return <output data-testid="who">{`${session.status}:${session.user?.username ?? 'anonymous'}`}</output>
}

function current(): Session {
  if (!session) throw new Error('the probe has not rendered')
  return session
}

async function renderSession() {
  renderWithProviders(
    <SessionProvider>
      <Probe />
    </SessionProvider>,
  )
  await waitFor(() => expect(current().status).not.toBe('loading'))
}

const who = () => screen.getByTestId('who').textContent

describe('SessionProvider', () => {
  beforeEach(() => {
    session = undefined
    localStorage.clear()
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  it('asks /api/auth/me at start and says what the role may do from the permissions the api sent', async () => {
    const api = stubAuthApi({ user: ADMIN })
    await renderSession()
    expect(who()).toBe('ready:admin')
    expect(api.sent('GET', '/api/auth/me')).toHaveLength(1)
    expect(current().can('users.manage')).toBe(true)
    expect(current().can('system.read')).toBe(true)
  })

  it('gives a guard only the permissions of a guard', async () => {
    stubAuthApi({ user: GUARD })
    await renderSession()
    expect(current().can('commands.send')).toBe(true)
    expect(current().can('users.manage')).toBe(false)
    expect(current().can('system.read')).toBe(false)
  })

  it('treats a 401 from /api/auth/me as an anonymous visitor who may do nothing', async () => {
    stubAuthApi()
    await renderSession()
    expect(who()).toBe('ready:anonymous')
    expect(current().can('devices.read')).toBe(false)
  })

  it('says the api could not be asked when /api/auth/me gets no answer, and asks again on reload', async () => {
    const api = stubAuthApi({ user: ADMIN })
    const fetch = vi.mocked(globalThis.fetch)
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await renderSession()
    expect(who()).toBe('error:anonymous')
    act(() => current().reload())
    await waitFor(() => expect(who()).toBe('ready:admin'))
    expect(api.sent('GET', '/api/auth/me')).toHaveLength(1)
  })

  it('signs in with the username and password as JSON and keeps the user', async () => {
    const api = stubAuthApi({ users: [ADMIN] })
    await renderSession()
    const result = await act(() => current().login('admin', PASSWORD))
    expect(result).toEqual({ ok: true, value: ADMIN })
    expect(who()).toBe('ready:admin')
    expect(api.sent('POST', '/api/auth/login')[0]?.body).toEqual({ username: 'admin', password: PASSWORD })
  })

  it('answers a wrong password, a locked account and a rate limit as values with their code and Retry-After', async () => {
    const api = stubAuthApi({ users: [ADMIN] })
    await renderSession()
    expect(await act(() => current().login('admin', 'wrong-password'))).toEqual({
      ok: false,
      failure: { code: 'FM_ERR_AUTH_FAILED', status: 401, retryAfterSec: undefined, detail: 'FM_ERR_AUTH_FAILED' },
    })
    api.answerNext('POST', '/api/auth/login', apiError(429, 'FM_ERR_AUTH_LOCKED', 'locked', { 'retry-after': '845' }))
    const locked = await act(() => current().login('admin', PASSWORD))
    expect(locked.ok ? undefined : locked.failure).toMatchObject({ code: 'FM_ERR_AUTH_LOCKED', retryAfterSec: 845 })
    api.answerNext('POST', '/api/auth/login', apiError(429, 'FM_ERR_RATE_LIMITED', 'slow', { 'retry-after': '42' }))
    const limited = await act(() => current().login('admin', PASSWORD))
    expect(limited.ok ? undefined : limited.failure).toMatchObject({ code: 'FM_ERR_RATE_LIMITED', retryAfterSec: 42 })
    expect(who()).toBe('ready:anonymous')
  })

  it('signs out, and is signed out on screen even when the api cannot be told', async () => {
    const api = stubAuthApi({ user: ADMIN })
    await renderSession()
    await act(() => current().logout())
    expect(who()).toBe('ready:anonymous')
    expect(api.sent('POST', '/api/auth/logout')).toHaveLength(1)
    expect(api.sent('POST', '/api/auth/logout')[0]?.body).toBeUndefined()

    await act(() => current().login('admin', PASSWORD))
    vi.mocked(globalThis.fetch).mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    await act(() => current().logout())
    expect(who()).toBe('ready:anonymous')
    expect(warn).toHaveBeenCalledOnce()
    warn.mockRestore()
  })

  it('changes the password and takes the user the api answers', async () => {
    const api = stubAuthApi({ user: { ...ADMIN, mustChangePassword: true } })
    await renderSession()
    expect(current().user?.mustChangePassword).toBe(true)
    const wrong = await act(() => current().changePassword('not-it', 'a-new-passphrase'))
    expect(wrong.ok ? undefined : wrong.failure.code).toBe('FM_ERR_PASSWORD_CURRENT_INVALID')
    const changed = await act(() => current().changePassword(PASSWORD, 'a-new-passphrase'))
    expect(changed.ok).toBe(true)
    expect(current().user?.mustChangePassword).toBe(false)
    expect(api.sent('POST', '/api/auth/password')[1]?.body).toEqual({
      currentPassword: PASSWORD,
      newPassword: 'a-new-passphrase',
    })
  })

  it('treats a 401 from any other request as signed out', async () => {
    const api = stubAuthApi({ user: ADMIN })
    await renderSession()
    api.state.user = undefined // the session expired on the server
    await act(() => getJson('/api/users').catch(() => undefined))
    expect(who()).toBe('ready:anonymous')
  })

  it('takes a 403 FM_ERR_PASSWORD_CHANGE_REQUIRED as a password the user must change first', async () => {
    const api = stubAuthApi({ user: ADMIN })
    await renderSession()
    api.answerNext('GET', '/api/sites', apiError(403, 'FM_ERR_PASSWORD_CHANGE_REQUIRED'))
    await act(() => getJson('/api/sites').catch(() => undefined))
    expect(current().user?.mustChangePassword).toBe(true)
  })

  it('rechecks the session on request and says what the api answered; a 401 then ends the session', async () => {
    const api = stubAuthApi({ user: GUARD })
    await renderSession()
    expect(await act(() => current().recheck())).toEqual({ status: 'signed-in', user: GUARD })
    expect(current().ended).toBeUndefined()
    api.state.user = undefined
    expect(await act(() => current().recheck())).toEqual({ status: 'signed-out' })
    expect(who()).toBe('ready:anonymous')
    expect(current().ended).toBe('expired')
    expect(api.sent('GET', '/api/auth/me')).toHaveLength(3)
  })

  it('takes a changed role from a recheck', async () => {
    const api = stubAuthApi({ user: GUARD })
    await renderSession()
    api.state.user = { ...GUARD, role: 'viewer', permissions: ['devices.read', 'live.read'] }
    await act(() => current().recheck())
    expect(current().user?.role).toBe('viewer')
    expect(current().can('commands.send')).toBe(false)
  })

  it('keeps a user who just signed in when an older request answers 401', async () => {
    const api = stubAuthApi({ users: [ADMIN] })
    await renderSession()
    // sent while anonymous, answered after the login
    let answer: (value: Response) => void = () => {}
    vi.mocked(globalThis.fetch).mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
    const stale = getJson('/api/sites').catch(() => undefined)
    await act(() => new Promise((resolve) => setTimeout(resolve, 5)))
    await act(() => current().login('admin', PASSWORD))
    answer(new Response(JSON.stringify({ code: 'FM_ERR_AUTH_REQUIRED' }), { status: 401 }))
    await act(() => stale)
    expect(who()).toBe('ready:admin')
    expect(api.sent('POST', '/api/auth/login')).toHaveLength(1)
  })
})

describe('SessionProvider, when the api cannot be reached', () => {
  beforeEach(() => {
    session = undefined
    vi.useFakeTimers()
  })
  afterEach(() => {
    cleanup()
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  /** Lets pending requests and React's updates settle, then moves the clock. */
  const advance = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))
  const asked = () => vi.mocked(globalThis.fetch).mock.calls.length

  it('asks /api/auth/me again after a growing wait, and at once when the browser is back online', async () => {
    stubAuthApi({ user: ADMIN })
    const unreachable = new TypeError('Failed to fetch')
    vi.mocked(globalThis.fetch)
      .mockRejectedValueOnce(unreachable)
      .mockRejectedValueOnce(unreachable)
      .mockRejectedValueOnce(unreachable)
    renderWithProviders(
      <SessionProvider>
        <Probe />
      </SessionProvider>,
    )
    await advance()
    expect(who()).toBe('error:anonymous')
    expect(asked()).toBe(1)
    await advance(999)
    expect(asked()).toBe(1)
    await advance(1)
    expect(asked()).toBe(2)
    await advance(1_999)
    expect(asked()).toBe(2)
    await advance(1)
    expect(asked()).toBe(3)
    // The third wait would be 4 s; the network coming back cuts it short.
    act(() => {
      window.dispatchEvent(new Event('online'))
    })
    await advance()
    expect(asked()).toBe(4)
    expect(who()).toBe('ready:admin')
    await advance(10 * RETRY_MAX_MS)
    expect(asked()).toBe(4)
  })

  it('keeps a signed-in user on screen while a recheck gets no answer, and retries it', async () => {
    stubAuthApi({ user: ADMIN })
    renderWithProviders(
      <SessionProvider>
        <Probe />
      </SessionProvider>,
    )
    await advance()
    vi.mocked(globalThis.fetch).mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const check = await act(() => current().recheck())
    expect(check).toEqual({ status: 'unreachable' })
    expect(who()).toBe('error:admin')
    await advance(retryDelayMs(0))
    expect(who()).toBe('ready:admin')
  })
})

describe('waiting before asking again', () => {
  it('doubles from one second up to ten', () => {
    expect([0, 1, 2, 3, 4, 9].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000])
  })
})

describe('where to go after signing in', () => {
  it('accepts paths of this app and nothing that leads elsewhere', () => {
    expect(safeNext('/admin/users?x=1')).toBe('/admin/users?x=1')
    expect(safeNext(null)).toBe('/')
    expect(safeNext('https://evil.example/')).toBe('/')
    expect(safeNext('//evil.example/')).toBe('/')
    expect(safeNext('/\\evil.example/')).toBe('/')
    expect(safeNext('/login?next=/x')).toBe('/')
    expect(withNext('/login', '/system')).toBe('/login?next=%2Fsystem')
    expect(withNext('/login', '/')).toBe('/login')
  })
})
