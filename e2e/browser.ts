/**
 * Debian's Chromium for the dashboard tests: how it is launched, and pages that collect the console errors a test
 * then requires to be none.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { UserRole } from '@fm/protocol'
import { type Browser, type ConsoleMessage, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { type Platform, startPlatform } from './platform.ts'

export const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/dist', import.meta.url))
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots', import.meta.url))

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** Checks that the dashboard is built, makes the screenshot folder and launches Chromium. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(`${DASHBOARD_DIR}/index.html`)) throw new Error('dashboard is not built: run `npm run build`')
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
}

/**
 * 401s the api answers by design: `/api/auth/me` for every anonymous visitor, and a login with a wrong password.
 * Chromium logs every refused request as a console error; these are answers the page expects, not its errors.
 */
const EXPECTED_401_PATHS = ['/api/auth/me', '/api/auth/login']

function isExpected401(message: ConsoleMessage): boolean {
  if (!message.text().includes('status of 401')) return false
  const { url } = message.location()
  return url !== '' && EXPECTED_401_PATHS.includes(new URL(url).pathname)
}

export interface PageOptions {
  viewport: { width: number; height: number }
  /** The `Cookie` header of a session the browser carries, as one that signed in before; none for a visitor. */
  cookie?: string
  /** Where the session cookie is valid. */
  apiUrl: string
  /** Collects the page's console errors and uncaught exceptions. */
  errors: string[]
}

/** A page in a browser context of its own, in zh-CN, closed with its context. */
export async function openPage(browser: Browser, options: PageOptions): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport, locale: 'zh-CN' })
  if (options.cookie) {
    const [name = '', value = ''] = options.cookie.split('=')
    await context.addCookies([{ name, value, url: options.apiUrl, httpOnly: true, sameSite: 'Lax' }])
  }
  const page = await context.newPage()
  page.on('close', () => void context.close())
  page.on('console', (message) => {
    if (message.type() === 'error' && !isExpected401(message))
      options.errors.push(`${message.text()} ${message.location().url}`)
  })
  page.on('pageerror', (error) => options.errors.push(error.message))
  return page
}

/** Signs in through the login page, as a person would, and waits for the live connection. */
export async function signInThroughPage(
  page: Page,
  url: string,
  person: { username: string; password: string; role: string },
): Promise<void> {
  await page.goto(url)
  await page.locator('[data-testid="login-page"]').waitFor()
  await page.locator('[data-testid="login-username"]').fill(person.username)
  await page.locator('[data-testid="login-password"]').fill(person.password)
  await page.locator('[data-testid="login-submit"]').click()
  await page.locator(`[data-testid="user-menu"][data-role="${person.role}"]`).waitFor()
  await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor()
}

/** Someone of one site who signs in to the dashboard in a test. */
export interface Person {
  username: string
  password: string
  displayName: string
  role: UserRole
}

export interface BrowserPlatform {
  platform: Platform
  browser: Browser
}

/**
 * The whole platform serving the built dashboard, Chromium, and `people` of `siteId`, for the tests of one file:
 * started before them, stopped after. Read the fields inside the tests, once started.
 */
export function useBrowserPlatform(siteId: string, people: readonly Person[] = []): BrowserPlatform {
  const context = {} as BrowserPlatform
  beforeAll(async () => {
    context.platform = await startPlatform({ intervalMs: 1000, dashboardDir: DASHBOARD_DIR })
    context.browser = await launchBrowser()
    for (const person of people) {
      await context.platform.store.createUser({
        ...person,
        scope: { allSites: false, siteIds: [siteId], buildingIds: [] },
      })
    }
  })
  afterAll(async () => {
    await context.browser?.close()
    await context.platform?.stop()
  })
  return context
}
