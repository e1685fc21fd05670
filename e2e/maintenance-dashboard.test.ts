/**
 * Maintenance in Debian's Chromium, on the whole platform with the simulated compound: a supervisor at a desk
 * dispatches a PM work order from the board, a technician on a phone accepts it, arrives, works its checklist with a
 * photo and resolves it, and the supervisor verifies it; a pump trip on the way shows up on the board by itself.
 * Screenshots of the board, the technician's view and the KPI page land in e2e/screenshots/.
 */
import type { PmPlan, SlaPolicy, WorkOrderView } from '@fm/protocol'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openPage, SCREENSHOTS, signInThroughPage, useBrowserPlatform } from './browser.ts'
import { signIn } from './platform.ts'

const SITE = 'cuihu'
const SUPERVISOR = {
  username: 'wang.jun',
  password: 'board-supervisor-1',
  role: 'supervisor',
  displayName: '王军',
} as const
const TECHNICIAN = {
  username: 'li.na',
  password: 'phone-technician-1',
  role: 'technician',
  displayName: '李娜',
} as const
const PHONE = { width: 375, height: 812 }
const DESK = { width: 1920, height: 1080 }

/** A 1×1 PNG: the page decodes and re-encodes whatever the camera gives. */
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

const context = useBrowserPlatform(SITE, [SUPERVISOR, TECHNICIAN])
const consoleErrors: string[] = []

async function api<T>(cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${context.platform.apiUrl}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const answer = await response.text()
  expect(response.status, `${method} ${path}: ${answer}`).toBeLessThan(300)
  return JSON.parse(answer) as T
}

const card = (page: Page, id: number) => page.locator(`[data-testid="wo-card"][data-wo-id="${id}"]`)

