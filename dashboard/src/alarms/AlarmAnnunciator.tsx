import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useAlarms } from '../live/store.ts'
import { useSession } from '../session/SessionContext.ts'
import { AnnunciatorContext, type AnnunciatorInfo } from './AnnunciatorContext.ts'
import { annunciate, audioState, occurrenceKey } from './annunciation.ts'
import { type AlarmAudio, type AudioContextFactory, browserAudioContext, createAlarmAudio } from './audio.ts'

/** What a browser test reads to know that sound started: `window.__fmAlarmAudio`. */
export interface AlarmAudioReport {
  state: AnnunciatorInfo['state']
  priority: AnnunciatorInfo['priority']
  /** Single P2 tones played since the page loaded. */
  tones: number
}

declare global {
  interface Window {
    __fmAlarmAudio?: AlarmAudioReport
  }
}

function report(value: AlarmAudioReport | undefined): void {
  if (value) window.__fmAlarmAudio = value
  else delete window.__fmAlarmAudio
}

/** The browser's user gestures that may start audio. */
const GESTURES = ['pointerdown', 'keydown'] as const

/**
 * Sounds the alarms on every page, for those who respond to them: the console is not the only page a guard looks at.
 * Holds what was silenced (by occurrence, see annunciation.ts) and which P2 tones were played; gives the console its
 * Silence, and everyone the audio state. While the browser blocks sound, the next click or key anywhere starts it.
 */
export function AlarmAnnunciator({
  children,
  createAudioContext = browserAudioContext,
}: {
  children: ReactNode
  /** The Web Audio context; tests pass a fake. */
  createAudioContext?: AudioContextFactory
}) {
  const { can } = useSession()
  const enabled = can('alarms.respond')
  const alarms = useAlarms()
  const [audio, setAudio] = useState<AlarmAudio>()
  // A change of the audio status (blocked → running) is a reason to render again.
  const [, setStatusChanges] = useState(0)
  const [silenced, setSilenced] = useState<ReadonlySet<string>>(new Set())
  const toned = useRef(new Set<string>())
  const [tones, setTones] = useState(0)
  const factory = useRef(createAudioContext)

  useEffect(() => {
    if (!enabled) return
    const created = createAlarmAudio(factory.current)
    const unsubscribe = created.subscribe(() => setStatusChanges((n) => n + 1))
    setAudio(created)
    return () => {
      unsubscribe()
      created.dispose()
      setAudio(undefined)
    }
  }, [enabled])

  const status = audio?.status ?? 'unavailable'
  const annunciation = useMemo(() => annunciate(alarms, silenced, toned.current), [alarms, silenced])
  const { pattern, tonesDue, silenceable, siren } = annunciation
  const state = enabled ? audioState(status, annunciation) : 'off'

  useEffect(() => audio?.setPattern(pattern), [audio, pattern])

  // One tone for the P2 alarms that arrived since the last; kept for later while sound is blocked.
  useEffect(() => {
    const due = tonesDue.filter((alarm) => !toned.current.has(occurrenceKey(alarm)))
    if (!audio || status !== 'running' || due.length === 0 || !audio.tone()) return
    for (const alarm of due) toned.current.add(occurrenceKey(alarm))
    setTones((n) => n + 1)
  }, [audio, status, tonesDue])

  useEffect(() => {
    if (!audio || status !== 'blocked') return
    const unlock = () => void audio.unlock()
    for (const gesture of GESTURES) document.addEventListener(gesture, unlock, true)
    return () => {
      for (const gesture of GESTURES) document.removeEventListener(gesture, unlock, true)
    }
  }, [audio, status])

  useEffect(() => {
    if (!enabled) return
    report({ state, priority: pattern, tones })
    return () => report(undefined)
  }, [enabled, state, pattern, tones])

  const silence = useCallback(() => {
    setSilenced((previous) => new Set([...previous, ...silenceable.map(occurrenceKey)]))
  }, [silenceable])
  const unlock = useCallback(() => void audio?.unlock(), [audio])

  const info = useMemo<AnnunciatorInfo>(
    () => ({
      enabled,
      state,
      priority: enabled ? pattern : undefined,
      canSilence: enabled && pattern === 'P1',
      siren: enabled && siren,
      silence,
      unlock,
    }),
    [enabled, state, pattern, siren, silence, unlock],
  )
  return <AnnunciatorContext value={info}>{children}</AnnunciatorContext>
}
