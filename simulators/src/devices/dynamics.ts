/** Small numeric helpers shared by the device models: first-order lags and how a device formats a reading. */

/** Moves `value` towards `target` as a first-order lag with time constant `tauSec`; exact for any step length. */
export function approach(value: number, target: number, tauSec: number, dtSec: number): number {
  return target + (value - target) * Math.exp(-dtSec / tauSec)
}

/** Moves `value` towards `target` by at most `ratePerSec` per second (a ramp, e.g. a valve or a fault onset). */
export function ramp(value: number, target: number, ratePerSec: number, dtSec: number): number {
  const step = ratePerSec * dtSec
  return value < target ? Math.min(target, value + step) : Math.max(target, value - step)
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

/** Rounds to a number of decimals, as a device formats a reading. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}
