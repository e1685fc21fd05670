/**
 * A Web Audio context that records what the alarm sounds schedule instead of playing it: which notes, when, and
 * whether their output still reaches the speakers. It starts `suspended`, as a browser's does before a user gesture,
 * unless told otherwise.
 */
import type { AudioContextLike, AudioNodeLike, AudioParamLike, GainLike, OscillatorLike } from '../src/alarms/audio.ts'

class FakeParam implements AudioParamLike {
  readonly values: { value: number; time: number }[] = []
  setValueAtTime(value: number, time: number) {
    this.values.push({ value, time })
  }
  exponentialRampToValueAtTime(value: number, time: number) {
    this.values.push({ value, time })
  }
}

class FakeNode implements AudioNodeLike {
  targets: AudioNodeLike[] = []
  connect(destination: AudioNodeLike) {
    this.targets.push(destination)
  }
  disconnect() {
    this.targets = []
  }
}

export class FakeGain extends FakeNode implements GainLike {
  readonly gain = new FakeParam()
}

export class FakeOscillator extends FakeNode implements OscillatorLike {
  type: OscillatorType = 'sine'
  readonly frequency = new FakeParam()
  startAt = Number.NaN
  stopAt = Number.NaN
  start(when = 0) {
    this.startAt = when
  }
  stop(when = 0) {
    this.stopAt = when
  }
}

/** A note as a test reads it: its wave and pitch, and when it plays, in seconds of the audio clock. */
export interface PlayedNote {
  wave: OscillatorType
  frequencyHz: number
  start: number
  stop: number
}

export class FakeAudioContext implements AudioContextLike {
  /** What a new context starts in; a test of a page that already had a click sets `running`. */
  static initialState = 'suspended'
  static readonly created: FakeAudioContext[] = []

  state = FakeAudioContext.initialState
  currentTime = 0
  readonly destination = new FakeNode()
  readonly oscillators: FakeOscillator[] = []
  readonly listeners = new Set<() => void>()

  constructor() {
    FakeAudioContext.created.push(this)
  }

  /** The browser allows sound (a user gesture happened). */
  async resume() {
    this.setState('running')
  }

  async close() {
    this.setState('closed')
  }

  setState(state: string) {
    this.state = state
    for (const listener of this.listeners) listener()
  }

  createOscillator() {
    const oscillator = new FakeOscillator()
    this.oscillators.push(oscillator)
    return oscillator
  }

  createGain() {
    return new FakeGain()
  }

  addEventListener(_type: 'statechange', listener: () => void) {
    this.listeners.add(listener)
  }

  removeEventListener(_type: 'statechange', listener: () => void) {
    this.listeners.delete(listener)
  }

  /** Whether `node`'s output still reaches the speakers. */
  reaches(node: AudioNodeLike): boolean {
    if (node === this.destination) return true
    return node instanceof FakeNode && node.targets.some((target) => this.reaches(target))
  }

  /** The notes scheduled so far, in order; with `audibleOnly`, those still connected to the speakers. */
  notes(audibleOnly = false): PlayedNote[] {
    return this.oscillators
      .filter((oscillator) => !audibleOnly || this.reaches(oscillator))
      .map((oscillator) => ({
        wave: oscillator.type,
        frequencyHz: oscillator.frequency.values[0]?.value ?? 0,
        start: oscillator.startAt,
        stop: oscillator.stopAt,
      }))
  }

  /** The most recent context, which the page made. */
  static latest(): FakeAudioContext {
    const latest = FakeAudioContext.created.at(-1)
    if (!latest) throw new Error('no audio context was made')
    return latest
  }
}
