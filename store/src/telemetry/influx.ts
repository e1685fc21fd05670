/**
 * The InfluxDB 2.x time-series store: the production alternative to the embedded one, same interface, same contract
 * suite. Layout in `influx-layout.ts` and docs/storage.md; Flux in `influx-flux.ts`; buckets and tasks in
 * `influx-setup.ts`.
 * Writes and health in `influx-writer.ts`, where the comment says why the client must never retry (TOOLCHAIN.md §4).
 */
import { type DeviceKind, telemetryFields } from '@fm/protocol'
import { InfluxDB } from '@influxdata/influxdb-client'
import type { HistoryQuery, TimeSeriesStore } from '../types.ts'
import { DEFAULT_MAX_POINTS } from './buckets.ts'
import { type InfluxConfig, InfluxConfigError } from './influx-config.ts'
import { historyFlux, latestFlux, planHistory } from './influx-flux.ts'
import { type FluxRow, historySeries, mergeHistoryRows } from './influx-history.ts'
import type { PlaceLookup } from './influx-layout.ts'
import { type InfluxLogger, routeClientLog } from './influx-log.ts'
import { type InfluxSetupResult, setupInflux } from './influx-setup.ts'
import { createInfluxWriter } from './influx-writer.ts'

export { type InfluxConfig, InfluxConfigError, loadInfluxConfig } from './influx-config.ts'
export type { DevicePlace, PlaceLookup } from './influx-layout.ts'
export type { InfluxLogger } from './influx-log.ts'
export type { InfluxSetupResult } from './influx-setup.ts'
export { isPartialWrite } from './influx-writer.ts'

export interface InfluxTimeSeriesOptions extends InfluxConfig {
  logger?: InfluxLogger
  /** Where a device is, for the `building` and `room` tags. Called once per reading: keep it cheap. */
  placeOf?: PlaceLookup
  /** Longest a point may wait in the client before it is sent; at most 1000 (default). */
  flushIntervalMs?: number
  /** Points (lines) per HTTP request; a larger `write()` is sent as several requests, in order. Default 5000. */
  batchSize?: number
  /** Per request, writes and queries alike. Default 10 000. */
  timeoutMs?: number
  /** Create or update the buckets and roll-up tasks before resolving (see `setupInflux`). Default false. */
  setup?: boolean
  /** Clock for `health()` and the choice of tier; tests pass their own. */
  now?: () => number
}

export interface LatestValue {
  field: string
  ts: number
  /** As stored: booleans 0/1, enums their index (`numericValue`). */
  value: number
}

export interface InfluxTimeSeriesStore extends TimeSeriesStore {
  readonly name: 'influxdb'
  /** Newest stored value of each field of a device (Flux `last()`), in schema order. */
  latest(deviceId: string, kind: DeviceKind): Promise<LatestValue[]>
  /** Creates or updates buckets and tasks; idempotent. */
  setup(): Promise<InfluxSetupResult>
}

/** The client's default: bodies above 1 kB are gzipped (a batch of readings compresses about 10×). */
const GZIP_THRESHOLD_BYTES = 1000

function checkOptions(
  options: InfluxTimeSeriesOptions,
): Required<Pick<InfluxTimeSeriesOptions, 'flushIntervalMs' | 'batchSize' | 'timeoutMs'>> {
  const problems: string[] = []
  const integer = (name: string, value: number | undefined, fallback: number, min: number, max: number) => {
    if (value === undefined) return fallback
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${value}`)
    return value
  }
  const checked = {
    flushIntervalMs: integer('flushIntervalMs', options.flushIntervalMs, 1000, 1, 1000),
    batchSize: integer('batchSize', options.batchSize, 5000, 1, 100_000),
    timeoutMs: integer('timeoutMs', options.timeoutMs, 10_000, 100, 300_000),
  }
  for (const key of ['url', 'token', 'org', 'bucket'] as const) {
    if (!options[key]) problems.push(`${key} is required`)
  }
  if (problems.length > 0) throw new InfluxConfigError(problems)
  return checked
}

/** Opens the store; with `setup`, first creates or updates the buckets and tasks (and rejects when that fails). */
export async function openInfluxTimeSeries(options: InfluxTimeSeriesOptions): Promise<InfluxTimeSeriesStore> {
  const { flushIntervalMs, batchSize, timeoutMs } = checkOptions(options)
  const { org, bucket, placeOf, logger } = options
  const now = options.now ?? Date.now
  const influx = new InfluxDB({ url: options.url, token: options.token, timeout: timeoutMs })
  const writeApi = influx.getWriteApi(org, bucket, 'ms', {
    // The library flushes on its own when a buffer reaches batchSize lines or maxBatchBytes, in a promise nobody
    // awaits. write() hands it at most batchSize points and then flushes itself, so neither limit may be reached.
    batchSize: batchSize + 1,
    maxBatchBytes: Number.POSITIVE_INFINITY,
    flushInterval: flushIntervalMs,
    maxRetries: 0, // never: see influx-writer.ts
    gzipThreshold: GZIP_THRESHOLD_BYTES,
  })
  const queryApi = influx.getQueryApi(org)
  const writer = createInfluxWriter({ writeApi, batchSize, timeoutMs, url: options.url, placeOf, logger, now })
  const unroute = logger ? routeClientLog(logger) : () => undefined
  const runSetup = () => setupInflux(influx, org, bucket)
  if (options.setup) {
    try {
      const result = await runSetup() // not inside logger?.(…): optional chaining would skip it without a logger
      logger?.info({ setup: result }, 'InfluxDB buckets and roll-up tasks are in place')
    } catch (error) {
      unroute()
      throw error
    }
  }

  return {
    name: 'influxdb',
    write: (readings) => writer.write(readings),
    health: () => writer.health(),
    async history(query: HistoryQuery) {
      const known = telemetryFields(query.kind)
      const specs = (query.fields ?? known.map((spec) => spec.key)).map((key) => {
        const spec = known.find((candidate) => candidate.key === key)
        if (!spec) throw new RangeError(`"${key}" is not a telemetry field of ${query.kind}`)
        return spec
      })
      const { deviceId, kind, from, to } = query
      const plan = planHistory(from, to, query.maxPoints ?? DEFAULT_MAX_POINTS, now())
      const listFields = query.fields === undefined
      const fields = specs.map((spec) => spec.key)
      const flux = historyFlux({ bucket, kind, deviceId, fields, from, to, plan, listFields })
      const rows = mergeHistoryRows(await queryApi.collectRows<FluxRow>(flux), plan.stepMs)
      const series = historySeries(specs, rows, listFields)
      return { deviceId, from, to, stepMs: plan.stepMs, tier: plan.tier, series }
    },
    async latest(deviceId, kind) {
      const rows = await queryApi.collectRows<FluxRow>(latestFlux(bucket, kind, deviceId))
      const byField = new Map<string, LatestValue>()
      for (const { _field: field, _time: time, _value: value } of rows) {
        if (typeof field === 'string' && typeof time === 'string' && typeof value === 'number') {
          byField.set(field, { field, ts: Date.parse(time), value })
        }
      }
      return telemetryFields(kind).flatMap((spec) => byField.get(spec.key) ?? [])
    },
    setup: runSetup,
    async close() {
      try {
        await writer.close()
      } finally {
        unroute()
      }
    },
  }
}
