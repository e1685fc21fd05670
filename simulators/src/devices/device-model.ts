/**
 * The shape every device model follows: `initial…(spec, rand)` builds the state from the manifest entry, and
 * `step…(state, dtMs, env, rand)` advances it by `dtMs` and returns the next state, the values a device would report
 * now and the events that happened during the step. Models are pure apart from the random stream they are handed.
 */
import type { DeviceKind, DeviceSpec, EventKind, EventPayload, TelemetryValues } from '@fm/protocol'

/** An event as a model emits it: always stamped with the moment it happened within the step. */
export type ModelEvent<K extends DeviceKind> = K extends EventKind ? EventPayload<K> & { ts: number } : never

/** The events any model emits. */
export type AnyModelEvent = ModelEvent<'fire-alarm-panel'> | ModelEvent<'gate'> | ModelEvent<'patrol-checkpoint'>

/** What one device reports after a simulation step. */
export interface DeviceTick {
  readonly spec: DeviceSpec
  readonly values: TelemetryValues
  readonly events: readonly AnyModelEvent[]
}

export interface StepResult<K extends DeviceKind, S> {
  readonly state: S
  readonly values: TelemetryValues<K>
  readonly events: readonly ModelEvent<K>[]
}

/** A numeric model parameter from the manifest's `attributes`, or the fallback when absent or not a number. */
export function numberAttribute(spec: DeviceSpec, key: string, fallback: number): number {
  const value = spec.attributes?.[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}

export function stringAttribute(spec: DeviceSpec, key: string, fallback: string): string {
  const value = spec.attributes?.[key]
  return typeof value === 'string' && value.length > 0 ? value : fallback
}

export function booleanAttribute(spec: DeviceSpec, key: string, fallback: boolean): boolean {
  const value = spec.attributes?.[key]
  return typeof value === 'boolean' ? value : fallback
}
