import {
  ALARM_PRIORITIES,
  defaultSlaTargets,
  type SlaPolicy,
  type SlaTargets,
  WORK_ORDER_CATEGORIES,
  type WorkOrderCategory,
} from '@fm/protocol'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { SlaPoliciesPage } from '../src/pages/SlaPoliciesPage.tsx'
import { TechniciansPage } from '../src/pages/TechniciansPage.tsx'
import { ADMIN, SUPERVISOR } from './auth-fixtures.ts'
import { type Answer, apiError } from './fake-api.ts'
import { SITE } from './fixtures.ts'
import { getTagged, isolateEachTest, renderWithProviders, type } from './harness.tsx'
import { TECHNICIANS } from './work-order-fixtures.ts'

/** Every category × priority of the fixture site at its seed, as `GET /api/sla-policies` answers. */
const SEED_POLICIES: SlaPolicy[] = WORK_ORDER_CATEGORIES.flatMap((category) =>
  ALARM_PRIORITIES.map((priority) => ({
    siteId: SITE.id,
    category,
    priority,
    targets: defaultSlaTargets(category, priority),
    custom: false,
  })),
)

/**
 * The api's SLA and technician routes: a PUT of targets answers the policy, `custom` unless it is the seed; a PUT of
 * trades answers them, or 404 for a user who is not a technician. `answerNext` queues one exceptional answer.
 */
function stubSettingsApi() {
  const policies = [...SEED_POLICIES]
  const technicians = TECHNICIANS.map((technician) => ({ ...technician }))
  const requests: { method: string; path: string; body: unknown }[] = []
  const queued: Answer[] = []
  const route = (method: string, path: string, body: unknown): Answer => {
    const next = queued.shift()
    if (next && method === 'PUT') return next
    if (method === 'GET' && path === '/api/sla-policies') return { status: 200, body: { items: policies } }
    if (method === 'GET' && path === '/api/technicians') return { status: 200, body: { items: technicians } }
    const sla = /^\/api\/sla-policies\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path)
    if (method === 'PUT' && sla) {
      const index = policies.findIndex((p) => p.category === sla[2] && p.priority === sla[3])
      const old = policies[index] as SlaPolicy
      const { targets } = body as { targets: SlaTargets }
      const seed = defaultSlaTargets(old.category, old.priority)
      const saved = { ...old, targets, custom: JSON.stringify(targets) !== JSON.stringify(seed) }
      policies[index] = saved
      return { status: 200, body: saved }
    }
    const trades = /^\/api\/technicians\/([^/]+)\/trades$/.exec(path)
    if (method === 'PUT' && trades) {
      const technician = technicians.find((t) => t.username === trades[1])
      if (!technician) return apiError(404, 'FM_ERR_USER_NOT_FOUND')
      technician.trades = (body as { trades: WorkOrderCategory[] }).trades
      return { status: 200, body: { username: technician.username, trades: technician.trades } }
    }
    return apiError(404, 'FM_ERR_NOT_FOUND')
  }
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input), 'http://localhost')
      const method = init?.method ?? 'GET'
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
      requests.push({ method, path: url.pathname, body })
      const answer = route(method, url.pathname, body)
      return new Response(JSON.stringify(answer.body), { status: answer.status })
    }),
  )
  return {
    puts: () => requests.filter((r) => r.method === 'PUT'),
    answerNextPut: (answer: Answer) => queued.push(answer),
  }
}

const cell = (category: string, priority: string) =>
  document.querySelector<HTMLElement>(
    `[data-testid="sla-cell"][data-category="${category}"][data-priority="${priority}"]`,
  )

