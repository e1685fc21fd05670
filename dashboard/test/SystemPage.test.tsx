import { BROKER_DROP_REASONS, type Health } from '@fm/protocol'
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../src/App.tsx'
import { HEALTH_POLL_INTERVAL_MS } from '../src/health/useHealth.ts'
import { SystemPage } from '../src/pages/SystemPage.tsx'
import { SUPERVISOR } from './auth-fixtures.ts'
import { NOW } from './fixtures.ts'
import { renderWithProviders } from './harness.tsx'
import { BROKER_INTERVAL_MS, brokerStatus, downReport, healthReport } from './health-fixtures.ts'

type Answer = Health | { status: number; body: unknown } | Error

/**
 * A fake `/api/health`: each request takes the next answer (the last one repeats). A report is a 200; `{status,
 * body}` anything else; an Error is a request that gets no answer at all. The `Date` header is the server's clock.
 */
function stubHealth(answers: Answer[], serverClock: () => number = Date.now) {
  const queue = [...answers]
  const spy = vi.fn(async (input: RequestInfo | URL) => {
    expect(String(input)).toBe('/api/health')
    const answer = queue.length > 1 ? queue.shift() : queue[0]
    if (answer instanceof Error) throw answer
    const { status, body } = answer && 'body' in answer ? answer : { status: 200, body: answer }
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', date: new Date(serverClock()).toUTCString() },
    })
  })
  vi.stubGlobal('fetch', spy)
  return spy
}

/** Lets the pending fetch, its JSON and React's update settle, then moves the clock. */
async function advance(ms = 0) {
  await act(() => vi.advanceTimersByTimeAsync(ms))
}

async function renderSystem(language: 'zh-CN' | 'en' = 'zh-CN') {
  const view = renderWithProviders(<SystemPage />, { language })
  await advance()
  return view
}

const headline = () => screen.getByTestId('system-status')
const part = (key: string) => document.querySelector<HTMLElement>(`[data-testid="system-part"][data-part="${key}"]`)
/** The value of a figure (its `dd`), or the whole text of one in the panel's head. */
function metric(key: string): string | null | undefined {
  const element = document.querySelector<HTMLElement>(`[data-testid="broker-metric"][data-metric="${key}"]`)
  return (element?.querySelector('dd') ?? element)?.textContent
}

