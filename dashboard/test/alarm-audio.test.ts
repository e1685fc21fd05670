import { describe, expect, it, vi } from 'vitest'
import { annunciate, audioState, occurrenceKey } from '../src/alarms/annunciation.ts'
import { createAlarmAudio, LOOKAHEAD_SEC, type Timers, TOP_UP_MS } from '../src/alarms/audio.ts'
import { BATTERY_LOW, CABLE_HOT, changed, FIRE, HUMID_SHELVED, PUMP_MANUAL, TANK_LOW } from './alarm-fixtures.ts'
import { FakeAudioContext } from './fake-audio.ts'

/** Timers the test fires by hand. */
function manualTimers() {
  const callbacks = new Map<number, () => void>()
  let next = 0
  const timers: Timers = {
    setInterval: (callback) => {
      next += 1
      callbacks.set(next, callback)
      return next
    },
    clearInterval: (handle) => callbacks.delete(handle as number),
  }
  const tick = () => {
    for (const callback of callbacks.values()) callback()
  }
  return { timers, running: () => callbacks.size, tick }
}

function setup(state = 'running') {
  const context = new FakeAudioContext()
  context.state = state
  const clock = manualTimers()
  const audio = createAlarmAudio(() => context, clock.timers)
  return { context, clock, audio }
}

describe('alarm audio engine', () => {
  it('plays the P0 siren: 960 Hz and 770 Hz square waves, half a second each, without a pause, ahead of time', () => {
    const { context, audio } = setup()
    audio.setPattern('P0')
    const notes = context.notes()
    expect(notes.slice(0, 4).map((n) => [n.wave, n.frequencyHz])).toEqual([
      ['square', 960],
      ['square', 770],
      ['square', 960],
      ['square', 770],
    ])
    // Back to back: each note starts where the one before it began plus half a second.
    for (const [i, note] of notes.entries()) if (i > 0) expect(note.start - (notes[i - 1]?.start ?? 0)).toBeCloseTo(0.5)
    expect(notes.at(-1)?.start).toBeGreaterThan(LOOKAHEAD_SEC - 1)
  })

  it('plays the P1 chime, two falling sine notes every four seconds, topped up by its timer as the clock moves on', () => {
    const { context, clock, audio } = setup()
    audio.setPattern('P1')
    const [first, second] = context.notes()
    expect([first?.wave, first?.frequencyHz, second?.wave, second?.frequencyHz]).toEqual(['sine', 1047, 'sine', 784])
    expect(context.notes()).toHaveLength(2)
    context.currentTime = 3
    clock.tick()
    const starts = context.notes().map((n) => n.start)
    expect(starts).toHaveLength(4)
    expect((starts[2] ?? 0) - (starts[0] ?? 0)).toBeCloseTo(4)
    expect(TOP_UP_MS).toBeLessThan(1000)
  })

  it('plays one soft P2 tone that does not repeat', () => {
    const { context, clock, audio } = setup()
    expect(audio.tone()).toBe(true)
    expect(context.notes().map((n) => [n.wave, n.frequencyHz])).toEqual([['sine', 660]])
    expect(clock.running()).toBe(0)
  })

  it('stops a pattern at once: its output is cut and its timer cleared', () => {
    const { context, clock, audio } = setup()
    audio.setPattern('P0')
    expect(context.notes(true).length).toBeGreaterThan(0)
    audio.setPattern(undefined)
    expect(context.notes(true)).toEqual([])
    expect(clock.running()).toBe(0)
  })

  it('switches from the chime to the siren', () => {
    const { context, audio } = setup()
    audio.setPattern('P1')
    audio.setPattern('P0')
    expect(new Set(context.notes(true).map((n) => n.frequencyHz))).toEqual(new Set([960, 770]))
  })

  it('waits while the browser blocks sound, and starts the pattern asked for once a gesture unlocks it', async () => {
    const { context, audio } = setup('suspended')
    const changes = vi.fn()
    audio.subscribe(changes)
    audio.setPattern('P0')
    expect(audio.status).toBe('blocked')
    expect(audio.tone()).toBe(false)
    expect(context.notes()).toEqual([])
    await audio.unlock()
    expect(audio.status).toBe('running')
    expect(changes).toHaveBeenCalled()
    expect(context.notes(true)[0]?.frequencyHz).toBe(960)
  })

  it('says sound is unavailable where the browser has no Web Audio, and does nothing', async () => {
    const audio = createAlarmAudio(() => undefined)
    audio.setPattern('P0')
    expect(audio.status).toBe('unavailable')
    expect(audio.tone()).toBe(false)
    await audio.unlock()
  })

  it('gives the context back when disposed', () => {
    const { context, audio } = setup()
    audio.setPattern('P1')
    audio.dispose()
    expect(context.state).toBe('closed')
    expect(context.notes(true)).toEqual([])
  })
})

