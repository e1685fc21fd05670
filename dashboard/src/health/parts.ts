/**
 * The parts of `/api/health` as cards: which ones, in which order, and which are in trouble. Pure, so the order and
 * the headline are tested without rendering.
 */
import type { Health, PartHealth } from '@fm/protocol'

export type HealthStatus = PartHealth['status']

/**
 * The parts the api reports today, in the order a reading travels through them: devices reach the broker, the api
 * listens to it (`mqtt`), ingest stores readings in the time series (or its spool while that is down), the store
 * holds the registry, and the dashboard is what the api serves. Each has a label; a part the api adds later is shown
 * after these, under its own key, so a new probe never waits for a dashboard release to be seen.
 */
export const KNOWN_PARTS = ['broker', 'mqtt', 'ingest', 'timeseries', 'spool', 'store', 'dashboard'] as const
export type KnownPart = (typeof KNOWN_PARTS)[number]

export function isKnownPart(key: string): key is KnownPart {
  return (KNOWN_PARTS as readonly string[]).includes(key)
}

const SEVERITY: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 }

export interface ShownPart {
  key: string
  known: boolean
  status: HealthStatus
  detail: string | undefined
}

/**
 * Every part that came, known ones in pipeline order, then the others by key. Cards keep their place whatever their
 * status: a guard learns where each one sits, and the headline names those in trouble.
 */
export function listParts(parts: Health['parts']): ShownPart[] {
  const known = KNOWN_PARTS.filter((key) => Object.hasOwn(parts, key))
  const others = Object.keys(parts)
    .filter((key) => !isKnownPart(key))
    .sort()
  return [...known, ...others].flatMap((key) => {
    const part = parts[key]
    return part ? [{ key, known: isKnownPart(key), status: part.status, detail: part.detail }] : []
  })
}

/** The parts that are not ok, down before degraded, each group in card order: what the headline names. */
export function troubledParts(parts: readonly ShownPart[]): ShownPart[] {
  return parts
    .filter((part) => part.status !== 'ok')
    .sort((a, b) => (SEVERITY[b.status] ?? 0) - (SEVERITY[a.status] ?? 0))
}
