/**
 * Alarm sounds made in the browser with the Web Audio API, no audio files: a distinct pattern per priority, as
 * ISA-18.2 asks of annunciation (`PRIORITY_EXPECTATIONS` in the protocol: P0 a siren, P1 a chime, P2 one soft tone,
 * P3 silent).
 *
 * - **P0**: an urgent two-tone siren, 960 Hz and 770 Hz square waves, half a second each, without a pause.
 * - **P1**: a two-note chime ("ding-dong", sine), every four seconds.
 * - **P2**: one soft tone when a new alarm arrives; it does not repeat.
 *
 * Repeating patterns are scheduled on the audio clock a few seconds ahead, topped up by a timer, so a late timer (a
 * busy or hidden tab) does not leave gaps; stopping cuts the pattern's own output at once. Browsers start audio only
 * after a user gesture: until then the context is suspended (`blocked`), `unlock()` asks again from a click or a key,
 * and a pattern asked for meanwhile starts as soon as the context runs. The context comes from a factory, so tests
 * drive a fake one.
 */

export interface AudioParamLike {
  setValueAtTime(value: number, time: number): unknown
  exponentialRampToValueAtTime(value: number, time: number): unknown
}

export interface AudioNodeLike {
  connect(destination: AudioNodeLike): unknown
  disconnect(): void
}

export interface OscillatorLike extends AudioNodeLike {
  type: OscillatorType
  readonly frequency: AudioParamLike
  start(when?: number): void
  stop(when?: number): void
}

export interface GainLike extends AudioNodeLike {
  readonly gain: AudioParamLike
}

/** The part of `AudioContext` the alarm sounds use. */
export interface AudioContextLike {
  readonly state: string
  readonly currentTime: number
  readonly destination: AudioNodeLike
  resume(): Promise<void>
  createOscillator(): OscillatorLike
  createGain(): GainLike
  addEventListener(type: 'statechange', listener: () => void): void
  removeEventListener(type: 'statechange', listener: () => void): void
  close(): Promise<void>
}

/** Makes the context; undefined where the browser has no Web Audio. */
export type AudioContextFactory = () => AudioContextLike | undefined

export const browserAudioContext: AudioContextFactory = () =>
  typeof AudioContext === 'undefined' ? undefined : new AudioContext()

export interface Note {
  /** Seconds from the start of the pattern. */
  at: number
  durationSec: number
  frequencyHz: number
  wave: OscillatorType
  /** Peak gain, 0–1. */
  gain: number
  /** Share of the note held at its peak before it fades: 1 for a siren, near 0 for a struck chime. */
  hold: number
}

export interface SoundPattern {
  notes: readonly Note[]
  /** Seconds from one start of the pattern to the next; undefined for a sound that plays once. */
  periodSec?: number
}

export type RepeatingPriority = 'P0' | 'P1'

export const SOUNDS: Readonly<Record<RepeatingPriority | 'P2', SoundPattern>> = {
  P0: {
    periodSec: 1,
    notes: [
      { at: 0, durationSec: 0.5, frequencyHz: 960, wave: 'square', gain: 0.2, hold: 0.9 },
      { at: 0.5, durationSec: 0.5, frequencyHz: 770, wave: 'square', gain: 0.2, hold: 0.9 },
    ],
  },
  P1: {
    periodSec: 4,
    notes: [
      { at: 0, durationSec: 0.6, frequencyHz: 1047, wave: 'sine', gain: 0.35, hold: 0.05 },
      { at: 0.45, durationSec: 1.1, frequencyHz: 784, wave: 'sine', gain: 0.35, hold: 0.05 },
    ],
  },
  P2: { notes: [{ at: 0, durationSec: 0.7, frequencyHz: 660, wave: 'sine', gain: 0.12, hold: 0.05 }] },
}

/** How far ahead a repeating pattern is scheduled on the audio clock, and how often the timer tops it up. */
export const LOOKAHEAD_SEC = 2.5
export const TOP_UP_MS = 500
/** A note starts this long after it is scheduled, so that its start is never in the past. */
const LEAD_SEC = 0.05
/** Exponential ramps cannot reach zero. */
const SILENT = 0.0001

export type AudioStatus = 'unavailable' | 'blocked' | 'running'

