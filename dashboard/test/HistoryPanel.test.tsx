import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HistoryPanel } from '../src/components/device/HistoryPanel.tsx'
import type { Language } from '../src/i18n/i18n.ts'
import { fixtureDevice, historyOf, SITE } from './fixtures.ts'
import { renderWithProviders, stubApi } from './harness.tsx'

const CHART_SIZE = { width: 640, height: 300 }

const LABELS: Record<Language, { ranges: string[]; custom: string; export: string; tier: string }> = {
  'zh-CN': {
    ranges: ['1 小时', '6 小时', '24 小时', '7 天', '30 天', '1 年'],
    custom: '自定义',
    export: '导出 CSV',
    tier: '1 分钟汇总 · 每点 5 分钟',
  },
  en: {
    ranges: ['1 h', '6 h', '24 h', '7 d', '30 d', '1 y'],
    custom: 'Custom',
    export: 'Export CSV',
    tier: '1-minute roll-up · one point per 5 min',
  },
}

describe('HistoryPanel', () => {
  let api: ReturnType<typeof stubApi>
  beforeEach(() => {
    api = stubApi({
      '/api/devices/tank-1/history': (url) => {
        const from = Number(url.searchParams.get('from'))
        return { ...historyOf('tank-1', 'level_pct', from, from + 3_600_000), stepMs: 300_000, tier: '1m' }
      },
    })
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  const renderPanel = (language: Language) =>
    renderWithProviders(<HistoryPanel device={fixtureDevice('tank-1')} chartSize={CHART_SIZE} />, {
      language,
      site: SITE,
    })

  it.each(['zh-CN', 'en'] as const)(
    'labels range, custom and export buttons and the resolution in %s',
    async (language) => {
      renderPanel(language)
      const labels = LABELS[language]
      const keys = ['1h', '6h', '24h', '7d', '30d', '1y']
      expect(keys.map((key) => screen.getByTestId(`range-${key}`).textContent)).toEqual(labels.ranges)
      expect(screen.getByTestId('range-custom').textContent).toBe(labels.custom)
      expect(screen.getByTestId('history-export-csv').textContent).toBe(labels.export)
      await waitFor(() => expect(screen.getByTestId('history-resolution').textContent).toBe(labels.tier))
    },
  )

  it('asks for a year and a validated custom range', async () => {
    renderPanel('zh-CN')
    await waitFor(() => expect(api).toHaveBeenCalledTimes(1))
    fireEvent.click(screen.getByTestId('range-1y'))
    await waitFor(() => expect(api).toHaveBeenCalledTimes(2))
    const year = new URL(String(api.mock.calls[1]?.[0]), 'http://localhost').searchParams
    expect(Number(year.get('to')) - Number(year.get('from'))).toBe(365 * 86_400_000)

    fireEvent.click(screen.getByTestId('range-custom'))
    fireEvent.change(screen.getByTestId('range-custom-from'), { target: { value: '2026-03-02T08:00' } })
    fireEvent.change(screen.getByTestId('range-custom-to'), { target: { value: '2026-03-01T08:00' } })
    fireEvent.click(screen.getByTestId('range-custom-apply'))
    expect(screen.getByTestId('range-custom-error').textContent).toBe('开始时间必须早于结束时间')
    expect(api).toHaveBeenCalledTimes(2)

    fireEvent.change(screen.getByTestId('range-custom-to'), { target: { value: '2026-03-03T08:00' } })
    fireEvent.click(screen.getByTestId('range-custom-apply'))
    await waitFor(() => expect(api).toHaveBeenCalledTimes(3))
    const custom = new URL(String(api.mock.calls[2]?.[0]), 'http://localhost').searchParams
    expect(Number(custom.get('from'))).toBe(new Date('2026-03-02T08:00').getTime())
    expect(screen.getByTestId('range-custom').getAttribute('aria-pressed')).toBe('true')
  })

  it('downloads the charted buckets as a CSV file named after device, field and window', async () => {
    renderPanel('en')
    const button = screen.getByTestId('history-export-csv') as HTMLButtonElement
    await waitFor(() => expect(button.disabled).toBe(false))
    let blob: Blob | undefined
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blob = b as Blob
      return 'blob:csv'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    let fileName = ''
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      fileName = this.download
    })
    fireEvent.click(button)
    expect(create).toHaveBeenCalledTimes(1)
    expect(fileName).toMatch(/^tank-1_level_pct_\d{8}-\d{4}_\d{8}-\d{4}\.csv$/)
    const bytes = new Uint8Array(await (blob as Blob).arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = new TextDecoder().decode(bytes).split('\r\n')
    expect(lines[0]).toContain('Asia/Shanghai')
    expect(lines[0]).toContain('level_pct mean [%]')
    expect(lines.length).toBeGreaterThan(2)
  })
})
