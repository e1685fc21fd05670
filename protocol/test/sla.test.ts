/**
 * The SLA clocks computed from a work order's timeline, with controlled times: a work order created at T0 with
 * response 30 min, arrival 120 min and resolution 600 min, unless a test says otherwise.
 */
import {
  ESCALATE_AT,
  type HoldReason,
  isUrgent,
  needsEscalation,
  type SlaClock,
  type SlaClockView,
  type SlaStep,
  type SlaTargets,
  slaClocks,
  type WorkOrderState,
} from '@fm/protocol'
import { describe, expect, it } from 'vitest'

const T0 = Date.UTC(2026, 10, 2, 1, 0, 0)
const MIN = 60_000
/** `m` minutes after T0. */
const at = (m: number) => T0 + m * MIN
const TARGETS: SlaTargets = { responseMin: 30, arrivalMin: 120, resolutionMin: 600 }

const step = (m: number, to: WorkOrderState, extra: Omit<SlaStep, 'at' | 'to'> = {}): SlaStep => ({
  at: at(m),
  to,
  ...extra,
})
const hold = (m: number, holdReason: HoldReason) => step(m, 'on_hold', { action: 'hold', holdReason })
const resume = (m: number) => step(m, 'in_progress', { action: 'resume' })
/** Dispatched at 10, accepted at 12, on site at 20: the response and arrival clocks are met on time. */
const onSite = [step(10, 'assigned'), step(12, 'accepted'), step(20, 'in_progress')]

function clockOf(views: readonly SlaClockView[], clock: SlaClock): SlaClockView {
  const view = views.find((candidate) => candidate.clock === clock)
  if (!view) throw new Error(`no ${clock} clock`)
  return view
}

/** The expected view of a clock due at `dueMin`: not met, not breached, not paused, unless `more` says so. */
const expected = (clock: SlaClock, dueMin: number, more: Partial<SlaClockView> = {}): SlaClockView => ({
  clock,
  targetMin: TARGETS[`${clock}Min`],
  dueAt: at(dueMin),
  pausedMs: 0,
  paused: false,
  ...more,
})

const resolutionAt = (steps: readonly SlaStep[], nowMin: number, targets = TARGETS) =>
  clockOf(slaClocks(T0, targets, steps, at(nowMin)), 'resolution')

describe('slaClocks: met and breached', () => {
  it('meets each clock on time: metAt is the step, dueAt creation + target, no breach', () => {
    const steps = [...onSite, step(300, 'resolved', { action: 'resolve' })]

    expect(slaClocks(T0, TARGETS, steps, at(400))).toEqual<SlaClockView[]>([
      expected('response', 30, { metAt: at(10) }),
      expected('arrival', 120, { metAt: at(20) }),
      expected('resolution', 600, { metAt: at(300) }),
    ])
  })

  it('breaches each clock at the exact moment its running time reached the target, and keeps the late metAt', () => {
    const steps = [step(45, 'assigned'), step(50, 'accepted'), step(150, 'in_progress'), step(700, 'resolved')]

    expect(slaClocks(T0, TARGETS, steps, at(800))).toEqual<SlaClockView[]>([
      expected('response', 30, { metAt: at(45), breachedAt: at(30) }),
      expected('arrival', 120, { metAt: at(150), breachedAt: at(120) }),
      expected('resolution', 600, { metAt: at(700), breachedAt: at(600) }),
    ])
  })

  it('counts a clock met at the very moment it falls due as met on time', () => {
    const response = clockOf(slaClocks(T0, TARGETS, [step(30, 'assigned')], at(60)), 'response')

    expect(response).toEqual(expected('response', 30, { metAt: at(30) }))
  })

  it('meets the response clock at the first dispatch or acceptance, and the arrival clock at the first visit', () => {
    // dispatched, declined, dispatched again; on site, then back on site after a resume
    const steps = [
      step(5, 'assigned'),
      step(8, 'triaged', { action: 'decline' }),
      step(25, 'assigned'),
      step(26, 'accepted'),
      step(100, 'in_progress'),
      hold(110, 'parts'),
      resume(200),
    ]
    const [response, arrival] = slaClocks(T0, TARGETS, steps, at(300))

    expect(response?.metAt).toBe(at(5))
    expect(arrival?.metAt).toBe(at(100))
  })

  it('breaches a clock still running when its target is reached, and projects the due time of one not yet due', () => {
    const steps = [step(10, 'assigned'), step(12, 'accepted')]

    const early = slaClocks(T0, TARGETS, steps, at(100))
    const late = slaClocks(T0, TARGETS, steps, at(130))

    // not yet due: dueAt is when it will breach if it keeps running
    expect(clockOf(early, 'arrival')).toEqual(expected('arrival', 120))
    expect(clockOf(early, 'resolution')).toEqual(expected('resolution', 600))
    expect(clockOf(late, 'arrival')).toEqual(expected('arrival', 120, { breachedAt: at(120) }))
    // at the very moment: breached
    expect(clockOf(slaClocks(T0, TARGETS, steps, at(120)), 'arrival').breachedAt).toBe(at(120))
  })

  it('reads the steps in time order, and as of now: a step recorded later has not happened yet', () => {
    const steps = [step(300, 'resolved'), step(20, 'in_progress'), step(12, 'accepted'), step(10, 'assigned')]

    expect(clockOf(slaClocks(T0, TARGETS, steps, at(400)), 'resolution').metAt).toBe(at(300))
    expect(clockOf(slaClocks(T0, TARGETS, steps, at(200)), 'resolution')).toEqual(expected('resolution', 600))
  })
})

