import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Language } from '../src/i18n/i18n.ts'
import { ADMIN, GUARD, TECHNICIAN, VIEWER } from './auth-fixtures.ts'
import { apiError, stubAuthApi } from './fake-api.ts'
import { cellTexts, getTagged, isolateEachTest, openAsAdmin, renderApp, type } from './harness.tsx'

const USERS = [ADMIN, GUARD, VIEWER, TECHNICIAN]

const row = (username: string) => getTagged('user-row', 'username', username)
const cells = (username: string) => cellTexts(row(username))

const openUsers = (language?: Language) => openAsAdmin('/admin/users', { users: USERS }, 'user-row', language)

describe('UsersPage', () => {
  isolateEachTest()

  it('lists every user by username with name, translated role, sites and status', async () => {
    await openUsers()
    expect(screen.getAllByTestId('user-row').map((r) => r.dataset.username)).toEqual([
      'admin',
      'guard.zhang',
      'owners.rep',
      'wang.gong',
    ])
    expect(screen.getByText('共 4 个用户')).toBeTruthy()
    expect(cells('admin').slice(0, 5)).toEqual(['admin （您）', '李明', '管理员', '全部小区', '正常'])
    expect(cells('guard.zhang').slice(1, 5)).toEqual(['张伟', '保安', '翠湖花园', '正常'])
    expect(cells('wang.gong').slice(2, 4)).toEqual(['技术员', '翠湖花园（仅 b1、b3）'])
    expect(row('owners.rep').dataset.status).toBe('disabled')
    expect(within(row('owners.rep')).getByTestId('user-status').textContent).toBe('已停用')
  })

  it('shows the link and the page only to a role with users.manage', async () => {
    stubAuthApi({ user: ADMIN, users: USERS })
    renderApp('/')
    fireEvent.click(await screen.findByTestId('nav-users'))
    await screen.findByTestId('users-page')
    cleanup()

    const api = stubAuthApi({ user: GUARD, users: USERS })
    renderApp('/admin/users')
    expect((await screen.findByTestId('forbidden')).textContent).toContain('您的角色（保安）不能打开此页面')
    expect(screen.queryByTestId('nav-users')).toBeNull()
    expect(api.sent('GET', '/api/users')).toEqual([])
    cleanup()

    stubAuthApi({ users: USERS })
    renderApp('/admin/users')
    await screen.findByTestId('login-page')
    expect(screen.getByTestId('location').textContent).toBe('/login?next=%2Fadmin%2Fusers')
  })

  it('creates a user with a role, a site and an initial password, and lists them at once', async () => {
    const api = await openUsers()
    fireEvent.click(screen.getByTestId('user-create'))
    const form = screen.getByTestId('user-form')
    type('user-form-username', 'Liu.Qiang', form)
    type('user-form-display-name', ' 刘强 ', form)
    fireEvent.change(within(form).getByTestId('user-form-role'), { target: { value: 'guard' } })
    expect(within(form).getByTestId('role-permissions').textContent).toContain('远程控制设备')
    // The only site is preselected.
    expect((within(form).getByTestId('user-form-site') as HTMLInputElement).checked).toBe(true)
    type('user-form-password', 'lotus-pond-2026', form)
    fireEvent.click(within(form).getByTestId('user-form-submit'))

    await waitFor(() => expect(screen.queryByTestId('user-form')).toBeNull())
    expect(api.sent('POST', '/api/users')[0]?.body).toEqual({
      username: 'liu.qiang',
      displayName: '刘强',
      role: 'guard',
      scope: { allSites: false, siteIds: ['cuihu'], buildingIds: [] },
      password: 'lotus-pond-2026',
    })
    expect(screen.getByTestId('users-notice').textContent).toBe('已创建用户 刘强（liu.qiang）。')
    expect(row('liu.qiang').dataset.status).toBe('must-change')
    expect(screen.getAllByTestId('user-row')).toHaveLength(5)
  })

  it("shows the api's refusal of a new user by its code: a taken name, a weak password, invalid details with the reason", async () => {
    const api = await openUsers('en')
    fireEvent.click(screen.getByTestId('user-create'))
    const form = screen.getByTestId('user-form')
    type('user-form-username', 'guard.zhang', form)
    type('user-form-display-name', 'Zhang Wei', form)
    fireEvent.click(within(form).getByTestId('user-form-all-sites'))
    type('user-form-password', 'lotus-pond-2026', form)
    fireEvent.click(within(form).getByTestId('user-form-submit'))
    const error = await within(form).findByTestId('user-form-error')
    expect(error.dataset.code).toBe('FM_ERR_USER_EXISTS')
    expect(error.textContent).toBe('This username is taken; choose another')

    api.answerNext(
      'POST',
      '/api/users',
      apiError(400, 'FM_ERR_PASSWORD_WEAK', 'password is one of the most common passwords'),
    )
    type('user-form-username', 'zhang.wei', form)
    fireEvent.click(within(form).getByTestId('user-form-submit'))
    await waitFor(() => expect(within(form).getByTestId('user-form-error').dataset.code).toBe('FM_ERR_PASSWORD_WEAK'))

    const reason = 'display name must not contain control or text-direction characters'
    api.answerNext('POST', '/api/users', apiError(400, 'FM_ERR_USER_INVALID', reason))
    fireEvent.click(within(form).getByTestId('user-form-submit'))
    await waitFor(() => expect(within(form).getByTestId('user-form-error').dataset.code).toBe('FM_ERR_USER_INVALID'))
    expect(within(form).getByTestId('user-form-error').textContent).toBe(
      `Some of the user details are not valid${reason}`,
    )
    expect(api.sent('POST', '/api/users')[2]?.body).toMatchObject({
      scope: { allSites: true, siteIds: [], buildingIds: [] },
    })
  })

  it('checks a new user before asking: the username, a site for every role but admin, the password', async () => {
    const api = await openUsers()
    fireEvent.click(screen.getByTestId('user-create'))
    const form = screen.getByTestId('user-form')
    const error = () => within(form).getByTestId('user-form-error')
    type('user-form-username', 'li', form)
    fireEvent.click(within(form).getByTestId('user-form-submit'))
    expect(error().dataset.code).toBe('username')
    type('user-form-username', 'li.na', form)
    type('user-form-display-name', '李娜', form)
    fireEvent.click(within(form).getByTestId('user-form-site'))
    fireEvent.click(within(form).getByTestId('user-form-submit'))
    expect(error().dataset.code).toBe('scope-empty')
    expect(error().textContent).toContain('至少一个小区')
    fireEvent.change(within(form).getByTestId('user-form-role'), { target: { value: 'admin' } })
    type('user-form-password', 'li.na', form)
    fireEvent.click(within(form).getByTestId('user-form-submit'))
    expect(error().dataset.code).toBe('too-short')
    expect(api.sent('POST', '/api/users')).toEqual([])
  })

  it('changes a role, disables and enables a user, and says the last admin cannot be demoted', async () => {
    const api = await openUsers()
    fireEvent.click(within(row('guard.zhang')).getByTestId('user-edit'))
    const form = screen.getByTestId('user-form')
    expect(screen.queryByTestId('user-form-username')).toBeNull()
    fireEvent.change(within(form).getByTestId('user-form-role'), { target: { value: 'supervisor' } })
    fireEvent.click(within(form).getByTestId('user-form-submit'))
    await waitFor(() => expect(row('guard.zhang').dataset.role).toBe('supervisor'))
    const guardId = encodeURIComponent(GUARD.id)
    expect(api.sent('PATCH', `/api/users/${guardId}`)[0]?.body).toEqual({ role: 'supervisor' })
    expect(screen.getByTestId('users-notice').textContent).toBe('已保存 张伟 的修改。')

    fireEvent.click(within(row('guard.zhang')).getByTestId('user-toggle-disabled'))
    await waitFor(() => expect(row('guard.zhang').dataset.status).toBe('disabled'))
    expect(api.sent('PATCH', `/api/users/${guardId}`)[1]?.body).toEqual({ disabled: true })
    const enable = within(row('guard.zhang')).getByTestId('user-toggle-disabled')
    expect(enable.dataset.action).toBe('enable')
    fireEvent.click(enable)
    await waitFor(() => expect(row('guard.zhang').dataset.status).toBe('active'))

    api.answerNext('PATCH', `/api/users/${guardId}`, apiError(409, 'FM_ERR_USER_LAST_ADMIN'))
    fireEvent.click(within(row('guard.zhang')).getByTestId('user-toggle-disabled'))
    expect((await screen.findByTestId('user-row-error')).textContent).toContain('最后一位启用的管理员')
  })

  it('offers the admin no way to disable themselves or change their own role', async () => {
    await openUsers()
    expect(within(row('admin')).queryByTestId('user-toggle-disabled')).toBeNull()
    fireEvent.click(within(row('admin')).getByTestId('user-edit'))
    expect((screen.getByTestId('user-form-role') as HTMLSelectElement).disabled).toBe(true)
  })

  it('sets a new password for a user', async () => {
    const api = await openUsers()
    fireEvent.click(within(row('guard.zhang')).getByTestId('user-reset-password'))
    const form = screen.getByTestId('user-password-form')
    type('user-password-input', 'Guard.Zhang', form)
    fireEvent.click(within(form).getByTestId('user-password-submit'))
    expect(within(form).getByTestId('user-password-error').dataset.code).toBe('is-username')
    type('user-password-input', 'temporary-2026', form)
    fireEvent.click(within(form).getByTestId('user-password-submit'))
    await waitFor(() => expect(screen.queryByTestId('user-password-form')).toBeNull())
    expect(api.sent('POST', `/api/users/${encodeURIComponent(GUARD.id)}/password`)[0]?.body).toEqual({
      password: 'temporary-2026',
    })
    expect(screen.getByTestId('users-notice').textContent).toBe('已为 张伟 设置新密码。')
  })

  it('says so when the list cannot be loaded, and loads it on retry', async () => {
    const api = stubAuthApi({ user: ADMIN, users: USERS })
    api.answerNext('GET', '/api/users', apiError(404, 'FM_ERR_NOT_FOUND'))
    renderApp('/admin/users')
    const error = await screen.findByTestId('users-error')
    expect(error.textContent).toBe('服务器暂不支持此功能')
    fireEvent.click(screen.getByRole('button', { name: '重试' }))
    await screen.findAllByTestId('user-row')
    expect(screen.queryByTestId('users-error')).toBeNull()
  })

  it('sends an admin whose session expired to sign in again, and back to the users page afterwards', async () => {
    const api = await openUsers()
    api.state.user = undefined // the session ended on the server: expired, or revoked by a password change elsewhere
    fireEvent.click(within(row('guard.zhang')).getByTestId('user-toggle-disabled'))
    await screen.findByTestId('login-page')
    expect(screen.getByTestId('location').textContent).toBe('/login?next=%2Fadmin%2Fusers')
  })
})
