/**
 * A fake of the api's work-order routes (api/src/routes/work-orders.ts, maintenance.ts) for the page tests: work
 * orders change state by the protocol's own `WORK_ORDER_ACTIONS`; a test queues an exceptional answer for a route
 * with `answerNext`. Other routes answer 404 `FM_ERR_NOT_FOUND`, as the api does.
 */
import { WORK_ORDER_ACTIONS, type WorkOrderActionInput, type WorkOrderEvent, type WorkOrderView } from '@fm/protocol'
import { vi } from 'vitest'
import { type Answer, apiError } from './fake-api.ts'
import { TECHNICIANS } from './work-order-fixtures.ts'

export interface SeenRequest {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
}

export function stubWorkOrderApi(initial: WorkOrderView[], events: WorkOrderEvent[] = []) {
  const orders = new Map(initial.map((order) => [order.id, order]))
  const requests: SeenRequest[] = []
  const queued = new Map<string, Answer[]>()
  let clock = 1

  function act(order: WorkOrderView, input: WorkOrderActionInput): Answer {
    const rule = WORK_ORDER_ACTIONS[input.action]
    if (!(rule.from as readonly string[]).includes(order.state)) return apiError(409, 'FM_ERR_WO_TRANSITION')
    const technician = TECHNICIANS.find((t) => t.username === input.assignee)
    const next: WorkOrderView = {
      ...order,
      state: rule.to,
      updatedAt: order.updatedAt + clock++,
      ...(technician ? { assignee: { username: technician.username, displayName: technician.displayName } } : {}),
    }
    orders.set(order.id, next)
    return { status: 200, body: next }
  }

  function route(method: string, path: string, query: URLSearchParams, body: unknown): Answer {
    const waiting = queued.get(`${method} ${path}`)?.shift()
    if (waiting) return waiting
    if (method === 'GET' && path === '/api/work-orders') {
      const assignee = query.get('assignee')
      const items = [...orders.values()].filter(
        (order) =>
          (!query.get('deviceId') || order.deviceId === query.get('deviceId')) &&
          (assignee !== 'me' || order.assignee?.username === 'wang.gong'),
      )
      return { status: 200, body: { items } }
    }
    if (method === 'GET' && path === '/api/technicians') return { status: 200, body: { items: TECHNICIANS } }
    if (method === 'GET' && path === '/api/sla-policies') return { status: 200, body: { items: [] } }
    const one = /^\/api\/work-orders\/(\d+)(\/events|\/actions|\/checklist)?$/.exec(path)
    const order = one ? orders.get(Number(one[1])) : undefined
    if (one && !order) return apiError(404, 'FM_ERR_WO_NOT_FOUND')
    if (order && method === 'GET' && !one?.[2]) return { status: 200, body: order }
    if (order && method === 'GET' && one?.[2] === '/events') {
      return { status: 200, body: { items: events.filter((e) => e.workOrderId === order.id) } }
    }
    if (order && method === 'POST' && one?.[2] === '/actions') return act(order, body as WorkOrderActionInput)
    if (order && method === 'PUT' && one?.[2] === '/checklist') {
      const next = {
        ...order,
        checklistResults: (body as { results: [] }).results,
        updatedAt: order.updatedAt + clock++,
      }
      orders.set(order.id, next)
      return { status: 200, body: next }
    }
    return apiError(404, 'FM_ERR_NOT_FOUND')
  }

  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost')
    const method = init?.method ?? 'GET'
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
    requests.push({ method, path: url.pathname, query: url.searchParams, body })
    const answer = route(method, url.pathname, url.searchParams, body)
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    })
  })
  vi.stubGlobal('fetch', spy)
  return {
    requests,
    orders,
    /** The next request to `method path` answers `answer`, once. */
    answerNext(method: string, path: string, answer: Answer) {
      const list = queued.get(`${method} ${path}`) ?? []
      list.push(answer)
      queued.set(`${method} ${path}`, list)
    },
    /** The bodies of the actions posted, in order. */
    actions: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/actions')).map((r) => r.body),
  }
}
