import { FLOOD_END, FLOOD_START, FLOOD_WINDOW_MS } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { FloodMonitor, FloodWindow } from '../src/flood.ts'
import { testClock } from './sign-in.ts'

const SEC = 1000

describe('FloodWindow', () => {
  it(`starts a flood at the raise that puts more than ${FLOOD_START} in the window, not before`, () => {
    const window = new FloodWindow()
    const changes = Array.from({ length: FLOOD_START + 1 }, (_, i) => window.raise(i * SEC))

    expect(changes.slice(0, FLOOD_START)).toEqual(Array(FLOOD_START).fill(undefined))
    expect(changes.at(-1)).toEqual({ active: true, at: FLOOD_START * SEC })
    expect(window).toMatchObject({ active: true, since: FLOOD_START * SEC, count: 11, peak: 11 })
  })

  it(`ends it when fewer than ${FLOOD_END} remain, at the moment the raise that tipped it left`, () => {
    const window = new FloodWindow()
    for (let i = 0; i <= FLOOD_START; i += 1) window.raise(i * SEC)

    // raises 0, 1 and 2 have left: 8 remain, between the thresholds: still a flood
    expect(window.expire(FLOOD_WINDOW_MS + 2 * SEC)).toBeUndefined()
    expect(window).toMatchObject({ active: true, count: 8 })
    // raise 6 leaves at FLOOD_WINDOW_MS + 6 s: 4 remain
    expect(window.expire(FLOOD_WINDOW_MS + 9 * SEC)).toEqual({ active: false, at: FLOOD_WINDOW_MS + 6 * SEC })
    expect(window).toMatchObject({ active: false, count: 1, since: undefined, peak: 11 })
  })

  it(`after an end, starts again only above ${FLOOD_START} again`, () => {
    const window = new FloodWindow()
    for (let i = 0; i <= FLOOD_START; i += 1) window.raise(i * SEC)
    window.expire(FLOOD_WINDOW_MS + 9 * SEC)

    // the last of the flood leaves at the first of these; 10 are not more than 10; the next makes 11
    const quiet = Array.from({ length: 10 }, (_, i) => window.raise(FLOOD_WINDOW_MS + (10 + i) * SEC))
    const again = window.raise(FLOOD_WINDOW_MS + 20 * SEC)

    expect(quiet).toEqual(Array(10).fill(undefined))
    expect(again).toEqual({ active: true, at: FLOOD_WINDOW_MS + 20 * SEC })
  })

  it('counts a raise exactly one window old as gone', () => {
    const window = new FloodWindow()
    window.raise(0)

    expect(window.countAt(FLOOD_WINDOW_MS - 1)).toBe(1)
    expect(window.countAt(FLOOD_WINDOW_MS)).toBe(0)
  })
})

describe('FloodMonitor', () => {
  it('keeps a window per site against its clock, and ends a flood on a tick once the raises stop', () => {
    const clock = testClock()
    const monitor = new FloodMonitor(clock.now)
    const start = clock.now()

    const changes = Array.from({ length: FLOOD_START + 1 }, () => monitor.raised('xingfuli'))
    monitor.raised('hexie')

    expect(changes.slice(0, FLOOD_START)).toEqual(Array(FLOOD_START).fill(undefined))
    expect(changes.at(-1)).toEqual({ siteId: 'xingfuli', active: true, since: start, last10Min: 11 })
    // during the flood, every raise tells the new count
    clock.advance(1000)
    expect(monitor.raised('xingfuli')).toEqual({ siteId: 'xingfuli', active: true, since: start, last10Min: 12 })
    expect(monitor.statuses(['cuihu'])).toEqual([
      { siteId: 'cuihu', active: false, last10Min: 0 },
      { siteId: 'hexie', active: false, last10Min: 1 },
      { siteId: 'xingfuli', active: true, since: start, last10Min: 12 },
    ])
    clock.advance(FLOOD_WINDOW_MS - 1001)
    expect(monitor.tick()).toEqual([])
    // the first eleven leave the window together; one remains, below FLOOD_END: the flood ends
    clock.advance(1)
    expect(monitor.tick()).toEqual([{ siteId: 'xingfuli', active: false, last10Min: 1 }])
    clock.advance(1000)
    expect(monitor.tick()).toEqual([])
    expect(monitor.statuses([])).toEqual([])
  })
})
