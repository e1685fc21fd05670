/**
 * What the control room hears, from the alarms (ISA-18.2: silencing is not acknowledging). Pure, so the provider,
 * the console and the tests agree.
 *
 * - An alarm sounds while it is active and unacknowledged, and not shelved, out of service or suppressed by design.
 *   One returned to normal waits for its acknowledgement on screen, without sound.
 * - One pattern plays at a time, the highest priority's: the P0 siren over the P1 chime. P2 sounds one tone per new
 *   alarm; P3 is silent (`PRIORITY_EXPECTATIONS`).
 * - **Silence** mutes the alarms sounding now, by occurrence: a new alarm (another alarm, or the same one raised again
 *   after it returned to normal) sounds again. A P0 alarm cannot be silenced: only acknowledging it stops the siren.
 */
import { type AlarmView, isSuppressed } from '@fm/protocol'
import type { AudioStatus, RepeatingPriority } from './audio.ts'

/** One occurrence of an alarm: the instance and when it was raised this time. */
export function occurrenceKey(alarm: Pick<AlarmView, 'id' | 'raisedAt'>): string {
  return `${alarm.id}@${alarm.raisedAt ?? 0}`
}

export function isAudible(alarm: AlarmView): boolean {
  return alarm.state === 'unack' && !isSuppressed(alarm) && alarm.priority !== 'P3'
}

/** What the browser reports of the sound (`data-audio-state`, `window.__fmAlarmAudio`). */
export type AudioState = 'unavailable' | 'blocked' | 'off' | 'silenced' | `playing-${RepeatingPriority}`

export interface Annunciation {
  /** The repeating pattern to play. */
  pattern: RepeatingPriority | undefined
  /** Audible alarms that Silence would mute now (P1 and P2, not yet silenced). */
  silenceable: AlarmView[]
  /** Some audible alarm is silenced, and nothing plays because of it. */
  silenced: boolean
  /** A P0 alarm sounds: Silence cannot stop it. */
  siren: boolean
  /** P2 alarms whose single tone is still due. */
  tonesDue: AlarmView[]
}

export function annunciate(
  alarms: readonly AlarmView[],
  silenced: ReadonlySet<string>,
  toned: ReadonlySet<string>,
): Annunciation {
  const audible = alarms.filter(isAudible)
  const loud = audible.filter((alarm) => alarm.priority === 'P0' || !silenced.has(occurrenceKey(alarm)))
  const siren = loud.some((alarm) => alarm.priority === 'P0')
  const pattern = siren ? 'P0' : loud.some((alarm) => alarm.priority === 'P1') ? 'P1' : undefined
  return {
    pattern,
    silenceable: loud.filter((alarm) => alarm.priority !== 'P0'),
    silenced: audible.some((alarm) => alarm.priority !== 'P0' && silenced.has(occurrenceKey(alarm))),
    siren,
    tonesDue: loud.filter((alarm) => alarm.priority === 'P2' && !toned.has(occurrenceKey(alarm))),
  }
}

export function audioState(status: AudioStatus, annunciation: Annunciation): AudioState {
  if (status !== 'running') return status
  if (annunciation.pattern) return `playing-${annunciation.pattern}`
  return annunciation.silenced ? 'silenced' : 'off'
}