describe('maintenance in Chromium', () => {
  it('a supervisor dispatches, a technician on a phone works the checklist and resolves, the supervisor verifies', async () => {
    const compound = context.platform.compound
    if (!compound) throw new Error('the platform runs without simulators')
    const supervisorCookie = await signIn(context.platform.apiUrl, SUPERVISOR.username, SUPERVISOR.password)

    // What the morning brings: a resident's leak from the customer desk, the jockey pump's daily check started ahead
    // of its schedule, and a pump that trips.
    await api<WorkOrderView>(supervisorCookie, 'POST', '/api/work-orders', {
      siteId: SITE,
      buildingId: 'b2',
      unit: '2-1-1502',
      resident: { name: '张阿姨', phone: '13800138000' },
      origin: 'request',
      category: 'civil',
      priority: 'P2',
      title: '卫生间天花板渗水',
      description: '楼上卫生间防水层疑似破损，天花板有水渍',
    })
    const { items: plans } = await api<{ items: PmPlan[] }>(supervisorCookie, 'GET', `/api/pm-plans?siteId=${SITE}`)
    const jockeyCheck = plans.find((plan) => plan.templateId === 'jockey-pump-daily-check')
    if (!jockeyCheck) throw new Error('the PM library has no daily jockey pump check')
    const pm = await api<WorkOrderView>(supervisorCookie, 'POST', `/api/pm-plans/${jockeyCheck.id}/work-orders`, {
      deviceId: 'pump-jockey-1',
    })
    expect(pm.checklist?.length).toBeGreaterThan(0)
    compound.injectFault('pump-low-2', 'trip')

    // The supervisor's board: the three of them, the trip arriving by itself.
    const desk = await openPage(context.browser, {
      viewport: DESK,
      apiUrl: context.platform.apiUrl,
      errors: consoleErrors,
    })
    await signInThroughPage(desk, context.platform.apiUrl, SUPERVISOR)
    await desk.goto(`${context.platform.apiUrl}/work-orders`)
    await desk.locator('[data-testid="wo-board"]').waitFor()
    await card(desk, pm.id).waitFor()
    const trip = desk.locator('[data-testid="wo-card"][data-category="water-power"][data-priority="P1"]')
    await trip.first().waitFor({ timeout: 15_000 })
    expect(await desk.locator('[data-testid="wo-card"]').count()).toBeGreaterThanOrEqual(3)
    await desk.screenshot({ path: `${SCREENSHOTS}/maintenance-board-1920-zh-CN.png` })

    // Dispatch the check to 李娜.
    await card(desk, pm.id).locator('[data-testid="wo-action-assign"]').click()
    const assign = desk.locator('[data-testid="wo-dialog-assign"]')
    await assign.locator(`[data-testid="wo-technician"][data-username="${TECHNICIAN.username}"]`).click()
    await assign.locator('[data-testid="wo-dialog-assign-submit"]').click()
    await expect.poll(() => card(desk, pm.id).getAttribute('data-state')).toBe('assigned')
    expect(await card(desk, pm.id).locator('[data-testid="wo-card-assignee"]').textContent()).toContain('李娜')

    // The technician's phone: the job in the queue; accept, arrive, the checklist, a photo, resolve.
    const phone = await openPage(context.browser, {
      viewport: PHONE,
      apiUrl: context.platform.apiUrl,
      errors: consoleErrors,
    })
    await signInThroughPage(phone, context.platform.apiUrl, TECHNICIAN)
    await phone.goto(`${context.platform.apiUrl}/my-work`)
    const job = card(phone, pm.id)
    await job.waitFor()
    await job.locator('[data-testid="wo-action-accept"]').click()
    await expect.poll(() => job.getAttribute('data-state')).toBe('accepted')
    await job.locator('[data-testid="wo-action-arrive"]').click()
    await expect.poll(() => job.getAttribute('data-state')).toBe('in_progress')
    await phone.goto(`${context.platform.apiUrl}/my-work?open=${pm.id}`)
    const checklist = phone.locator('[data-testid="wo-checklist"]')
    await checklist.waitFor()
    for (const item of pm.checklist ?? []) {
      const row = checklist.locator(`[data-testid="wo-checklist-item"][data-item-id="${item.id}"]`)
      if (item.type === 'pass-fail') await row.locator('[data-testid="wo-check-pass"]').click()
      else if (item.type === 'number') {
        await row.locator('[data-testid="wo-check-value"]').fill(String(item.min ?? item.max ?? 0))
        await row.locator('[data-testid="wo-check-value"]').blur()
      } else {
        await row
          .locator('[data-testid="wo-check-photo"]')
          .setInputFiles({ name: 'check.png', mimeType: 'image/png', buffer: PHOTO })
      }
      await expect.poll(() => row.getAttribute('data-complete')).toBe('true')
    }
    const progress = phone.locator('[data-testid="wo-checklist-progress"]')
    expect(await progress.getAttribute('data-done')).toBe(await progress.getAttribute('data-total'))
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await phone.screenshot({ path: `${SCREENSHOTS}/maintenance-technician-phone.png`, fullPage: true })

    await phone.locator(`[data-testid="wo-action-resolve"][data-wo-id="${pm.id}"]`).first().click()
    const resolve = phone.locator('[data-testid="wo-dialog-resolve"]')
    await resolve.locator('[data-testid="wo-resolve-note"]').fill('启停压力正常，启泵次数 3 次/小时，无渗漏')
    await resolve.locator('[data-testid="wo-dialog-resolve-submit"]').click()
    await resolve.waitFor({ state: 'detached' })
    const resolved = await api<WorkOrderView>(supervisorCookie, 'GET', `/api/work-orders/${pm.id}`)
    expect(resolved.state).toBe('resolved')
    expect(resolved.checklistResults).toHaveLength(pm.checklist?.length ?? 0)

    // Back at the desk: the board moved it to 待验收 by itself; the supervisor verifies.
    await expect.poll(() => card(desk, pm.id).getAttribute('data-state'), { timeout: 10_000 }).toBe('resolved')
    await card(desk, pm.id).locator('[data-testid="wo-action-verify"]').click()
    await card(desk, pm.id).waitFor({ state: 'detached' })
    expect((await api<WorkOrderView>(supervisorCookie, 'GET', `/api/work-orders/${pm.id}`)).state).toBe('verified')

    // The KPI page, with its denominators.
    await desk.goto(`${context.platform.apiUrl}/maintenance/kpis`)
    await desk.locator('[data-testid="mkpi-grid"]').waitFor()
    const pmCompliance = desk.locator('[data-testid="mkpi"][data-kpi="pmCompliance"] [data-testid="mkpi-ratio"]')
    await pmCompliance.waitFor()
    expect(await desk.locator('[data-testid="mkpi-ratio"]').count()).toBeGreaterThan(5)
    await desk.screenshot({ path: `${SCREENSHOTS}/maintenance-kpis-1920-zh-CN.png`, fullPage: true })
    await desk.close()
    await phone.close()
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })

  it('lets a supervisor set a technician’s trades and an admin tighten an SLA target, against the real api', async () => {
    const { platform, browser } = context
    const desk = await openPage(browser, { viewport: DESK, apiUrl: platform.apiUrl, errors: consoleErrors })
    await signInThroughPage(desk, platform.apiUrl, SUPERVISOR)
    await desk.goto(`${platform.apiUrl}/admin/technicians`)
    const row = desk.locator(`[data-testid="technician-row"][data-username="${TECHNICIAN.username}"]`)
    const lift = row.locator('[data-testid="trade-toggle"][data-category="lift"]')
    await lift.click()
    expect(await lift.getAttribute('aria-pressed')).toBe('true')
    await row.locator('[data-testid="technician-save"]').click()
    const supervisorCookie = await signIn(platform.apiUrl, SUPERVISOR.username, SUPERVISOR.password)
    await expect
      .poll(async () => {
        const { items } = await api<{ items: { username: string; trades: string[] }[] }>(
          supervisorCookie,
          'GET',
          `/api/technicians?siteId=${SITE}`,
        )
        return items.find((item) => item.username === TECHNICIAN.username)?.trades
      })
      .toContain('lift')
    await desk.close()

    // The operator of the platform is an admin: civil P2 repairs within 2 days instead of 3 at this compound.
    const admin = await openPage(browser, {
      viewport: DESK,
      apiUrl: platform.apiUrl,
      cookie: platform.operatorCookie,
      errors: consoleErrors,
    })
    await admin.goto(`${platform.apiUrl}/admin/sla-policies`)
    const cell = admin.locator('[data-testid="sla-cell"][data-category="civil"][data-priority="P2"]')
    await cell.locator('[data-testid="sla-edit"]').click()
    const dialog = admin.locator('[data-testid="sla-dialog"]')
    await dialog.locator('[data-testid="sla-resolution"]').fill(String(2 * 24 * 60))
    await dialog.locator('[data-testid="sla-dialog-submit"]').click()
    await expect.poll(() => cell.getAttribute('data-custom')).toBe('true')
    await admin.screenshot({ path: `${SCREENSHOTS}/maintenance-sla-policies-1920-zh-CN.png` })
    const { items } = await api<{ items: SlaPolicy[] }>(
      platform.operatorCookie,
      'GET',
      `/api/sla-policies?siteId=${SITE}`,
    )
    expect(items.find((policy) => policy.category === 'civil' && policy.priority === 'P2')?.targets.resolutionMin).toBe(
      2 * 24 * 60,
    )
    await admin.close()
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })

  it("shows a household's other repairs on a work order of that household", async () => {
    const { platform, browser } = context
    const cookie = await signIn(platform.apiUrl, SUPERVISOR.username, SUPERVISOR.password)
    const request = (title: string) =>
      api<WorkOrderView>(cookie, 'POST', '/api/work-orders', {
        siteId: SITE,
        buildingId: 'b3',
        unit: '3-2-601',
        resident: { name: '刘先生' },
        origin: 'request',
        category: 'doors-hardware',
        priority: 'P2',
        title,
      })
    const earlier = await request('入户门锁芯卡滞')
    const now = await request('入户门闭门器漏油')
    const desk = await openPage(browser, { viewport: DESK, apiUrl: platform.apiUrl, errors: consoleErrors })
    await signInThroughPage(desk, platform.apiUrl, SUPERVISOR)
    await desk.goto(`${platform.apiUrl}/work-orders/${now.id}`)
    const history = desk.locator('[data-testid="wo-household"]')
    await history.locator('[data-testid="wo-household-item"]').first().waitFor()
    const listed = await history
      .locator('[data-testid="wo-household-item"]')
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-wo-id'))))
    expect(listed).toEqual([earlier.id])
    await desk.screenshot({ path: `${SCREENSHOTS}/maintenance-work-order-1920-zh-CN.png`, fullPage: true })
    await desk.close()
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })
})