describe('the SLA policies page', () => {
  isolateEachTest()

  it('shows every category × priority in words and saves a cell in minutes, marking it changed', async () => {
    const api = stubSettingsApi()
    renderWithProviders(<SlaPoliciesPage />, { site: SITE, user: ADMIN, path: '/admin/sla-policies' })
    await screen.findAllByTestId('sla-cell')
    expect(screen.getAllByTestId('sla-cell')).toHaveLength(WORK_ORDER_CATEGORIES.length * ALARM_PRIORITIES.length)
    const civil = cell('civil', 'P2') as HTMLElement
    expect(civil.dataset.custom).toBe('false')
    // 土建 P2: 30 minutes to respond, 8 hours to arrive, 3 days to resolve
    expect(civil.textContent).toContain('30 分钟')
    expect(civil.textContent).toContain('8 小时')
    expect(civil.textContent).toContain('3 天')

    fireEvent.click(within(civil).getByTestId('sla-edit'))
    const dialog = await screen.findByTestId('sla-dialog')
    expect(dialog.textContent).toContain('已开的工单保持原有时限')
    expect((within(dialog).getByTestId('sla-resolution') as HTMLInputElement).value).toBe('4320')
    type('sla-resolution', '2880', dialog)
    expect(dialog.textContent).toContain('= 2 天 · 默认 3 天')
    fireEvent.click(within(dialog).getByTestId('sla-dialog-submit'))
    await waitFor(() => expect(cell('civil', 'P2')?.dataset.custom).toBe('true'))
    expect(screen.queryByTestId('sla-dialog')).toBeNull()
    expect(api.puts()).toEqual([
      {
        method: 'PUT',
        path: '/api/sla-policies/cuihu/civil/P2',
        body: { targets: { responseMin: 30, arrivalMin: 480, resolutionMin: 2880 } },
      },
    ])
    expect(cell('civil', 'P2')?.textContent).toContain('2 天')
  })

  it('says what is wrong before sending, and shows a refusal in the dialog', async () => {
    const api = stubSettingsApi()
    renderWithProviders(<SlaPoliciesPage />, { site: SITE, user: ADMIN, path: '/admin/sla-policies', language: 'en' })
    await screen.findAllByTestId('sla-cell')
    fireEvent.click(within(getTagged('sla-cell', 'category', 'lift')).getByTestId('sla-edit'))
    const dialog = await screen.findByTestId('sla-dialog')
    type('sla-arrival', '50000', dialog)
    fireEvent.click(within(dialog).getByTestId('sla-dialog-submit'))
    const error = within(dialog).getByTestId('sla-dialog-error')
    expect(error.textContent).toBe('The Arrival target must be a whole number of minutes from 1 to 43,200')
    expect(within(dialog).getByTestId('sla-arrival').getAttribute('aria-invalid')).toBe('true')
    expect(api.puts()).toEqual([])

    type('sla-arrival', '20', dialog)
    api.answerNextPut(apiError(400, 'FM_ERR_VALIDATION', 'targets/arrivalMin must be <= 43200'))
    fireEvent.click(within(dialog).getByTestId('sla-dialog-submit'))
    await waitFor(() => expect(within(dialog).getByTestId('sla-dialog-error').dataset.code).toBe('FM_ERR_VALIDATION'))
    expect(screen.getByTestId('sla-dialog')).toBeTruthy()
  })
})

describe('the technicians page', () => {
  isolateEachTest()

  it("lists the site's technicians with their open work orders and saves their trades", async () => {
    const api = stubSettingsApi()
    renderWithProviders(<TechniciansPage />, { site: SITE, user: SUPERVISOR, path: '/admin/technicians' })
    await screen.findAllByTestId('technician-row')
    const wang = getTagged('technician-row', 'username', 'wang.gong')
    expect(wang.textContent).toContain('3 张未完成')
    const toggle = (category: string) =>
      within(getTagged('technician-row', 'username', 'wang.gong')).getByRole('button', {
        name: new RegExp(`${category === 'lift' ? '电梯' : '消防'}$`),
      })
    const save = () => within(getTagged('technician-row', 'username', 'wang.gong')).getByTestId('technician-save')
    expect(toggle('fire').getAttribute('aria-pressed')).toBe('true')
    expect((save() as HTMLButtonElement).disabled).toBe(true)
    fireEvent.click(toggle('lift'))
    fireEvent.click(toggle('fire'))
    expect(toggle('lift').getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(save())
    await screen.findByTestId('technicians-notice')
    expect(api.puts()).toEqual([
      { method: 'PUT', path: '/api/technicians/wang.gong/trades', body: { trades: ['water-power', 'lift'] } },
    ])
    expect((save() as HTMLButtonElement).disabled).toBe(true)
  })

  it('shows the refusal for a user who is no longer a technician in their row', async () => {
    const api = stubSettingsApi()
    renderWithProviders(<TechniciansPage />, { site: SITE, user: SUPERVISOR, path: '/admin/technicians' })
    await screen.findAllByTestId('technician-row')
    const li = getTagged('technician-row', 'username', 'li.gong')
    fireEvent.click(within(li).getAllByTestId('trade-toggle')[0] as HTMLElement)
    api.answerNextPut(apiError(404, 'FM_ERR_USER_NOT_FOUND'))
    fireEvent.click(within(li).getByTestId('technician-save'))
    const error = await screen.findByTestId('technician-error')
    expect(error.dataset.code).toBe('FM_ERR_USER_NOT_FOUND')
  })
})
