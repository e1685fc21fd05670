import type { ChecklistItem } from '@fm/protocol'
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { applyWorkOrders } from '../src/live/store.ts'
import { DispatchBoardPage } from '../src/pages/DispatchBoardPage.tsx'
import { MyWorkPage } from '../src/pages/MyWorkPage.tsx'
import { WorkOrderPage } from '../src/pages/WorkOrderPage.tsx'
import { SUPERVISOR, TECHNICIAN } from './auth-fixtures.ts'
import { apiError } from './fake-api.ts'
import { NOW, SITE } from './fixtures.ts'
import { getTagged, isolateEachTest, renderWithProviders, type } from './harness.tsx'
import { stubWorkOrderApi } from './work-order-api-fake.ts'
import { event, MINUTE, WANG, workOrder } from './work-order-fixtures.ts'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const CHECKLIST: ChecklistItem[] = [
  { id: 'valve', label: label('阀门无渗漏', 'Valve tight'), type: 'pass-fail' },
  { id: 'pressure', label: label('出水压力', 'Outlet pressure'), type: 'number', unit: 'MPa', min: 0.3, max: 0.5 },
]

const ago = (minutes: number) => NOW - minutes * MINUTE
const assigned = { at: ago(8), to: 'assigned' as const }
const onSite = { at: ago(5), to: 'in_progress' as const }

const ORDERS = [
  workOrder({ id: 1, state: 'new', priority: 'P1', buildingId: 'b3', title: '3栋电梯异响', category: 'lift' }),
  workOrder({ id: 2, state: 'triaged', buildingId: 'b1' }),
  workOrder({ id: 3, state: 'assigned', assignee: WANG, deviceId: 'pump-low-1', steps: [assigned] }),
  workOrder({ id: 5, state: 'in_progress', assignee: WANG, checklist: CHECKLIST, steps: [assigned, onSite] }),
  workOrder({
    id: 7,
    state: 'resolved',
    assignee: WANG,
    priority: 'P1',
    alarm: { id: 9, ruleId: 'pump.fault', retriggers: 0 },
    steps: [assigned, onSite, { at: ago(1), to: 'resolved' }],
  }),
]

const cardsIn = (column: string) =>
  [...getTagged('wo-column', 'column', column).querySelectorAll<HTMLElement>('[data-testid="wo-card"]')].map((card) =>
    Number(card.dataset.woId),
  )

/** The board as the supervisor sees it, on the fake api; resolves once the cards are there. */
async function openBoard(api = stubWorkOrderApi(ORDERS)) {
  const rendered = renderWithProviders(<DispatchBoardPage />, { site: SITE, user: SUPERVISOR, path: '/work-orders' })
  await screen.findAllByTestId('wo-card')
  return { api, store: rendered.store }
}

const clickOnCard = (id: number, testId: string) =>
  fireEvent.click(within(getTagged('wo-card', 'wo-id', id)).getByTestId(testId))