describe('slaClocks: holds', () => {
  it.each<HoldReason>(['resident', 'approval'])(
    'pauses the running clock while on hold for the %s: dueAt moves by the paused time',
    (reason) => {
      const steps = [...onSite, hold(100, reason)]

      const during = slaClocks(T0, TARGETS, steps, at(160))
      const after = slaClocks(T0, TARGETS, [...steps, resume(190)], at(200))

      expect(clockOf(during, 'resolution')).toEqual(expected('resolution', 660, { pausedMs: 60 * MIN, paused: true }))
      expect(clockOf(after, 'resolution')).toEqual(expected('resolution', 690, { pausedMs: 90 * MIN }))
      // the clocks met before the hold are not paused (a hold starts only in progress, so they always are)
      for (const view of [...during, ...after].filter((clock) => clock.clock !== 'resolution')) {
        expect(view).toMatchObject({ pausedMs: 0, paused: false })
      }
    },
  )

  it.each<HoldReason>(['parts', 'contractor'])('keeps the clock running while on hold for %s', (reason) => {
    const steps = [...onSite, hold(100, reason)]

    expect(resolutionAt(steps, 160)).toEqual(expected('resolution', 600))
    expect(resolutionAt([...steps, resume(190)], 700)).toMatchObject({ breachedAt: at(600), pausedMs: 0 })
  })

  it('adds up several pauses, and counts the waits for parts between them', () => {
    const steps = [
      ...onSite,
      hold(100, 'resident'),
      resume(130),
      hold(200, 'parts'),
      resume(260),
      hold(300, 'approval'),
      resume(400),
      step(650, 'resolved'),
    ]

    // paused 30 + 100 min; the parts wait ran; running 650 − 130 = 520 < 600
    expect(resolutionAt(steps, 700)).toEqual(expected('resolution', 730, { metAt: at(650), pausedMs: 130 * MIN }))
  })

  it('saves a clock that a pause before its due time carries past it', () => {
    const steps = [...onSite, hold(500, 'resident'), resume(700), step(750, 'resolved')]

    // running 500 + 50 = 550 min
    expect(resolutionAt(steps, 800)).toEqual(expected('resolution', 800, { metAt: at(750), pausedMs: 200 * MIN }))
  })

  it('does not undo a breach with a later pause', () => {
    const steps = [...onSite, hold(650, 'resident')]

    expect(resolutionAt(steps, 700)).toEqual(
      expected('resolution', 600, { breachedAt: at(600), pausedMs: 50 * MIN, paused: true }),
    )
    expect(resolutionAt([...steps, resume(800), step(900, 'resolved')], 1000)).toEqual(
      expected('resolution', 600, { metAt: at(900), breachedAt: at(600), pausedMs: 150 * MIN }),
    )
  })
})

