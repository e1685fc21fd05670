import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { ADMIN, GUARD, PASSWORD } from './auth-fixtures.ts'
import { apiError, stubAuthApi } from './fake-api.ts'
import { isolateEachTest, location, renderApp, signOut, type } from './harness.tsx'

const field = (testId: string) => screen.getByTestId(testId) as HTMLInputElement

/** Enter in the password field: the form's implicit submission. */
function pressEnter() {
  const form = field('login-password').closest('form')
  if (!form) throw new Error('the password field is in no form')
  fireEvent.submit(form)
}

describe('LoginPage', () => {
  isolateEachTest()

  it('focuses the username, helps password managers, and signs in with Enter back to where the user came from', async () => {
    const api = stubAuthApi({ users: [ADMIN] })
    renderApp('/login?next=%2Fadmin%2Fusers')
    await screen.findByTestId('login-page')
    expect(document.activeElement).toBe(field('login-username'))
    expect(field('login-username').autocomplete).toBe('username')
    expect(field('login-password').autocomplete).toBe('current-password')
    expect(field('login-password').type).toBe('password')
    expect(screen.getByRole('heading', { name: '登录' })).toBeTruthy()

    type('login-username', ' admin ')
    type('login-password', PASSWORD)
    pressEnter()
    await screen.findByTestId('users-page')
    expect(location()).toBe('/admin/users')
    expect(api.sent('POST', '/api/auth/login')[0]?.body).toEqual({ username: 'admin', password: PASSWORD })
  })

  it('says a wrong username or password in Chinese, keeps the username and empties the password', async () => {
    stubAuthApi({ users: [ADMIN] })
    renderApp('/login')
    await screen.findByTestId('login-page')
    type('login-username', 'admin')
    type('login-password', 'not-the-password')
    fireEvent.click(screen.getByTestId('login-submit'))
    const error = await screen.findByTestId('login-error')
    expect(error.dataset.code).toBe('FM_ERR_AUTH_FAILED')
    expect(error.textContent).toBe('用户名或密码错误')
    expect(error.getAttribute('role')).toBe('alert')
    expect(field('login-username').value).toBe('admin')
    expect(field('login-password').value).toBe('')
    expect(document.activeElement).toBe(field('login-password'))
    expect(location()).toBe('/login')
  })

  it('says for how many minutes a locked account waits, from Retry-After', async () => {
    const api = stubAuthApi({ users: [ADMIN] })
    api.answerNext('POST', '/api/auth/login', apiError(429, 'FM_ERR_AUTH_LOCKED', 'locked', { 'retry-after': '900' }))
    renderApp('/login', 'en')
    await screen.findByTestId('login-page')
    type('login-username', 'admin')
    type('login-password', PASSWORD)
    fireEvent.click(screen.getByTestId('login-submit'))
    const error = await screen.findByTestId('login-error')
    expect(error.dataset.code).toBe('FM_ERR_AUTH_LOCKED')
    expect(error.textContent).toMatch(
      /^Too many wrong passwords: the account is locked for now\. Try again in 15 minutes \(after \d\d:\d\d\)\.$/,
    )
    // A locked account's password was not wrong this time: it stays, for when the lock ends.
    expect(field('login-password').value).toBe(PASSWORD)
  })

  it('says the client is rate limited, and that the api cannot be reached', async () => {
    const api = stubAuthApi({ users: [ADMIN] })
    api.answerNext('POST', '/api/auth/login', apiError(429, 'FM_ERR_RATE_LIMITED', 'slow', { 'retry-after': '42' }))
    renderApp('/login')
    await screen.findByTestId('login-page')
    type('login-username', 'admin')
    type('login-password', PASSWORD)
    fireEvent.click(screen.getByTestId('login-submit'))
    expect((await screen.findByTestId('login-error')).textContent).toBe('尝试过于频繁，请 42 秒后再试。')

    vi.mocked(globalThis.fetch).mockRejectedValueOnce(new TypeError('Failed to fetch'))
    fireEvent.click(screen.getByTestId('login-submit'))
    await waitFor(() => expect(screen.getByTestId('login-error').dataset.code).toBe('network'))
    expect(screen.getByTestId('login-error').textContent).toBe('无法连接服务器，请检查网络后重试')
  })

  it('asks for a missing username or password without asking the api', async () => {
    const api = stubAuthApi()
    renderApp('/login')
    await screen.findByTestId('login-page')
    fireEvent.click(screen.getByTestId('login-submit'))
    expect(screen.getByTestId('login-error').textContent).toBe('请输入用户名')
    type('login-username', 'admin')
    pressEnter()
    expect(screen.getByTestId('login-error').dataset.code).toBe('password-missing')
    expect(document.activeElement).toBe(field('login-password'))
    expect(api.sent('POST', '/api/auth/login')).toEqual([])
  })

  it('sends a user who is signed in already straight on, and ignores a next page on another site', async () => {
    stubAuthApi({ user: GUARD })
    renderApp('/login?next=%2F%2Fevil.example%2F')
    await waitFor(() => expect(location()).toBe('/'))
  })
})

describe('the header', () => {
  isolateEachTest()

  it('sends an anonymous visitor of any page to sign in, and brings them back to that page', async () => {
    stubAuthApi({ users: [ADMIN] })
    renderApp('/devices/tank-1?from=x', 'en')
    await screen.findByTestId('login-page')
    expect(location()).toBe('/login?next=%2Fdevices%2Ftank-1%3Ffrom%3Dx')
    expect(screen.queryByTestId('user-menu')).toBeNull()
    // Not the "session ended" notice: nobody was signed in here.
    expect(screen.queryByTestId('login-expired')).toBeNull()
    type('login-username', 'admin')
    type('login-password', PASSWORD)
    pressEnter()
    await waitFor(() => expect(location()).toBe('/devices/tank-1?from=x'))
    expect((await screen.findByTestId('user-menu')).dataset.role).toBe('admin')
  })

  it("shows the user's name and translated role, and signs out to the sign-in page", async () => {
    const api = stubAuthApi({ user: GUARD })
    renderApp('/devices/tank-1')
    const menu = await screen.findByTestId('user-menu')
    expect(menu.dataset.role).toBe('guard')
    expect(within(menu).getByTestId('user-name').textContent).toBe('张伟')
    expect(within(menu).getByTestId('user-role').textContent).toBe('保安')

    const toggle = screen.getByTestId('user-menu-toggle')
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    fireEvent.keyDown(document, { key: 'Escape' })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(toggle)

    fireEvent.click(toggle)
    fireEvent.click(screen.getByTestId('logout'))
    await screen.findByTestId('login-page')
    expect(api.sent('POST', '/api/auth/logout')).toHaveLength(1)
    expect(location()).toBe('/login')
    expect(screen.queryByTestId('user-menu')).toBeNull()
    expect(screen.queryByTestId('login-expired')).toBeNull()
  })

  it('signs out of a page for signed-in users without a way back to it, so the next person starts at the overview', async () => {
    stubAuthApi({ user: ADMIN, users: [ADMIN] })
    renderApp('/admin/users')
    await screen.findByTestId('users-page')
    await signOut()
    expect(location()).toBe('/login')
    type('login-username', 'admin')
    type('login-password', PASSWORD)
    pressEnter()
    await waitFor(() => expect(location()).toBe('/'))
  })
})