describe('the dispatch board', () => {
  isolateEachTest()

  it('shows the open work orders in four columns, each card with its clock, and narrows by the address', async () => {
    await openBoard()
    expect(cardsIn('intake').sort()).toEqual([1, 2])
    expect(cardsIn('dispatched')).toEqual([3])
    expect(cardsIn('working')).toEqual([5])
    expect(cardsIn('review')).toEqual([7])
    const card = getTagged('wo-card', 'wo-id', 1)
    expect(within(card).getByTestId('wo-card-place').textContent).toBe('3栋')
    expect(within(card).getByTestId('alarm-priority').dataset.priority).toBe('P1')
    expect(within(card).getByTestId('wo-sla').dataset.clock).toBe('response')
    expect(within(card).getByTestId('wo-card-link').getAttribute('href')).toBe('/work-orders/1')

    fireEvent.change(screen.getByTestId('wo-filter-building'), { target: { value: 'b1' } })
    await waitFor(() => expect(screen.getAllByTestId('wo-card').map((c) => c.dataset.woId)).toEqual(['2']))
  })

  it('assigns a technician picked from those of the trade, and moves the card', async () => {
    const { api } = await openBoard()
    clickOnCard(2, 'wo-action-assign')
    const dialog = await screen.findByTestId('wo-dialog-assign')
    const technicians = await within(dialog).findAllByTestId('wo-technician')
    expect(technicians.map((t) => [t.dataset.username, t.dataset.tradeMatch])).toEqual([
      ['zhao.gong', 'true'],
      ['wang.gong', 'true'],
      ['li.gong', 'false'],
    ])
    fireEvent.click(within(dialog).getByTestId('wo-dialog-assign-submit'))
    expect((await within(dialog).findByTestId('wo-dialog-assign-error')).dataset.code).toBe('assignee-missing')
    fireEvent.click(technicians[0] as HTMLElement)
    fireEvent.click(within(dialog).getByTestId('wo-dialog-assign-submit'))
    await waitFor(() => expect(screen.queryByTestId('wo-dialog-assign')).toBeNull())
    expect(api.actions()).toEqual([{ action: 'assign', assignee: 'zhao.gong' }])
    expect(cardsIn('dispatched').sort()).toEqual([2, 3])
  })

  it('offers the supervisor an override with a reason when the alarm is still active', async () => {
    const api = stubWorkOrderApi(ORDERS)
    api.answerNext('POST', '/api/work-orders/7/actions', apiError(409, 'FM_ERR_WO_ALARM_ACTIVE'))
    await openBoard(api)
    clickOnCard(7, 'wo-action-verify')
    const dialog = await screen.findByTestId('wo-dialog-override')
    fireEvent.click(within(dialog).getByTestId('wo-dialog-override-submit'))
    expect((await within(dialog).findByTestId('wo-dialog-override-error')).dataset.code).toBe('reason-missing')
    type('wo-reason', '传感器故障，泵已修复', dialog)
    fireEvent.click(within(dialog).getByTestId('wo-dialog-override-submit'))
    await waitFor(() => expect(screen.queryByTestId('wo-dialog-override')).toBeNull())
    expect(api.actions()).toEqual([
      { action: 'verify' },
      { action: 'verify', override: true, reason: '传感器故障，泵已修复' },
    ])
    // verified is no longer open: it leaves the board
    expect(cardsIn('review')).toEqual([])
  })

  it('says why an action was refused, in words', async () => {
    const api = stubWorkOrderApi(ORDERS)
    api.answerNext('POST', '/api/work-orders/7/actions', apiError(409, 'FM_ERR_WO_TRANSITION'))
    await openBoard(api)
    clickOnCard(7, 'wo-action-verify')
    const error = await screen.findByTestId('wo-action-error')
    expect(error.textContent).toContain('工单状态已变化')
  })

  it('moves a card when the live link says its work order changed', async () => {
    const { store } = await openBoard()
    const changed = { ...(ORDERS[0] as (typeof ORDERS)[number]), state: 'in_progress' as const, updatedAt: NOW + 1 }
    act(() => store.update((state) => applyWorkOrders(state, [changed])))
    expect(cardsIn('working').sort()).toEqual([1, 5])
  })
})