describe('slaClocks: returns, reopens and ends', () => {
  const resolved = [...onSite, step(300, 'resolved', { action: 'resolve' })]
  const returned = [...resolved, step(400, 'in_progress', { action: 'return' })]

  it('resumes the resolution clock when the resolution is returned: the time waiting for verification counted', () => {
    expect(resolutionAt(returned, 500)).toEqual(expected('resolution', 600))
    expect(resolutionAt([...returned, step(550, 'resolved')], 800)).toMatchObject({ metAt: at(550) })
    expect(resolutionAt([...returned, step(700, 'resolved')], 800)).toEqual(
      expected('resolution', 600, { metAt: at(700), breachedAt: at(600) }),
    )
  })

  it('leaves the resolution met on time when the work order is reopened after verification', () => {
    const steps = [
      ...resolved,
      step(400, 'verified', { action: 'verify' }),
      step(5000, 'in_progress', { action: 'reopen' }),
      step(6000, 'resolved', { action: 'resolve' }),
      step(6100, 'in_progress', { action: 'return' }),
    ]

    expect(resolutionAt(steps, 7000)).toEqual(expected('resolution', 600, { metAt: at(300) }))
  })

  it.each<[WorkOrderState, SlaStep[]]>([
    ['cancelled', [step(10, 'assigned'), step(60, 'cancelled', { action: 'cancel' })]],
    ['rejected', [step(5, 'triaged'), step(60, 'rejected', { action: 'reject' })]],
  ])('stops every unmet clock for good when %s, with no later breach', (_, steps) => {
    const [, arrival, resolution] = slaClocks(T0, TARGETS, steps, at(10_000))

    // stopped after 60 min: the due time is where it stood then
    expect(arrival).toEqual(expected('arrival', 120))
    expect(resolution).toEqual(expected('resolution', 600))
  })

  it('keeps a breach that happened before the cancellation, and ends a pause at it', () => {
    const breached = clockOf(slaClocks(T0, TARGETS, [step(10, 'assigned'), step(200, 'cancelled')], at(900)), 'arrival')
    const onHold = resolutionAt([...onSite, hold(100, 'resident'), step(150, 'cancelled')], 1000)

    expect(breached).toMatchObject({ breachedAt: at(120), dueAt: at(120) })
    expect(breached.metAt).toBeUndefined()
    expect(onHold).toEqual(expected('resolution', 650, { pausedMs: 50 * MIN }))
  })
})

describe('needsEscalation', () => {
  it.each([1, 5, 15, 30, 60, 240, 480, 2880, 4320, 10_080])(
    'escalates a %i-minute clock at exactly ESCALATE_AT of its target, not a millisecond before',
    (targetMin) => {
      const targets = { ...TARGETS, resolutionMin: targetMin }
      const escalateAt = T0 + targetMin * MIN * ESCALATE_AT
      const clock = (now: number) => clockOf(slaClocks(T0, targets, onSite, now), 'resolution')

      expect(needsEscalation(clock(escalateAt), escalateAt)).toBe(true)
      expect(needsEscalation(clock(escalateAt - 1), escalateAt - 1)).toBe(false)
    },
  )

  it('counts only running time: a pause puts the escalation off by its length', () => {
    const steps = [...onSite, hold(100, 'resident'), resume(160)]

    // 80 % of 600 min is 480 min of running time, reached at 540 after 60 min paused
    expect(needsEscalation(resolutionAt(steps, 540), at(540))).toBe(true)
    expect(needsEscalation(resolutionAt(steps, 539), at(539))).toBe(false)
    // while paused, the time used stands still
    const paused = resolutionAt([...onSite, hold(100, 'resident')], 5000)
    expect(needsEscalation(paused, at(5000))).toBe(false)
  })

  it('does not escalate a clock that was met or has breached', () => {
    const met = resolutionAt([...onSite, step(590, 'resolved')], 595)
    const breached = resolutionAt(onSite, 700)

    expect(needsEscalation(met, at(595))).toBe(false)
    expect(breached.breachedAt).toBe(at(600))
    expect(needsEscalation(breached, at(700))).toBe(false)
  })
})

describe('isUrgent', () => {
  it('marks P0 and P1 as 急修', () => {
    expect((['P0', 'P1', 'P2', 'P3'] as const).map(isUrgent)).toEqual([true, true, false, false])
  })
})
