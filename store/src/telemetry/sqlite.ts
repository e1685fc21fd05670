/**
 * The embedded time-series store: a SQLite file (`timeseries.db`) next to the operational one, so that the
 * platform runs on one machine without a server. InfluxDB 2.x is the production alternative (same interface).
 *
 * One row per (device, field) in `series`, and the samples in a WITHOUT ROWID table clustered on
 * (series_id, ts): a history query is one range scan per series. Every field is stored as a number
 * (`numericValue`: booleans 0/1, enums their index), so the mean of a boolean is its duty cycle.
 */
import {
  type FieldSpec,
  type FieldValue,
  type History,
  type HistoryPoint,
  numericValue,
  type Reading,
  telemetryFields,
} from '@fm/protocol'
import { migrate, openDatabase, type SqliteDatabase } from '../sqlite.ts'
import type { HistoryQuery, TimeSeriesStore } from '../types.ts'
import { chooseStep, DEFAULT_MAX_POINTS } from './buckets.ts'

/** Append new steps only. No foreign key on samples: ids come from `series` in the same transaction. */
const TIMESERIES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    UNIQUE (device_id, field)
  ) STRICT;

  CREATE TABLE samples (
    series_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (series_id, ts)
  ) STRICT, WITHOUT ROWID;
  `,
]

function prepareStatements(db: SqliteDatabase) {
  return {
    upsertSeries: db.prepare<[string, string, string], { id: number }>(
      `INSERT INTO series (device_id, kind, field) VALUES (?, ?, ?)
       ON CONFLICT (device_id, field) DO UPDATE SET kind = excluded.kind RETURNING id`,
    ),
    // a repeated (series, ts), e.g. a QoS 1 redelivery, replaces the sample instead of failing the batch
    insertSample: db.prepare<[number, number, number]>(
      'INSERT OR REPLACE INTO samples (series_id, ts, value) VALUES (?, ?, ?)',
    ),
    deviceSeries: db.prepare<[string], { id: number; field: string }>(
      'SELECT id, field FROM series WHERE device_id = ?',
    ),
    // `ts % step` casts to INTEGER (SQLite's % is integer-only), so bucket starts stay exact
    buckets: db.prepare<{ seriesId: number; from: number; to: number; step: number }, HistoryPoint>(
      `SELECT ts - ts % @step AS ts, avg(value) AS mean, min(value) AS min, max(value) AS max, count(*) AS count
         FROM samples WHERE series_id = @seriesId AND ts >= @from AND ts < @to
        GROUP BY 1 ORDER BY 1`,
    ),
  }
}

type Statements = ReturnType<typeof prepareStatements>

function seriesKey(deviceId: string, field: string): string {
  return `${deviceId}\u0000${field}`
}

/** Storable samples of one reading: schema fields only, as finite numbers. */
function samplesOf(reading: Reading): { field: FieldSpec; value: number }[] {
  const values = reading.values as Record<string, FieldValue | undefined>
  const samples: { field: FieldSpec; value: number }[] = []
  for (const field of telemetryFields(reading.kind)) {
    const raw = values[field.key]
    const value = raw === undefined ? undefined : numericValue(field, raw)
    if (value !== undefined && Number.isFinite(value)) samples.push({ field, value })
  }
  return samples
}

function fieldsOf(statements: Statements, query: HistoryQuery): { spec: FieldSpec; seriesId: number | undefined }[] {
  const known = telemetryFields(query.kind)
  const stored = new Map(statements.deviceSeries.all(query.deviceId).map((row) => [row.field, row.id]))
  if (query.fields === undefined) {
    return known.filter((spec) => stored.has(spec.key)).map((spec) => ({ spec, seriesId: stored.get(spec.key) }))
  }
  return query.fields.map((key) => {
    const spec = known.find((candidate) => candidate.key === key)
    if (!spec) throw new RangeError(`"${key}" is not a telemetry field of ${query.kind}`)
    return { spec, seriesId: stored.get(key) }
  })
}

function initialise(db: SqliteDatabase, file: string): Statements {
  try {
    migrate(db, TIMESERIES_MIGRATIONS, file)
    return prepareStatements(db)
  } catch (error) {
    db.close()
    throw error
  }
}

/** Writes batches in one transaction each. Returns a function that writes one batch. */
function createWriter(db: SqliteDatabase, statements: Statements): (readings: readonly Reading[]) => void {
  /** Series ids by device and field. Filled only after a commit, so a rolled-back id never lingers. */
  const seriesIds = new Map<string, number>()
  const writeBatch = db.transaction((readings: readonly Reading[]) => {
    const created = new Map<string, number>()
    for (const reading of readings) {
      for (const { field, value } of samplesOf(reading)) {
        const key = seriesKey(reading.deviceId, field.key)
        let id = seriesIds.get(key) ?? created.get(key)
        if (id === undefined) {
          id = statements.upsertSeries.get(reading.deviceId, reading.kind, field.key)?.id
          if (id === undefined) throw new Error(`no series id for ${reading.deviceId}/${field.key}`)
          created.set(key, id)
        }
        statements.insertSample.run(id, reading.ts, value)
      }
    }
    return created
  })
  return (readings) => {
    for (const [key, id] of writeBatch(readings)) seriesIds.set(key, id)
  }
}

function createReader(db: SqliteDatabase, statements: Statements): (query: HistoryQuery) => History {
  // all series of one query are read from one snapshot, even while ingest writes
  return db.transaction((query: HistoryQuery): History => {
    const { deviceId, from, to } = query
    const stepMs = chooseStep(from, to, query.maxPoints ?? DEFAULT_MAX_POINTS)
    const series = fieldsOf(statements, query).map(({ spec, seriesId }) => ({
      field: spec.key,
      ...(spec.unit === undefined ? {} : { unit: spec.unit }),
      points: seriesId === undefined ? [] : statements.buckets.all({ seriesId, from, to, step: stepMs }),
    }))
    return { deviceId, from, to, stepMs, tier: 'raw', series }
  })
}

export function openTimeSeries(options: { file: string }): TimeSeriesStore {
  const db = openDatabase(options.file)
  const statements = initialise(db, options.file)
  const write = createWriter(db, statements)
  const read = createReader(db, statements)
  return {
    name: 'sqlite',
    async write(readings) {
      if (readings.length > 0) write(readings)
    },
    // Writes are synchronous transactions: nothing is ever pending, and the file is either open or closed.
    health() {
      return db.open
        ? { status: 'ok', writeLagMs: 0, pendingPoints: 0 }
        : { status: 'down', detail: 'the time-series file is closed', writeLagMs: 0, pendingPoints: 0 }
    },
    async history(query) {
      return read(query)
    },
    async close() {
      if (db.open) db.close()
    },
  }
}