describe('a work order', () => {
  isolateEachTest()

  const events = [
    event({ id: 1, workOrderId: 5, type: 'created', to: 'new', at: NOW - 10 * MINUTE, by: '张伟' }),
    event({ id: 2, workOrderId: 5, type: 'assign', from: 'new', to: 'assigned', detail: { assignee: '王工' } }),
    event({ id: 3, workOrderId: 5, type: 'photo', detail: { photoId: 11 }, by: '王工' }),
  ]

  it('shows its clocks, timeline, photos and the assignee’s actions; resolving waits for the checklist', async () => {
    const api = stubWorkOrderApi(ORDERS, events)
    renderWithProviders(<WorkOrderPage />, {
      site: SITE,
      user: TECHNICIAN,
      path: '/work-orders/5',
      route: '/work-orders/:id',
    })
    const detail = await screen.findByTestId('wo-detail')
    expect(detail.dataset.state).toBe('in_progress')
    expect(screen.getAllByTestId('wo-clock').map((row) => row.dataset.clock)).toEqual([
      'response',
      'arrival',
      'resolution',
    ])
    await waitFor(() => expect(screen.getAllByTestId('wo-event')).toHaveLength(3))
    expect(screen.getAllByTestId('wo-photo').map((p) => p.dataset.photoId)).toEqual(['11'])
    const actions = within(screen.getByTestId('wo-actions'))
      .getAllByRole('button')
      .map((b) => b.dataset.testid)
    expect(actions).toEqual(['wo-action-resolve', 'wo-action-hold'])

    fireEvent.click(screen.getByTestId('wo-action-resolve'))
    const dialog = await screen.findByTestId('wo-dialog-resolve')
    type('wo-resolve-note', '更换阀门密封圈', dialog)
    fireEvent.click(within(dialog).getByTestId('wo-dialog-resolve-submit'))
    const error = await within(dialog).findByTestId('wo-dialog-resolve-error')
    expect(error.dataset.code).toBe('checklist-incomplete')
    expect(error.textContent).toContain('阀门无渗漏、出水压力')
    fireEvent.click(within(dialog).getByTestId('wo-dialog-resolve-cancel'))

    const items = screen.getAllByTestId('wo-checklist-item')
    fireEvent.click(within(items[0] as HTMLElement).getByTestId('wo-check-pass'))
    await waitFor(() => expect(api.orders.get(5)?.checklistResults).toEqual([{ itemId: 'valve', pass: true }]))
    const reading = within(items[1] as HTMLElement).getByTestId('wo-check-value')
    fireEvent.change(reading, { target: { value: '0.62' } })
    fireEvent.blur(reading)
    await screen.findByTestId('wo-check-out-of-range')
    await waitFor(() =>
      expect(api.orders.get(5)?.checklistResults).toContainEqual({ itemId: 'pressure', value: 0.62, pass: false }),
    )
    await waitFor(() => expect(screen.getByTestId('wo-checklist-progress').dataset.done).toBe('2'))

    fireEvent.click(screen.getByTestId('wo-action-resolve'))
    const again = await screen.findByTestId('wo-dialog-resolve')
    type('wo-resolve-note', '更换阀门密封圈', again)
    type('wo-resolve-labor', '45', again)
    fireEvent.click(within(again).getByTestId('wo-dialog-resolve-submit'))
    await waitFor(() => expect(screen.getByTestId('wo-detail').dataset.state).toBe('resolved'))
    expect(api.actions()).toEqual([{ action: 'resolve', reason: '更换阀门密封圈', laborMin: 45 }])
  })

  it('says so when the work order does not exist', async () => {
    stubWorkOrderApi(ORDERS)
    renderWithProviders(<WorkOrderPage />, {
      site: SITE,
      user: SUPERVISOR,
      path: '/work-orders/99',
      route: '/work-orders/:id',
    })
    await screen.findByTestId('wo-not-found')
  })
})

describe('the technician’s queue', () => {
  isolateEachTest()

  it('lists their work orders, most urgent first, with the next step as a large button', async () => {
    const api = stubWorkOrderApi(ORDERS)
    renderWithProviders(<MyWorkPage />, { site: SITE, user: TECHNICIAN, path: '/my-work', language: 'en' })
    await screen.findAllByTestId('wo-card')
    expect(api.requests[0]?.query.get('assignee')).toBe('me')
    expect(screen.getAllByTestId('wo-card').map((card) => card.dataset.woId)).toEqual(['3', '5', '7'])
    expect(screen.getByTestId('my-work-counts').textContent).toBe('2 jobs to do, the most urgent on top')
    const assigned = getTagged('wo-card', 'wo-id', 3)
    fireEvent.click(within(assigned).getByTestId('wo-action-accept'))
    await waitFor(() => expect(getTagged('wo-card', 'wo-id', 3).dataset.state).toBe('accepted'))
    expect(within(getTagged('wo-card', 'wo-id', 3)).getByTestId('wo-action-arrive')).toBeTruthy()
  })

  it('puts a job on hold with why, saying which reasons stop the clock', async () => {
    const api = stubWorkOrderApi(ORDERS)
    renderWithProviders(<MyWorkPage />, { site: SITE, user: TECHNICIAN, path: '/my-work' })
    await screen.findAllByTestId('wo-card')
    fireEvent.click(within(getTagged('wo-card', 'wo-id', 5)).getByTestId('wo-action-hold'))
    const dialog = await screen.findByTestId('wo-dialog-hold')
    const reasons = within(dialog).getAllByTestId('wo-hold-reason')
    expect(reasons.map((r) => r.closest('label')?.textContent)).toEqual([
      '等配件计时继续',
      '等业主计时暂停',
      '等外包计时继续',
      '等审批计时暂停',
    ])
    fireEvent.click(reasons[0] as HTMLElement)
    type('wo-reason', '等水泵机封到货', dialog)
    fireEvent.click(within(dialog).getByTestId('wo-dialog-hold-submit'))
    await waitFor(() => expect(getTagged('wo-card', 'wo-id', 5).dataset.state).toBe('on_hold'))
    expect(api.actions()).toEqual([{ action: 'hold', holdReason: 'parts', reason: '等水泵机封到货' }])
  })
})
