import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ADMIN, GUARD, PASSWORD } from './auth-fixtures.ts'
import { apiError, stubAuthApi } from './fake-api.ts'
import { isolateEachTest, location, renderApp, type } from './harness.tsx'

const input = (testId: string) => screen.getByTestId(testId) as HTMLInputElement

function fill(current: string, fresh: string, repeat = fresh) {
  type('password-current', current)
  type('password-new', fresh)
  type('password-repeat', repeat)
  fireEvent.click(screen.getByTestId('password-submit'))
}

describe('PasswordPage', () => {
  isolateEachTest()

  it('sends a user who must change their password there from every page, and on to that page once done', async () => {
    const api = stubAuthApi({ user: { ...ADMIN, mustChangePassword: true } })
    renderApp('/admin/users')
    await screen.findByTestId('password-page')
    expect(location()).toBe('/account/password?next=%2Fadmin%2Fusers')
    expect(screen.getByTestId('password-required')).toBeTruthy()
    expect(input('password-new').autocomplete).toBe('new-password')
    expect(input('password-current').autocomplete).toBe('current-password')

    fill(PASSWORD, 'lotus-pond-2026')
    await screen.findByTestId('users-page')
    expect(location()).toBe('/admin/users')
    expect(api.sent('POST', '/api/auth/password')[0]?.body).toEqual({
      currentPassword: PASSWORD,
      newPassword: 'lotus-pond-2026',
    })
  })

  it('hides the navigation meanwhile, and sends a typed address back too', async () => {
    stubAuthApi({ user: { ...GUARD, mustChangePassword: true } })
    renderApp('/')
    await screen.findByTestId('password-page')
    expect(location()).toBe('/account/password')
    expect(screen.getByRole('navigation', { hidden: true }).hidden).toBe(true)
    cleanup()

    stubAuthApi({ user: { ...GUARD, mustChangePassword: true } })
    renderApp('/system')
    await screen.findByTestId('password-page')
    expect(location()).toBe('/account/password?next=%2Fsystem')
  })

  it('shows the policy and checks it before asking the api: length, the username, the repeat', async () => {
    const api = stubAuthApi({ user: GUARD })
    renderApp('/account/password')
    await screen.findByTestId('password-page')
    const rules = screen.getByTestId('password-rules')
    expect(rules.textContent).toContain('至少 10 个字符')
    expect(rules.textContent).toContain('不能与用户名相同')

    fill(PASSWORD, 'short')
    expect(screen.getByTestId('password-error').dataset.code).toBe('too-short')
    expect(screen.getByTestId('password-error').textContent).toBe('新密码至少需要 10 个字符')
    fill(PASSWORD, 'Guard.Zhang')
    expect(screen.getByTestId('password-error').dataset.code).toBe('is-username')
    fill(PASSWORD, 'lotus-pond-2026', 'lotus-pond-2025')
    expect(screen.getByTestId('password-error').textContent).toBe('两次输入的新密码不一致')
    expect(document.activeElement).toBe(input('password-repeat'))
    expect(api.sent('POST', '/api/auth/password')).toEqual([])
  })

  it('says what the api refused: a wrong current password, a weak new one', async () => {
    const api = stubAuthApi({ user: GUARD })
    renderApp('/account/password', 'en')
    await screen.findByTestId('password-page')
    fill('not-my-password', 'lotus-pond-2026')
    await waitFor(() =>
      expect(screen.getByTestId('password-error').dataset.code).toBe('FM_ERR_PASSWORD_CURRENT_INVALID'),
    )
    expect(screen.getByTestId('password-error').textContent).toBe('The current password is wrong')
    expect(input('password-current').value).toBe('')

    api.answerNext(
      'POST',
      '/api/auth/password',
      apiError(400, 'FM_ERR_PASSWORD_WEAK', 'password is one of the most common passwords'),
    )
    fill(PASSWORD, 'qwertyuiop')
    await waitFor(() => expect(screen.getByTestId('password-error').dataset.code).toBe('FM_ERR_PASSWORD_WEAK'))
    expect(screen.getByTestId('password-error').textContent).toContain('nor a common password')
  })

  it('says the password was changed when the user came by themselves', async () => {
    stubAuthApi({ user: GUARD })
    renderApp('/account/password')
    await screen.findByTestId('password-page')
    fill(PASSWORD, 'lotus-pond-2026')
    expect((await screen.findByTestId('password-done')).textContent).toContain('密码已修改')
    expect(location()).toBe('/account/password')
    expect(input('password-new').value).toBe('')
  })

  it('sends an anonymous visitor to sign in first, and back here afterwards', async () => {
    stubAuthApi()
    renderApp('/account/password')
    await screen.findByTestId('login-page')
    expect(location()).toBe('/login?next=%2Faccount%2Fpassword')
  })
})
