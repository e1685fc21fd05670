/**
 * The InfluxDB layout of the time series (documented in docs/storage.md): what ingest writes and the api reads.
 *
 * - measurement = device kind (`pump`, `water-tank`, …);
 * - tags `site`, `building`, `room`, `kind`, `device`: bounded by the device registry. Anything unbounded (plate
 *   numbers, patrol scans) is an event and goes to the operational store, never into a tag;
 * - one float field per telemetry field, named by its wire key (the unit is in the name: `outlet_pressure_mpa`).
 *   Booleans are 0/1 and enum states their index in the schema (`numericValue`), because string fields cannot be
 *   aggregated (and VictoriaMetrics stores them as 0, TOOLCHAIN.md §4). Always floats: InfluxDB refuses a field
 *   whose type changes, and an integer written as `3i` once would make a later `3.5` a type conflict.
 * - buckets: raw samples in `<bucket>`, 1-minute and 1-hour roll-ups in `<bucket>_1m` and `<bucket>_1h`, each
 *   roll-up field `<field>_min|_max|_mean|_last|_count`.
 */
import { type FieldValue, numericValue, type Reading, telemetryFields } from '@fm/protocol'
import { Point } from '@influxdata/influxdb-client'
import type { TimeSeriesTier } from '../types.ts'
import { DEFAULT_RETENTION_MS } from './tiers.ts'

/** Where a device is, for the `building` and `room` tags; readings carry only the site. */
export interface DevicePlace {
  readonly buildingId?: string
  readonly roomId?: string
}

export type PlaceLookup = (deviceId: string) => DevicePlace | undefined

export const INFLUX_TAGS = ['site', 'building', 'room', 'kind', 'device'] as const

/** The statistics each roll-up keeps per field and window, as field suffixes. */
export const ROLLUP_STATS = ['min', 'max', 'mean', 'last', 'count'] as const

export function bucketOf(bucket: string, tier: TimeSeriesTier): string {
  return tier === 'raw' ? bucket : `${bucket}_${tier}`
}

/** Retention of a tier's bucket in seconds, 0 for ever (InfluxDB's notation): the one both stores keep (tiers.ts). */
export function retentionSecondsOf(tier: TimeSeriesTier): number {
  const ms = DEFAULT_RETENTION_MS[tier]
  return Number.isFinite(ms) ? ms / 1000 : 0
}

/**
 * One point per reading: every schema field the reading carries, as a float. Returns undefined when nothing in the
 * reading is storable (unknown enum value, non-finite number), so that no field-less line is ever sent.
 */
export function pointOf(reading: Reading, place: DevicePlace | undefined): Point | undefined {
  const values = reading.values as Record<string, FieldValue | undefined>
  const point = new Point(reading.kind)
    .tag('site', reading.siteId)
    .tag('kind', reading.kind)
    .tag('device', reading.deviceId)
    .timestamp(reading.ts)
  // Point skips empty tag values: a device without a building or room simply has no such tag.
  if (place?.buildingId) point.tag('building', place.buildingId)
  if (place?.roomId) point.tag('room', place.roomId)
  let fields = 0
  for (const field of telemetryFields(reading.kind)) {
    const raw = values[field.key]
    const value = raw === undefined ? undefined : numericValue(field, raw)
    if (value === undefined || !Number.isFinite(value)) continue
    point.floatField(field.key, value)
    fields++
  }
  return fields > 0 ? point : undefined
}

export function pointsOf(readings: readonly Reading[], placeOf: PlaceLookup | undefined): Point[] {
  const points: Point[] = []
  for (const reading of readings) {
    const point = pointOf(reading, placeOf?.(reading.deviceId))
    if (point) points.push(point)
  }
  return points
}
