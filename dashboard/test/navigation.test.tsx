import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { ADMIN, GUARD, SUPERVISOR, TECHNICIAN } from './auth-fixtures.ts'
import { apiError, stubAuthApi } from './fake-api.ts'
import { isolateEachTest, location, renderApp } from './harness.tsx'

/** The administration pages the header offers, by test id, after opening its menu. */
function adminLinks(): string[] {
  const toggle = screen.queryByTestId('nav-admin')
  if (!toggle) return []
  fireEvent.click(toggle)
  const panel = document.getElementById(toggle.getAttribute('aria-controls') ?? '')
  return [...(panel?.querySelectorAll<HTMLElement>('a') ?? [])].map((link) => link.dataset.testid ?? '')
}

describe('signing in for every page', () => {
  isolateEachTest()

  it.each([
    ['/', '/login'],
    ['/system', '/login?next=%2Fsystem'],
    ['/devices/tank-1', '/login?next=%2Fdevices%2Ftank-1'],
    ['/admin/audit?outcome=failed', '/login?next=%2Fadmin%2Faudit%3Foutcome%3Dfailed'],
    ['/no/such/page', '/login?next=%2Fno%2Fsuch%2Fpage'],
  ])('sends an anonymous visitor of %s to sign in, with the way back', async (path, login) => {
    const api = stubAuthApi()
    renderApp(path)
    await screen.findByTestId('login-page')
    expect(location()).toBe(login)
    expect(screen.queryByRole('banner')).toBeNull()
    // Nothing but the session was asked: the pages never rendered.
    expect(api.requests.map((r) => r.path)).toEqual(['/api/auth/me'])
  })

  it('shows a spinner, never the sign-in page, while it asks who is signed in', async () => {
    stubAuthApi({ user: GUARD })
    let answer: (response: Response) => void = () => {}
    vi.mocked(globalThis.fetch).mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
    renderApp('/devices/tank-1')
    expect(screen.getByTestId('session-checking')).toBeTruthy()
    expect(screen.queryByTestId('login-page')).toBeNull()
    expect(location()).toBe('/devices/tank-1')
    await act(async () =>
      answer(new Response(JSON.stringify(GUARD), { headers: { 'content-type': 'application/json' } })),
    )
    await screen.findByTestId('user-menu')
    expect(location()).toBe('/devices/tank-1')
    expect(screen.queryByTestId('session-checking')).toBeNull()
  })

  it('retries by itself while the api cannot be reached, and offers to retry now', async () => {
    stubAuthApi({ user: GUARD })
    vi.mocked(globalThis.fetch).mockRejectedValueOnce(new TypeError('Failed to fetch'))
    renderApp('/')
    const unreachable = await screen.findByTestId('session-unreachable')
    expect(unreachable.textContent).toContain('正在自动重试')
    fireEvent.click(within(unreachable).getByRole('button', { name: '重试' }))
    await screen.findByTestId('user-menu')
  })
})

describe('the header and the routes, by permission', () => {
  isolateEachTest()

  it('shows a guard neither the System page nor any administration, and says "not allowed" at their addresses', async () => {
    stubAuthApi({ user: GUARD })
    renderApp('/')
    const menu = await screen.findByTestId('user-menu')
    expect(within(menu).getByTestId('user-name').textContent).toBe('张伟')
    expect(within(menu).getByTestId('user-role').textContent).toBe('保安')
    expect(screen.queryByTestId('nav-system')).toBeNull()
    expect(screen.queryByTestId('nav-admin')).toBeNull()
    cleanup()

    for (const path of ['/system', '/admin/users', '/admin/devices', '/admin/audit']) {
      const api = stubAuthApi({ user: GUARD })
      renderApp(path)
      const refused = await screen.findByTestId('forbidden')
      expect(refused.textContent).toContain('您的角色（保安）不能打开此页面')
      expect(location()).toBe(path)
      // The page itself never rendered: it asked the api for nothing.
      expect(api.requests.map((r) => r.path)).toEqual(['/api/auth/me'])
      cleanup()
    }
  })

  it('shows an admin the System page and every administration page', async () => {
    stubAuthApi({ user: ADMIN, devices: [] })
    renderApp('/')
    await screen.findByTestId('user-menu')
    expect(screen.getByTestId('nav-system').getAttribute('href')).toBe('/system')
    expect(adminLinks()).toEqual([
      'nav-users',
      'nav-devices',
      'nav-alarm-rules',
      'nav-sla-policies',
      'nav-technicians',
      'nav-audit',
    ])
    const toggle = screen.getByTestId('nav-admin')
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    fireEvent.click(screen.getByTestId('nav-devices'))
    await screen.findByTestId('device-admin-page')
    expect(location()).toBe('/admin/devices')
    // The menu closes on the way, and the entry is marked while one of its pages is open.
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    expect(toggle.dataset.current).toBe('true')
  })

  it('shows a supervisor the System page, the technicians and the audit log, a technician neither', async () => {
    stubAuthApi({ user: SUPERVISOR })
    renderApp('/', 'en')
    await screen.findByTestId('user-menu')
    expect(screen.getByTestId('nav-system')).toBeTruthy()
    expect(adminLinks()).toEqual(['nav-technicians', 'nav-audit'])
    expect(screen.getByTestId('nav-admin').textContent).toBe('Administration')
    cleanup()

    stubAuthApi({ user: TECHNICIAN })
    renderApp('/')
    await screen.findByTestId('user-menu')
    expect(screen.queryByTestId('nav-system')).toBeNull()
    expect(adminLinks()).toEqual([])
  })

  it('closes the administration menu on Escape and on a click elsewhere', async () => {
    stubAuthApi({ user: ADMIN })
    renderApp('/')
    const toggle = await screen.findByTestId('nav-admin')
    fireEvent.click(toggle)
    fireEvent.keyDown(document, { key: 'Escape' })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(toggle)
    fireEvent.click(toggle)
    fireEvent.pointerDown(document.body)
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
  })

  it('says "not allowed" for a device outside the user\'s scope rather than an error or a spinner', async () => {
    const api = stubAuthApi({ user: TECHNICIAN })
    api.answerNext(
      'GET',
      '/api/devices/pump-fire-1',
      apiError(403, 'FM_ERR_SCOPE_FORBIDDEN', 'building "b3" is outside your scope'),
    )
    renderApp('/devices/pump-fire-1')
    const refused = await screen.findByTestId('forbidden')
    expect(refused.dataset.reason).toBe('scope')
    expect(refused.textContent).toContain('这里的内容不在您可查看的小区或楼栋范围内')
  })

  it('keeps the System page for the roles that may see it', async () => {
    stubAuthApi({ user: SUPERVISOR })
    renderApp('/system')
    await waitFor(() => expect(screen.getByTestId('system-page')).toBeTruthy())
  })
})
