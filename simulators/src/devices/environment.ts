/**
 * The compound's shared environment: what the time of day means for the people living there. Every model sees the
 * same environment in a tick, so the booster pumps, the tank they draw from and the panel that feeds them agree.
 *
 * The profiles are shaped after typical Chinese residential load curves: water use runs at about 40 % of its peak
 * through the day, peaks before work (about 07:00) and higher in the evening (cooking, showers, about 20:00), and
 * drops to under 10 % from 02:00 to 05:00; public electrical load (lifts,
 * corridor and car-park lighting) follows the people plus the lighting hours; cars leave in the morning and come back
 * in the evening, later and flatter at weekends.
 */

export interface CompoundEnvironment {
  /** Simulation time, epoch milliseconds (UTC). */
  readonly nowMs: number
  /** The site's wall-clock time expressed as if it were UTC, epoch milliseconds: for schedules on local hours. */
  readonly localMs: number
  /** Local hour of day, 0 ≤ hour < 24, fractional. */
  readonly hour: number
  readonly weekend: boolean
  /** Household water demand, fraction of the evening peak (0–1). */
  readonly waterDemand: number
  /** Public electrical load (lifts, lighting, ventilation), fraction of its peak (0–1). */
  readonly electricalLoad: number
  /** Vehicles arriving, fraction of the inbound peak rate (0–1). */
  readonly trafficIn: number
  /** Vehicles leaving, fraction of the outbound peak rate (0–1). */
  readonly trafficOut: number
  /** Outdoor air temperature, °C (Wuhan-like climate: hot summers, cool winters). */
  readonly outdoorTempC: number
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** A smooth bump centred on `centre` hours with a width of `width` hours, wrapping around midnight. */
function bump(hour: number, centre: number, width: number): number {
  const distance = Math.abs(((hour - centre + 36) % 24) - 12)
  return Math.exp(-0.5 * (distance / width) ** 2)
}

/** 0 by day, 1 at night, with a half-hour dusk and dawn. */
function darkness(hour: number): number {
  const dusk = 1 / (1 + Math.exp(-(hour - 18.5) * 4))
  const dawn = 1 / (1 + Math.exp((hour - 6) * 4))
  return Math.min(1, dusk + dawn)
}

/** 0 while the compound sleeps, 1 from about 06:30 to 23:00. */
function awake(hour: number): number {
  return 1 / (1 + Math.exp(-(hour - 6.5) * 3)) - 1 / (1 + Math.exp(-(hour - 23) * 3))
}

export function waterDemandAt(hour: number, weekend: boolean): number {
  const morning = weekend ? 0.4 * bump(hour, 8.5, 1.4) : 0.5 * bump(hour, 7, 1)
  const demand = 0.08 + 0.32 * awake(hour) + morning + 0.2 * bump(hour, 12, 1.2) + 0.6 * bump(hour, 20, 1.6)
  return Math.min(1, demand)
}

export function electricalLoadAt(hour: number, weekend: boolean): number {
  return 0.25 + 0.35 * darkness(hour) + 0.4 * waterDemandAt(hour, weekend)
}

export function trafficOutAt(hour: number, weekend: boolean): number {
  const morning = weekend ? 0.55 * bump(hour, 9.5, 1.5) : bump(hour, 7.75, 0.8)
  return Math.min(1, 0.03 + morning + 0.25 * bump(hour, 13.5, 2) + 0.2 * bump(hour, 19.5, 1.5))
}

export function trafficInAt(hour: number, weekend: boolean): number {
  const evening = weekend ? 0.7 * bump(hour, 17.5, 1.8) : bump(hour, 18.5, 1)
  return Math.min(1, 0.03 + evening + 0.3 * bump(hour, 12, 2) + 0.15 * bump(hour, 9, 1))
}

/** Monthly-mean climate of Wuhan (about 4 °C in January, 29 °C in July) plus a swing peaking at 14:00. */
export function outdoorTempAt(localMs: number, hour: number): number {
  const dayOfYear = (localMs - Date.UTC(new Date(localMs).getUTCFullYear(), 0, 1)) / DAY_MS
  const seasonal = 16.5 - 12.5 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25)
  return seasonal + 4 * Math.cos((2 * Math.PI * (hour - 14)) / 24)
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The wall-clock time of `timeZone` at `nowMs`, expressed as if it were UTC. */
export function localTime(nowMs: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const part of formatterFor(timeZone).formatToParts(nowMs)) parts[part.type] = Number(part.value)
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts
  return Date.UTC(year, month - 1, day, hour, minute, second, nowMs % 1000)
}

export function compoundEnvironment(nowMs: number, timeZone: string): CompoundEnvironment {
  const localMs = localTime(nowMs, timeZone)
  const hour = (((localMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS
  const dayOfWeek = new Date(localMs).getUTCDay()
  const weekend = dayOfWeek === 0 || dayOfWeek === 6
  return {
    nowMs,
    localMs,
    hour,
    weekend,
    waterDemand: waterDemandAt(hour, weekend),
    electricalLoad: electricalLoadAt(hour, weekend),
    trafficIn: trafficInAt(hour, weekend),
    trafficOut: trafficOutAt(hour, weekend),
    outdoorTempC: outdoorTempAt(localMs, hour),
  }
}