describe('annunciation', () => {
  const none = new Set<string>()

  it('sounds the highest priority of the active unacknowledged alarms: the siren over the chime', () => {
    expect(annunciate([TANK_LOW, FIRE], none, none).pattern).toBe('P0')
    expect(annunciate([TANK_LOW, BATTERY_LOW], none, none).pattern).toBe('P1')
    // P3 is silent; acknowledged and shelved alarms do not sound.
    expect(annunciate([BATTERY_LOW, CABLE_HOT, PUMP_MANUAL, HUMID_SHELVED], none, none).pattern).toBeUndefined()
  })

  it('stops when the alarm is acknowledged, and does not sound one that returned to normal unacknowledged', () => {
    expect(annunciate([changed(TANK_LOW, { state: 'ack' })], none, none).pattern).toBeUndefined()
    expect(annunciate([changed(TANK_LOW, { state: 'rtn-unack' })], none, none).pattern).toBeUndefined()
  })

  it('silences by occurrence: the silenced alarm stays quiet, a new alarm sounds again', () => {
    const silenced = new Set(annunciate([TANK_LOW], none, none).silenceable.map(occurrenceKey))
    const after = annunciate([TANK_LOW], silenced, none)
    expect(after.pattern).toBeUndefined()
    expect(after.silenced).toBe(true)
    expect(audioState('running', after)).toBe('silenced')
    // The same alarm retriggered keeps its occurrence; another alarm, or a new occurrence, sounds.
    expect(annunciate([changed(TANK_LOW, { count: 4 })], silenced, none).pattern).toBeUndefined()
    const newOccurrence = changed(TANK_LOW, { raisedAt: TANK_LOW.updatedAt + 5_000 })
    expect(annunciate([newOccurrence], silenced, none).pattern).toBe('P1')
    const another = changed(CABLE_HOT, { state: 'unack' })
    expect(audioState('running', annunciate([TANK_LOW, another], silenced, none))).toBe('playing-P1')
  })

  it('cannot silence a P0 alarm: only acknowledging it stops the siren', () => {
    const first = annunciate([FIRE, TANK_LOW], none, none)
    expect(first.siren).toBe(true)
    expect(first.silenceable.map((a) => a.id)).toEqual([TANK_LOW.id])
    const silenced = new Set([...first.silenceable, FIRE].map(occurrenceKey))
    expect(annunciate([FIRE, TANK_LOW], silenced, none).pattern).toBe('P0')
    expect(annunciate([changed(FIRE, { state: 'ack' }), TANK_LOW], silenced, none).pattern).toBeUndefined()
  })

  it('owes one tone to each new P2 alarm, and none once toned or silenced', () => {
    const p2 = changed(PUMP_MANUAL, { state: 'unack' })
    expect(annunciate([p2], none, none).tonesDue).toEqual([p2])
    expect(annunciate([p2], none, new Set([occurrenceKey(p2)])).tonesDue).toEqual([])
    expect(annunciate([p2], new Set([occurrenceKey(p2)]), none).tonesDue).toEqual([])
  })

  it('reports the state a browser test reads', () => {
    const loud = annunciate([FIRE], none, none)
    expect(audioState('running', loud)).toBe('playing-P0')
    expect(audioState('blocked', loud)).toBe('blocked')
    expect(audioState('unavailable', loud)).toBe('unavailable')
    expect(audioState('running', annunciate([], none, none))).toBe('off')
  })
})