export interface AlarmAudio {
  readonly status: AudioStatus
  /** The repeating pattern asked for: it plays while the context runs. */
  readonly pattern: RepeatingPriority | undefined
  setPattern(pattern: RepeatingPriority | undefined): void
  /** One soft tone (a new P2 alarm); false when it could not play because sound is blocked. */
  tone(): boolean
  /** Asks the browser to start sound; call it from a click or a key press. */
  unlock(): Promise<void>
  /** Hears every change of `status`. */
  subscribe(listener: () => void): () => void
  dispose(): void
}

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

const browserTimers: Timers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
}

function playNote(context: AudioContextLike, output: AudioNodeLike, note: Note, start: number): void {
  const oscillator = context.createOscillator()
  const envelope = context.createGain()
  const begin = start + note.at
  const end = begin + note.durationSec
  oscillator.type = note.wave
  oscillator.frequency.setValueAtTime(note.frequencyHz, begin)
  envelope.gain.setValueAtTime(SILENT, begin)
  envelope.gain.exponentialRampToValueAtTime(note.gain, begin + 0.015)
  envelope.gain.setValueAtTime(note.gain, begin + Math.max(0.015, note.durationSec * note.hold))
  envelope.gain.exponentialRampToValueAtTime(SILENT, end)
  oscillator.connect(envelope)
  envelope.connect(output)
  oscillator.start(begin)
  oscillator.stop(end)
}

export function createAlarmAudio(
  createContext: AudioContextFactory = browserAudioContext,
  timers: Timers = browserTimers,
): AlarmAudio {
  let context: AudioContextLike | undefined
  try {
    context = createContext()
  } catch (error) {
    // Some browsers refuse more contexts, or Web Audio altogether, by policy: the console says sound is unavailable.
    console.warn('no Web Audio context; alarm sounds are unavailable', error)
  }
  const listeners = new Set<() => void>()
  let wanted: RepeatingPriority | undefined
  /** What is playing: the pattern, its own output (cut to stop it), the timer, and the start of the next round. */
  let playing: { pattern: RepeatingPriority; output: GainLike; timer: unknown; next: number } | undefined

  const running = () => context?.state === 'running'

  function stopPlaying(): void {
    if (!playing) return
    timers.clearInterval(playing.timer)
    playing.output.disconnect()
    playing = undefined
  }

  function topUp(): void {
    if (!context || !playing) return
    const { periodSec = 1, notes } = SOUNDS[playing.pattern]
    playing.next = Math.max(playing.next, context.currentTime + LEAD_SEC)
    while (playing.next < context.currentTime + LOOKAHEAD_SEC) {
      for (const note of notes) playNote(context, playing.output, note, playing.next)
      playing.next += periodSec
    }
  }

  /** Plays what is wanted when the context runs; stops what is not. */
  function sync(): void {
    if (playing && (playing.pattern !== wanted || !running())) stopPlaying()
    if (!context || !wanted || playing || !running()) return
    const output = context.createGain()
    output.connect(context.destination)
    playing = { pattern: wanted, output, timer: timers.setInterval(topUp, TOP_UP_MS), next: 0 }
    topUp()
  }

  const onStateChange = () => {
    sync()
    for (const listener of listeners) listener()
  }
  context?.addEventListener('statechange', onStateChange)

  return {
    get status(): AudioStatus {
      if (!context) return 'unavailable'
      return running() ? 'running' : 'blocked'
    },
    get pattern() {
      return wanted
    },
    setPattern(pattern) {
      wanted = pattern
      sync()
    },
    tone() {
      if (!context || !running()) return false
      for (const note of SOUNDS.P2.notes) playNote(context, context.destination, note, context.currentTime + LEAD_SEC)
      return true
    },
    async unlock() {
      if (!context || running()) return
      try {
        await context.resume()
      } catch (error) {
        console.warn('the browser did not start alarm sounds', error)
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose() {
      wanted = undefined
      stopPlaying()
      context?.removeEventListener('statechange', onStateChange)
      listeners.clear()
      // Browsers allow a page only a few contexts: a screen that signs in and out all day must give each one back.
      context?.close().catch((error: unknown) => console.warn('closing the audio context failed', error))
    },
  }
}
