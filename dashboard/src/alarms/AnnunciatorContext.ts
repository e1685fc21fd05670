import type { AlarmPriority } from '@fm/protocol'
import { createContext, useContext } from 'react'
import type { AudioState } from './annunciation.ts'

export interface AnnunciatorInfo {
  /** Whether this user hears alarms: those who may respond to them (`alarms.respond`). */
  enabled: boolean
  state: AudioState
  /** The priority whose pattern plays. */
  priority: AlarmPriority | undefined
  /** Whether Silence would mute something now. */
  canSilence: boolean
  /** A P0 alarm sounds: Silence cannot stop it, acknowledging it does. */
  siren: boolean
  /** Mutes what sounds now (not a P0 siren) until a new alarm arrives. */
  silence(): void
  /** Asks the browser to start sound; from a click or a key. */
  unlock(): void
}

/** Outside an `AlarmAnnunciator` (tests of single pages), nothing sounds. */
export const AnnunciatorContext = createContext<AnnunciatorInfo>({
  enabled: false,
  state: 'off',
  priority: undefined,
  canSilence: false,
  siren: false,
  silence: () => {},
  unlock: () => {},
})

export function useAnnunciator(): AnnunciatorInfo {
  return useContext(AnnunciatorContext)
}
