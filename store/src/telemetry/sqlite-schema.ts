/**
 * Tables of the embedded time-series store (`timeseries.db`). Append new migration steps only.
 *
 * Why two tables per tier (TOOLCHAIN §12; measured at 5 M rows on this machine kind, samples with their roll-ups).
 * Clustered on (series, ts), a history query is one short range scan per series, but every insert lands on the last
 * page of its own series: a batch across 2 000 series dirties 2 000 pages, each written to the WAL whole. That ran at
 * 23–38 k samples/s (2 000 series) and 61 k (200). Clustered on (ts, series), a batch fills a few consecutive pages
 * (170–390 k samples/s), but a query for one device then scans every series in its range: 16 hours of raw data took
 * 56–660 ms, 30 days of 1-minute roll-ups 63–106 ms. So each tier has both, in the way of a log-structured merge:
 *
 * - `*_recent`, clustered on time: every write goes here (raw samples and roll-up upserts, in one transaction);
 * - `samples`, `rollup_1m`, `rollup_1h`, clustered on (series_id, ts | bucket): compaction moves settled rows here in
 *   large, time-ordered steps, sorted by series, so that each series gets many rows per page write.
 *
 * Together, with compaction included: 65 k samples/s at 2 000 series, 180–200 k at 200, and a 30-day query of a device
 * in 1.4 ms (scripts/bench-timeseries.ts). A query reads the union of both tables of a tier; a row is in exactly one
 * of them. `compaction.samples_before` is the watermark: raw samples older than it may be in `samples`, so a write
 * checks there before it counts one as new.
 */
import { migrate, type SqliteDatabase } from '../sqlite.ts'

const ROLLUP_COLUMNS = `
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    last REAL NOT NULL,
    last_ts INTEGER NOT NULL`

/** A roll-up row holds everything needed to merge it with another one: mean = sum / count, and last by last_ts. */
function rollupTables(tier: '1m' | '1h', resolutionMs: number): string {
  return `
  CREATE TABLE rollup_${tier} (
    series_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,${ROLLUP_COLUMNS},
    PRIMARY KEY (series_id, bucket)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE rollup_${tier}_recent (
    bucket INTEGER NOT NULL,
    series_id INTEGER NOT NULL,${ROLLUP_COLUMNS},
    PRIMARY KEY (bucket, series_id)
  ) STRICT, WITHOUT ROWID;

  INSERT INTO rollup_${tier} (series_id, bucket, count, sum, min, max, last, last_ts)
    SELECT g.series_id, g.bucket, g.count, g.sum, g.min, g.max, s.value, g.last_ts
      FROM (SELECT series_id, ts - ts % ${resolutionMs} AS bucket, count(*) AS count, sum(value) AS sum,
                   min(value) AS min, max(value) AS max, max(ts) AS last_ts
              FROM samples GROUP BY 1, 2) AS g
      JOIN samples AS s ON s.series_id = g.series_id AND s.ts = g.last_ts;
  `
}

const TIMESERIES_MIGRATIONS: readonly string[] = [
  // 1: raw samples, clustered per series (issue 1)
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
  // 2: the write-side tables, roll-ups backfilled from the samples already stored (issue 3)
  `
  CREATE TABLE samples_recent (
    ts INTEGER NOT NULL,
    series_id INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (ts, series_id)
  ) STRICT, WITHOUT ROWID;
  ${rollupTables('1m', 60_000)}
  ${rollupTables('1h', 3_600_000)}
  CREATE TABLE compaction (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    samples_before INTEGER NOT NULL
  ) STRICT;
  INSERT INTO compaction (id, samples_before) SELECT 1, coalesce(max(ts) + 1, 0) FROM samples;
  `,
]

export function migrateTimeSeries(db: SqliteDatabase, label: string): number {
  return migrate(db, TIMESERIES_MIGRATIONS, label)
}

export const TIMESERIES_SCHEMA_VERSION = TIMESERIES_MIGRATIONS.length
