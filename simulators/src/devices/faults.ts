/**
 * Every fault a simulated device can be given, in one table. Model faults change what a device measures; transport
 * faults change how it talks to the broker and apply to every kind. `clear` is not a fault: it returns a device to
 * normal, and the physics then recover at their own pace (a drained tank refills through its inlet valve).
 *
 * Process faults (a tank draining, a cable heating up) are fast-forwarded: they reach their alarm threshold within
 * about a minute of simulated time, so that a demo or an end-to-end test sees the alarm without waiting hours. The
 * state they settle in is what the real failure looks like.
 */
import { DEVICE_KINDS, type DeviceKind } from '@fm/protocol'

export interface FaultSpec {
  readonly kinds: readonly DeviceKind[]
  readonly layer: 'model' | 'transport'
  /** What the fault does to the values, as the README and the control room see it. */
  readonly effect: string
}

export const FAULTS = {
  trip: {
    kinds: ['pump'],
    layer: 'model',
    effect: 'the pump trips on motor overload: fault, fault_code 11, stopped; the standby pump of its set takes over',
  },
  overflow: {
    kinds: ['water-tank'],
    layer: 'model',
    effect: 'the inlet float valve sticks open: level climbs past 95 % to 100 % and the overflow switch closes',
  },
  'low-low': {
    kinds: ['water-tank'],
    layer: 'model',
    effect:
      'the municipal inlet is cut: level falls below 15 %, keeps falling with demand; at 5 % the booster set stops',
  },
  'phase-loss': {
    kinds: ['electrical-panel'],
    layer: 'model',
    effect: 'phase C is lost: Ubc and Uca collapse, Ic is 0; downstream VFDs trip on input phase loss',
  },
  'cable-overheat': {
    kinds: ['electrical-panel'],
    layer: 'model',
    effect: 'a loose terminal heats up: cable temperature climbs past 70 °C and settles near 90 °C',
  },
  'breaker-trip': {
    kinds: ['electrical-panel'],
    layer: 'model',
    effect: 'the main breaker trips: breaker tripped, currents and power 0, everything downstream loses supply',
  },
  fire: {
    kinds: ['fire-alarm-panel'],
    layer: 'model',
    effect: 'a smoke detector goes to fire, a second one in the zone follows, linkage starts; point events are sent',
  },
  'point-fault': {
    kinds: ['fire-alarm-panel'],
    layer: 'model',
    effect: 'a detector reports a fault (故障): fault_points 1 and a point event',
  },
  'pressure-loss': {
    kinds: ['fire-water'],
    layer: 'model',
    effect: 'the hydrant main leaks faster than the jockey pump can restore: pressure falls to about 0.1 MPa',
  },
  flood: {
    kinds: ['room-environment'],
    layer: 'model',
    effect: 'water on the floor: flood true, humidity climbs towards 95 %',
  },
  'barrier-stuck-open': {
    kinds: ['gate'],
    layer: 'model',
    effect: 'the barrier arm stays up: barrier up while cars keep passing',
  },
  'missed-scan': {
    kinds: ['patrol-checkpoint'],
    layer: 'model',
    effect: 'the guard skips this checkpoint: no scan events while the rest of the route is scanned',
  },
  'battery-low': {
    kinds: ['patrol-checkpoint'],
    layer: 'model',
    effect: 'a worn-out cell: battery_pct falls under 20 % within a minute and settles near 12 %; clear is a new cell',
  },
  silent: {
    kinds: DEVICE_KINDS,
    layer: 'transport',
    effect: 'the device stays connected but stops publishing (a hung firmware)',
  },
  offline: {
    kinds: DEVICE_KINDS,
    layer: 'transport',
    effect: 'the connection drops without DISCONNECT, so the broker publishes the last will {"online":false}',
  },
} as const satisfies Record<string, FaultSpec>

export type FaultName = keyof typeof FAULTS
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[]

/** The faults that a model of kind K handles itself (transport faults excluded). */
export type ModelFault<K extends DeviceKind> = {
  [F in FaultName]: (typeof FAULTS)[F]['layer'] extends 'model'
    ? K extends (typeof FAULTS)[F]['kinds'][number]
      ? F
      : never
    : never
}[FaultName]

export function isFaultName(value: string): value is FaultName {
  return Object.hasOwn(FAULTS, value)
}

export function faultsFor(kind: DeviceKind): FaultName[] {
  return FAULT_NAMES.filter((name) => (FAULTS[name].kinds as readonly DeviceKind[]).includes(kind))
}

export function isModelFault<K extends DeviceKind>(kind: K, fault: FaultName): fault is ModelFault<K> {
  return FAULTS[fault].layer === 'model' && faultsFor(kind).includes(fault)
}
