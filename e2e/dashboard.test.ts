/**
 * The built dashboard in a real headless Chromium (Debian's), served by the api, fed by the simulated compound.
 * Screenshots land in e2e/screenshots/ for people to look at.
 */
import { BROKER_DROP_REASONS } from '@fm/protocol'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openPage as openBrowserPage, SCREENSHOTS, signInThroughPage, useBrowserPlatform } from './browser.ts'

const context = useBrowserPlatform('cuihu')
const consoleErrors: string[] = []

/**
 * A page in a browser context of its own. `signedIn` (the default) carries the platform operator's session cookie,
 * an admin's, as a browser that signed in before would; `false` opens it as an anonymous visitor.
 */
function openPage(viewport: { width: number; height: number }, signedIn = true): Promise<Page> {
  return openBrowserPage(context.browser, {
    viewport,
    apiUrl: context.platform.apiUrl,
    errors: consoleErrors,
    ...(signedIn ? { cookie: context.platform.operatorCookie } : {}),
  })
}

describe('dashboard in Chromium', () => {
  it('shows the compound live, opens a device chart and switches language', async () => {
    const page = await openPage({ width: 1600, height: 1000 })
    await page.goto(context.platform.apiUrl)
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor()
    const cards = page.locator('[data-testid="device-card"]')
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(context.platform.manifest.devices.length)

    // A booster pump's frequency or a panel's current changes from one reading to the next: watch one change.
    // (The current, not the first value: the voltage is shown in whole volts and can stay "398 V" for a minute.)
    const value = page.locator('[data-device-id="lv-in-1"] [data-testid="device-value"][data-field="ia_a"]')
    await value.waitFor()
    const first = await value.textContent()
    await expect.poll(() => value.textContent(), { timeout: 15_000 }).not.toBe(first)
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    await page.screenshot({ path: `${SCREENSHOTS}/overview-zh-CN.png`, fullPage: true })

    await page.locator('[data-device-id="tank-1"]').click()
    await page.locator('[data-testid="device-title"]').waitFor()
    expect(page.url()).toContain('/devices/tank-1')
    await page.locator('[data-testid="history-chart"] svg.recharts-surface').waitFor({ timeout: 15_000 })
    await page.screenshot({ path: `${SCREENSHOTS}/device-tank-1-zh-CN.png`, fullPage: true })

    const titleZh = await page.locator('[data-testid="device-title"]').textContent()
    await page.locator('[data-testid="language-toggle"]').click()
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en')
    await expect.poll(() => page.locator('[data-testid="device-title"]').textContent()).not.toBe(titleZh)
    await page.screenshot({ path: `${SCREENSHOTS}/device-tank-1-en.png`, fullPage: true })

    await page.goBack()
    await page.locator('[data-testid="device-card"]').first().waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/overview-en.png`, fullPage: true })
    await page.close()
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })

  it('shows what a 1920×1080 control-room screen shows, in both languages', async () => {
    const page = await openPage({ width: 1920, height: 1080 })
    await page.goto(context.platform.apiUrl)
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor()
    const cards = page.locator('[data-testid="device-card"]')
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(context.platform.manifest.devices.length)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    // Viewport-sized, not full-page: what a guard sees without scrolling.
    await page.screenshot({ path: `${SCREENSHOTS}/overview-1920-zh-CN.png` })

    await page.locator('[data-testid="language-toggle"]').click()
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en')
    await page.locator('[data-testid="language-toggle"]', { hasText: '中文' }).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/overview-1920-en.png` })
    await page.close()
  })

  it('fits a phone without sideways scrolling', async () => {
    const page = await openPage({ width: 375, height: 812 })
    await page.goto(context.platform.apiUrl)
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor()
    await page.locator('[data-testid="device-card"]').first().waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SCREENSHOTS}/overview-phone.png` })
    await page.goto(`${context.platform.apiUrl}/devices/pump-low-1`)
    await page.locator('[data-testid="history-chart"] svg.recharts-surface').waitFor({ timeout: 15_000 })
    await page.screenshot({ path: `${SCREENSHOTS}/device-pump-phone.png`, fullPage: true })
    await page.close()
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })

  it('shows on /system whether the monitoring works, on a control-room screen and on a phone', async () => {
    const page = await openPage({ width: 1920, height: 1080 })
    await page.goto(`${context.platform.apiUrl}/system`)
    await page.locator('[data-testid="system-page"]').waitFor()
    const part = (key: string) => page.locator(`[data-testid="system-part"][data-part="${key}"]`)
    await part('mqtt').waitFor({ timeout: 15_000 })
    // Ingest publishes its status every 2 s; until the api has one, the part is degraded.
    await expect.poll(() => part('ingest').getAttribute('data-state'), { timeout: 15_000 }).toBe('ok')
    expect(await part('mqtt').getAttribute('data-state')).toBe('ok')
    const status = page.locator('[data-testid="system-status"]')
    expect(['ok', 'degraded', 'down']).toContain(await status.getAttribute('data-state'))
    expect((await status.textContent())?.trim()).not.toBe('')

    // The broker's own status is being built elsewhere: checked when it is there, never required.
    const broker = page.locator('[data-testid="broker-status"]')
    if ((await broker.getAttribute('data-state')) === 'none') {
      expect(await broker.textContent()).toContain('尚未收到消息服务器的状态')
    } else {
      const dropped = page.locator('[data-testid="broker-dropped"]')
      expect(await dropped.count()).toBeGreaterThanOrEqual(BROKER_DROP_REASONS.length)
      for (const reason of BROKER_DROP_REASONS) {
        expect(await dropped.and(page.locator(`[data-reason="${reason}"]`)).getAttribute('data-count')).toMatch(/^\d+$/)
      }
      expect(await page.locator('[data-testid="broker-metric"][data-metric="connections.clients"]').count()).toBe(1)
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SCREENSHOTS}/system-1920-zh-CN.png` })
    await page.locator('[data-testid="language-toggle"]').click()
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en')
    await page.screenshot({ path: `${SCREENSHOTS}/system-1920-en.png` })
    await page.close()

    const phone = await openPage({ width: 375, height: 812 })
    await phone.goto(context.platform.apiUrl)
    await phone.locator('[data-testid="connection-status"][data-state="live"]').waitFor()
    // The header link, as a technician would go there.
    await phone.locator('[data-testid="nav-system"]').click()
    await phone.locator('[data-testid="system-part"][data-part="ingest"]').waitFor()
    expect(phone.url()).toBe(`${context.platform.apiUrl}/system`)
    const phoneOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(phoneOverflow).toBeLessThanOrEqual(0)
    await phone.screenshot({ path: `${SCREENSHOTS}/system-phone.png`, fullPage: true })
    await phone.close()
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })

  it('signs in through the login page as the first admin, replaces the generated password, manages users and signs out', async () => {
    // The platform created the first admin as main.ts does, with a generated password to change at the first login.
    const first = context.platform.firstAdmin
    const ownPassword = 'lotus-pond-2026'
    const page = await openPage({ width: 1920, height: 1080 }, false)
    const testId = (id: string) => page.locator(`[data-testid="${id}"]`)

    // An anonymous visitor of the users page is sent to sign in, and comes back there afterwards.
    await page.goto(`${context.platform.apiUrl}/admin/users`)
    await testId('login-page').waitFor()
    expect(page.url()).toBe(`${context.platform.apiUrl}/login?next=%2Fadmin%2Fusers`)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('login-username')
    await page.screenshot({ path: `${SCREENSHOTS}/login-1920-zh-CN.png` })

    await page.keyboard.type(first.username)
    await testId('login-password').fill('not-the-password')
    await page.keyboard.press('Enter')
    await expect.poll(() => testId('login-error').getAttribute('data-code')).toBe('FM_ERR_AUTH_FAILED')
    expect(await testId('login-error').textContent()).toBe('用户名或密码错误')
    await page.screenshot({ path: `${SCREENSHOTS}/login-error-1920-zh-CN.png` })

    await testId('login-password').fill(first.password)
    await page.keyboard.press('Enter')
    // A generated password is known to the operator's terminal: every page asks for a new one first.
    await testId('password-page').waitFor()
    expect(page.url()).toBe(`${context.platform.apiUrl}/account/password?next=%2Fadmin%2Fusers`)
    await testId('password-required').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/password-1920-zh-CN.png` })
    await testId('password-current').fill(first.password)
    await testId('password-new').fill(ownPassword)
    await testId('password-repeat').fill(ownPassword)
    await page.keyboard.press('Enter')

    await testId('users-page').waitFor()
    expect(page.url()).toBe(`${context.platform.apiUrl}/admin/users`)
    expect(await testId('user-menu').getAttribute('data-role')).toBe('admin')
    expect(await testId('user-name').textContent()).toBe('管理员')
    expect(await testId('user-role').textContent()).toBe('管理员')
    const adminRow = page.locator('[data-testid="user-row"][data-username="admin"]')
    expect(await adminRow.getAttribute('data-status')).toBe('active')

    // A guard for the compound, through the form.
    await testId('user-create').click()
    await testId('user-form-username').fill('zhang.wei')
    await testId('user-form-display-name').fill('张伟')
    await testId('user-form-role').selectOption('guard')
    expect(
      await page
        .locator(`[data-testid="user-form-site"][data-site-id="${context.platform.manifest.site.id}"]`)
        .isChecked(),
    ).toBe(true)
    await testId('user-form-password').fill('guard-room-2026')
    await page.screenshot({ path: `${SCREENSHOTS}/users-create-1920-zh-CN.png` })
    await testId('user-form-submit').click()
    const guardRow = page.locator('[data-testid="user-row"][data-username="zhang.wei"]')
    await guardRow.waitFor()
    expect(await guardRow.getAttribute('data-role')).toBe('guard')
    expect(await guardRow.getAttribute('data-status')).toBe('must-change')
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    await page.screenshot({ path: `${SCREENSHOTS}/users-1920-zh-CN.png` })

    // Disabled and enabled again, through the api's PATCH; the edit form opens under the row.
    await guardRow.locator('[data-testid="user-toggle-disabled"]').click()
    await expect.poll(() => guardRow.getAttribute('data-status')).toBe('disabled')
    await guardRow.locator('[data-testid="user-toggle-disabled"][data-action="enable"]').click()
    await expect.poll(() => guardRow.getAttribute('data-status')).toBe('must-change')
    await guardRow.locator('[data-testid="user-edit"]').click()
    await testId('user-panel').waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/users-edit-1920-zh-CN.png` })
    await testId('user-form-cancel').click()
    await testId('language-toggle').click()
    await expect.poll(() => testId('user-role').textContent()).toBe('Administrator')
    await page.screenshot({ path: `${SCREENSHOTS}/users-1920-en.png` })

    await testId('user-menu-toggle').click()
    await testId('logout').click()
    await testId('login-page').waitFor()
    expect(page.url()).toBe(`${context.platform.apiUrl}/login`)
    // The session ended on the server too: the users page asks to sign in again.
    await page.goto(`${context.platform.apiUrl}/admin/users`)
    await testId('login-page').waitFor()
    await page.close()

    const phone = await openPage({ width: 375, height: 812 }, false)
    const onPhone = (id: string) => phone.locator(`[data-testid="${id}"]`)
    const phoneOverflow = () => phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    await phone.goto(`${context.platform.apiUrl}/login`)
    await onPhone('login-page').waitFor()
    expect(await phoneOverflow()).toBeLessThanOrEqual(0)
    await phone.screenshot({ path: `${SCREENSHOTS}/login-phone.png` })
    await onPhone('login-username').fill(first.username)
    await onPhone('login-password').fill(ownPassword)
    await onPhone('login-submit').click()
    await onPhone('user-menu').waitFor()
    expect(phone.url()).toBe(`${context.platform.apiUrl}/`)
    await onPhone('device-card').first().waitFor()
    // The header stays compact with the user's menu and the alarm link in it. An admin's five nav entries (alarms,
    // work orders, maintenance, system, administration) take a row of their own under the site: three rows at most.
    expect(await phoneOverflow()).toBeLessThanOrEqual(0)
    expect((await phone.locator('.app-header').boundingBox())?.height).toBeLessThan(140)
    await onPhone('user-menu-toggle').click()
    await phone.screenshot({ path: `${SCREENSHOTS}/header-menu-phone.png` })
    await onPhone('user-menu-toggle').click()
    await onPhone('nav-admin').click()
    await onPhone('nav-users').click()
    await phone.locator('[data-testid="user-row"][data-username="zhang.wei"]').waitFor()
    expect(await phoneOverflow()).toBeLessThanOrEqual(0)
    await phone.screenshot({ path: `${SCREENSHOTS}/users-phone.png`, fullPage: true })
    await onPhone('user-menu-toggle').click()
    await onPhone('logout').click()
    await onPhone('login-page').waitFor()
    await phone.close()
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })
  it('shows a guard what a guard may use and an admin the administration, while the api refuses the guard the rest', async () => {
    const site = context.platform.manifest.site.id
    const people = {
      guard: { username: 'zhao.lei', password: 'night-shift-guard-2026', role: 'guard' as const },
      admin: { username: 'sun.li', password: 'platform-admin-2026', role: 'admin' as const },
    }
    for (const person of Object.values(people)) {
      await context.platform.store.createUser({
        username: person.username,
        password: person.password,
        displayName: person.role === 'guard' ? '赵磊' : '孙丽',
        role: person.role,
        scope: { allSites: false, siteIds: [site], buildingIds: [] },
      })
    }

    const signInAs = (person: (typeof people)[keyof typeof people], page: Page) =>
      signInThroughPage(page, context.platform.apiUrl, person)
    // with the page's own cookies, outside the page: a refused fetch in the page would be logged as a console error
    const status = async (page: Page, path: string) =>
      (await page.request.get(`${context.platform.apiUrl}${path}`)).status()

    // The guard: the compound live, no System page, no administration; typed addresses show "not allowed".
    const guard = await openPage({ width: 1920, height: 1080 }, false)
    await signInAs(people.guard, guard)
    const cards = guard.locator('[data-testid="device-card"]')
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(context.platform.manifest.devices.length)
    expect(await guard.locator('[data-testid="user-role"]').textContent()).toBe('保安')
    expect(await guard.locator('[data-testid="nav-system"]').count()).toBe(0)
    expect(await guard.locator('[data-testid="nav-admin"]').count()).toBe(0)
    await guard.screenshot({ path: `${SCREENSHOTS}/role-guard-overview-1920-zh-CN.png` })
    for (const path of ['/system', '/admin/users', '/admin/devices', '/admin/audit']) {
      await guard.goto(`${context.platform.apiUrl}${path}`)
      await guard.locator('[data-testid="forbidden"]').waitFor()
    }
    await guard.screenshot({ path: `${SCREENSHOTS}/role-guard-audit-forbidden-1920-zh-CN.png` })
    // hiding is not the protection: the api refuses the guard's own session
    expect(await status(guard, '/api/users')).toBe(403)
    expect(await status(guard, '/api/audit')).toBe(403)
    expect(await status(guard, '/metrics')).toBe(403)
    expect(await status(guard, '/api/devices')).toBe(200)
    await guard.close()

    // The admin: System, and the administration menu with users, devices and the audit log.
    const admin = await openPage({ width: 1920, height: 1080 }, false)
    await signInAs(people.admin, admin)
    await admin.locator('[data-testid="nav-system"]').waitFor()
    await admin.locator('[data-testid="nav-admin"]').click()
    for (const id of ['nav-users', 'nav-devices', 'nav-audit']) await admin.locator(`[data-testid="${id}"]`).waitFor()
    await admin.screenshot({ path: `${SCREENSHOTS}/role-admin-menu-1920-zh-CN.png` })
    await admin.locator('[data-testid="nav-devices"]').click()
    const rows = admin.locator('[data-testid="device-admin-row"]')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(context.platform.manifest.devices.length)
    await admin.screenshot({ path: `${SCREENSHOTS}/role-admin-devices-1920-zh-CN.png` })
    await admin.locator('[data-testid="nav-admin"]').click()
    await admin.locator('[data-testid="nav-audit"]').click()
    // the guard's sign-in is in the log, with the admin's
    await admin.locator('[data-testid="audit-row"][data-action="auth.login"]').first().waitFor()
    expect(await admin.locator('[data-testid="audit-row"][data-action="auth.login"]').count()).toBeGreaterThanOrEqual(2)
    await admin.screenshot({ path: `${SCREENSHOTS}/role-admin-audit-1920-zh-CN.png` })
    expect(await status(admin, '/api/users')).toBe(200)
    await admin.close()
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })
})
