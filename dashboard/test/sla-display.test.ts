import { ESCALATE_AT, type SlaClockView } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { createI18n } from '../src/i18n/i18n.ts'
import { clocksAsOf, clockTone, formatCountdown, remainingMs, urgentClock } from '../src/workorders/sla-display.ts'
import { NOW } from './fixtures.ts'
import { HOUR, MINUTE, WANG, workOrder } from './work-order-fixtures.ts'

/** A running clock of `targetMin` due `left` ms from NOW. */
function clock(targetMin: number, left: number, extra: Partial<SlaClockView> = {}): SlaClockView {
  return { clock: 'arrival', targetMin, dueAt: NOW + left, pausedMs: 0, paused: false, ...extra }
}

describe('SLA countdowns', () => {
  const zh = createI18n('zh-CN')
  const en = createI18n('en')

  it('counts a running clock down from now, and holds a paused one where the api computed it', () => {
    expect(remainingMs(clock(30, 10 * MINUTE), NOW + MINUTE, NOW)).toBe(9 * MINUTE)
    const paused = clock(30, 10 * MINUTE, { paused: true })
    expect(remainingMs(paused, NOW + 5 * MINUTE, NOW)).toBe(10 * MINUTE)
    expect(remainingMs(paused, NOW + 50 * MINUTE, NOW)).toBe(10 * MINUTE)
  })

  it(`is green until ${ESCALATE_AT * 100}% of the target is used, then amber, and red once breached`, () => {
    const target = 100 * MINUTE
    const escalateLeft = target * (1 - ESCALATE_AT)
    expect(clockTone(clock(100, escalateLeft + 1000), NOW, NOW)).toBe('ok')
    expect(clockTone(clock(100, escalateLeft), NOW, NOW)).toBe('warn')
    expect(clockTone(clock(100, 1000), NOW, NOW)).toBe('warn')
    expect(clockTone(clock(100, 0), NOW, NOW)).toBe('breached')
    expect(clockTone(clock(100, -MINUTE, { breachedAt: NOW - MINUTE }), NOW, NOW)).toBe('breached')
    // the countdown reaches zero before the next answer says so
    expect(clockTone(clock(100, 1000), NOW + 2000, NOW)).toBe('breached')
  })

  it('keeps a paused clock in the tone it had when it stopped', () => {
    const paused = clock(100, 50 * MINUTE, { paused: true })
    expect(clockTone(paused, NOW + 3 * HOUR, NOW)).toBe('ok')
  })

  it('tells a clock met in time from one met late', () => {
    expect(clockTone(clock(30, 0, { metAt: NOW - MINUTE }), NOW, NOW)).toBe('met')
    expect(clockTone(clock(30, 0, { metAt: NOW, breachedAt: NOW - MINUTE }), NOW, NOW)).toBe('met-late')
  })

  it('watches the running clock with the least time left, none for a closed work order or one with all met', () => {
    // P2 water: response 5 min, arrival 30 min, resolution 4 h (随报随修); dispatched after 1 min
    const order = workOrder({
      id: 1,
      state: 'assigned',
      assignee: WANG,
      steps: [{ at: NOW - 9 * MINUTE, to: 'assigned' }],
    })
    expect(urgentClock(order, NOW, NOW)?.clock).toBe('arrival')
    const late = workOrder({ id: 2, state: 'new' }, 20 * MINUTE)
    expect(urgentClock(late, NOW, NOW)?.clock).toBe('response')
    expect(urgentClock({ ...order, state: 'cancelled' }, NOW, NOW)).toBeUndefined()
    expect(urgentClock({ ...order, clocks: order.clocks.map((c) => ({ ...c, metAt: NOW })) }, NOW, NOW)).toBeUndefined()
  })

  it('ticks in h:mm:ss under a day and in days and hours beyond, without a sign', () => {
    expect(formatCountdown(9 * MINUTE + 5_400, 'zh-CN', zh.t)).toBe('0:09:05')
    expect(formatCountdown(-(2 * HOUR + 3 * MINUTE), 'en', en.t)).toBe('2:03:00')
    expect(formatCountdown(999, 'en', en.t)).toBe('0:00:00')
    expect(formatCountdown(2 * 24 * HOUR + 3 * HOUR + 59 * MINUTE, 'en', en.t)).toBe('2 d 3 h')
    expect(formatCountdown(3 * 24 * HOUR, 'zh-CN', zh.t)).toBe('3 天')
  })

  it('takes the clocks as computed when received, or at the last change if that came later', () => {
    expect(clocksAsOf({ updatedAt: NOW - MINUTE }, NOW)).toBe(NOW)
    expect(clocksAsOf({ updatedAt: NOW + MINUTE }, NOW)).toBe(NOW + MINUTE)
  })
})