describe('SystemPage', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW })
    localStorage.clear()
  })
  afterEach(() => {
    cleanup()
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('shows the overall status, then every part that came, known ones labelled, in pipeline order', async () => {
    stubHealth([healthReport()])
    await renderSystem()
    expect(screen.getByTestId('system-page')).toBeTruthy()
    expect(headline().dataset.state).toBe('ok')
    expect(within(headline()).getByText('监控系统运行正常')).toBeTruthy()
    const parts = screen.getAllByTestId('system-part').map((p) => [p.dataset.part, p.dataset.state])
    expect(parts).toEqual([
      ['mqtt', 'ok'],
      ['ingest', 'ok'],
      ['timeseries', 'ok'],
      ['spool', 'ok'],
      ['store', 'ok'],
      ['dashboard', 'ok'],
      ['queue', 'ok'],
    ])
    expect(within(part('timeseries') as HTMLElement).getByText('历史数据库')).toBeTruthy()
    // A part this dashboard has no label for is shown under its key, with the api's detail.
    expect(within(part('queue') as HTMLElement).getByText('queue')).toBeTruthy()
    expect(within(part('queue') as HTMLElement).getByText('a part added by a newer api')).toBeTruthy()
  })

  it('shows devices online, the ingest figures and the api version and uptime, formatted for the language', async () => {
    stubHealth([healthReport()])
    await renderSystem('en')
    expect(document.querySelector('[data-tile="devices"] .tile__value')?.textContent).toBe('8 / 9')
    const ingest = screen.getByRole('region', { name: 'Ingest' })
    expect(within(ingest).getByText('1,234,567')).toBeTruthy()
    expect(within(ingest).getByText('41.3/s')).toBeTruthy()
    expect(within(ingest).getByText('38 ms')).toBeTruthy()
    expect(within(ingest).getByText('embedded SQLite')).toBeTruthy()
    expect(within(ingest).getByText('0%')).toBeTruthy()
    const api = screen.getByRole('region', { name: 'API server' })
    expect(within(api).getByText('0.1.0')).toBeTruthy()
    expect(within(api).getByText('2 h 1 min')).toBeTruthy()
  })

  it('renders the report of a 503 as down and names the parts in trouble, worst first', async () => {
    stubHealth([{ status: 503, body: downReport() }])
    await renderSystem()
    expect(headline().dataset.state).toBe('down')
    expect(within(headline()).getByText('监控系统故障')).toBeTruthy()
    expect(within(headline()).getByText('异常：历史数据库、写入缓存')).toBeTruthy()
    expect(part('timeseries')?.dataset.state).toBe('down')
    expect(part('spool')?.dataset.state).toBe('degraded')
    expect(within(part('timeseries') as HTMLElement).getByText('故障')).toBeTruthy()
  })

  it('lists every broker figure and every drop reason, zero included, with labels', async () => {
    stubHealth([healthReport()])
    await renderSystem()
    expect(screen.getByTestId('broker-status').dataset.state).toBe('online')
    expect(metric('online')).toBe('运行中')
    expect(metric('uptime')).toBe('已运行 3 天 4 小时')
    expect(metric('connections.clients')).toContain('412')
    expect(metric('messages.inPerSec')).toBe('81.6 条/秒')
    expect(metric('messages.inTotal')).toBe('12,345,678')
    expect(metric('throttled.total')).toBe('17')
    expect(metric('queues.outgoingBytes')).toBe('12.5\u2009KiB')
    expect(metric('memory.rssBytes')).toBe('312.4\u2009MiB')
    const dropped = screen.getAllByTestId('broker-dropped')
    expect(dropped.map((d) => [d.dataset.reason, d.dataset.count])).toEqual(
      BROKER_DROP_REASONS.map((reason) => [
        reason,
        reason === 'auth-failed' ? '3' : reason === 'slow-consumer' ? '1' : '0',
      ]),
    )
    expect(within(dropped[0] as HTMLElement).getByText('登录失败')).toBeTruthy()
  })

  it('says there is no broker status yet when the report has none', async () => {
    stubHealth([healthReport({ broker: undefined })])
    await renderSystem('en')
    expect(screen.getByTestId('broker-status').dataset.state).toBe('none')
    expect(screen.getByText('No broker status yet')).toBeTruthy()
    expect(screen.queryAllByTestId('broker-metric')).toEqual([])
  })

  it('marks a broker status older than three intervals as stale, and an offline broker as stopped', async () => {
    stubHealth([
      healthReport({ broker: brokerStatus({ ts: NOW - 3 * BROKER_INTERVAL_MS - 1_000 }) }),
      healthReport({ broker: brokerStatus({ online: false, ts: NOW }) }),
    ])
    await renderSystem('en')
    expect(screen.getByTestId('broker-status').dataset.state).toBe('stale')
    expect(metric('age')).toBe('Status is stale: last one 16 seconds ago')
    await advance(HEALTH_POLL_INTERVAL_MS)
    expect(screen.getByTestId('broker-status').dataset.state).toBe('offline')
    expect(metric('online')).toBe('Stopped')
  })

  it('measures the age of the broker status on the server clock, not on a browser clock ten minutes behind', async () => {
    vi.setSystemTime(NOW - 600_000)
    stubHealth([healthReport()], () => NOW)
    await renderSystem('en')
    expect(screen.getByTestId('broker-status').dataset.state).toBe('online')
    expect(metric('age')).toMatch(/^status updated \d seconds ago$/)
  })

  it('says the api does not answer, keeps the last report dimmed and retries every 5 s until it answers', async () => {
    const api = stubHealth([
      healthReport(),
      new TypeError('Failed to fetch'),
      new TypeError('Failed to fetch'),
      healthReport(),
    ])
    await renderSystem()
    expect(headline().dataset.state).toBe('ok')

    await advance(HEALTH_POLL_INTERVAL_MS)
    expect(api).toHaveBeenCalledTimes(2)
    expect(headline().dataset.state).toBe('unreachable')
    expect(within(headline()).getByText('无法连接监控服务器')).toBeTruthy()
    expect(within(headline()).getByText('网络不通或服务未运行')).toBeTruthy()
    expect(within(headline()).getByText(/以下是 .*收到的最后一次状态/)).toBeTruthy()
    expect(document.querySelector('.system-page__report')?.getAttribute('data-dimmed')).toBe('true')
    expect(screen.getAllByTestId('system-part')).toHaveLength(7)

    await advance(HEALTH_POLL_INTERVAL_MS)
    expect(api).toHaveBeenCalledTimes(3)
    expect(headline().dataset.state).toBe('unreachable')
    await advance(HEALTH_POLL_INTERVAL_MS)
    expect(api).toHaveBeenCalledTimes(4)
    expect(headline().dataset.state).toBe('ok')
    expect(document.querySelector('.system-page__report')?.getAttribute('data-dimmed')).toBeNull()
  })

  it('says so when the api never answered, and an answer that is no report is an error too', async () => {
    stubHealth([new TypeError('Failed to fetch'), { status: 502, body: '<html>Bad Gateway</html>' }])
    await renderSystem('en')
    expect(headline().dataset.state).toBe('unreachable')
    expect(screen.queryAllByTestId('system-part')).toEqual([])
    await advance(HEALTH_POLL_INTERVAL_MS)
    expect(within(headline()).getByText('the server answered error 502')).toBeTruthy()
  })

  it('asks nothing while the tab is hidden and asks at once when it is shown again', async () => {
    const api = stubHealth([healthReport()])
    await renderSystem()
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await advance(5 * HEALTH_POLL_INTERVAL_MS)
    expect(api).toHaveBeenCalledTimes(1)

    visibility.mockReturnValue('visible')
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await advance()
    expect(api).toHaveBeenCalledTimes(2)
    await advance(HEALTH_POLL_INTERVAL_MS)
    expect(api).toHaveBeenCalledTimes(3)
    visibility.mockRestore()
  })

  it('stops asking once the page is left', async () => {
    const api = stubHealth([healthReport()])
    const { unmount } = await renderSystem()
    unmount()
    await advance(3 * HEALTH_POLL_INTERVAL_MS)
    expect(api).toHaveBeenCalledTimes(1)
  })

  it('is linked from the header for a role with system.read', async () => {
    stubHealth([healthReport()])
    renderWithProviders(<App />, { user: SUPERVISOR })
    const link = screen.getByRole('link', { name: '系统状态' })
    expect(link.getAttribute('href')).toBe('/system')
    fireEvent.click(link)
    await advance()
    expect(screen.getByTestId('system-page')).toBeTruthy()
    expect(link.getAttribute('aria-current')).toBe('page')
  })
})
