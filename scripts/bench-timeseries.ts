/**
 * `npx tsx scripts/bench-timeseries.ts`: write rate and history latency of the embedded time-series store at a
 * realistic size (TOOLCHAIN §12: measure with millions of rows, not on an empty table). Prints tables; asserts nothing.
 *
 * For each profile: fill the store until it holds FM_BENCH_TS_ROWS samples (default 5 M), let compaction settle, then
 * write FM_BENCH_TS_MEASURE more in ingest-sized batches with maintenance running on its timer. The rate counts the
 * time until compaction has caught up too, so it is a rate the store can sustain. "Longest pause" is the longest the
 * event loop was blocked meanwhile: what ingest's MQTT traffic would wait at worst.
 * Then a year of 1-minute data for one more device, and history queries over it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Reading } from '@fm/protocol'
import { dataFiles, openTimeSeries } from '@fm/store'

const ROWS = Number(process.env.FM_BENCH_TS_ROWS ?? 5_000_000)
const MEASURE = Number(process.env.FM_BENCH_TS_MEASURE ?? 2_000_000)
/** Readings per write: ingest's default FM_INGEST_MAX_BATCH. */
const BATCH = 1000
const REPORT_EVERY_MS = 10_000
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

interface Profile {
  name: string
  devices: number
  /** Fields per reading; 2 is `npm run bench`'s payload, 5 a full room-environment reading. */
  fields: 2 | 5
}

const PROFILES: Profile[] = [
  { name: '400 devices × 5 fields (2 000 series)', devices: 400, fields: 5 },
  { name: '100 devices × 2 fields (200 series, as npm run bench)', devices: 100, fields: 2 },
]

/** Readings in time order: every device reports once per REPORT_EVERY_MS, devices staggered across the period. */
function* readingsOf(profile: Profile, start: number): Generator<Reading[]> {
  const batch: Reading[] = []
  for (let round = 0; ; round++) {
    for (let device = 0; device < profile.devices; device++) {
      const ts = start + round * REPORT_EVERY_MS + Math.floor((device * REPORT_EVERY_MS) / profile.devices)
      const temperature = 20 + ((round + device) % 50) / 10
      const values =
        profile.fields === 2
          ? { temperature_c: temperature, humidity_pct: 55 }
          : { temperature_c: temperature, humidity_pct: 55, flood: false, smoke: false, door_open: round % 9 === 0 }
      batch.push({ siteId: 'bench', kind: 'room-environment', deviceId: `room-${device}`, ts, values })
      if (batch.length === BATCH) yield batch.splice(0)
    }
  }
}

async function writeSamples(
  store: ReturnType<typeof openTimeSeries>,
  batches: Generator<Reading[]>,
  samples: number,
  fields: number,
) {
  let written = 0
  while (written < samples) {
    const batch = batches.next().value ?? []
    await store.write(batch)
    written += batch.length * fields
    await nextTurn() // as ingest does: MQTT traffic and timers run between batches
  }
  return written
}

async function benchWrites(profile: Profile) {
  const dir = mkdtempSync(join(tmpdir(), 'fm-bench-ts-'))
  const store = openTimeSeries({ file: dataFiles(dir).timeseries })
  try {
    // the simulated clock runs far ahead of real time; start far enough back that it stays in the past
    const span = ((ROWS + MEASURE) / (profile.devices * profile.fields)) * REPORT_EVERY_MS
    const batches = readingsOf(profile, Date.now() - span - HOUR)
    let started = performance.now()
    const filled = await writeSamples(store, batches, ROWS, profile.fields)
    await store.maintain()
    const fillS = (performance.now() - started) / 1000

    const delay = monitorEventLoopDelay({ resolution: 5 })
    delay.enable()
    started = performance.now()
    const measured = await writeSamples(store, batches, MEASURE, profile.fields)
    await store.maintain()
    const measureS = (performance.now() - started) / 1000
    delay.disable()
    return {
      profile: profile.name,
      'rows before': filled,
      'fill samples/s': Math.round(filled / fillS),
      'samples/s at ≥5 M rows': Math.round(measured / measureS),
      'readings/s': Math.round(measured / profile.fields / measureS),
      'longest pause (ms)': Math.round(delay.max / 1e6),
    }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function benchHistory() {
  const dir = mkdtempSync(join(tmpdir(), 'fm-bench-ts-'))
  const store = openTimeSeries({ file: dataFiles(dir).timeseries })
  const end = Math.floor(Date.now() / HOUR) * HOUR
  try {
    // other devices' data around it, as in a real file
    await writeSamples(store, readingsOf(PROFILES[0] as Profile, end - 6 * HOUR), 1_000_000, 5)
    const minutes = (365 * DAY) / MINUTE
    for (let i = 0; i < minutes; i += 50_000) {
      const batch = Array.from({ length: Math.min(50_000, minutes - i) }, (_, j): Reading => {
        const ts = end - 365 * DAY + (i + j) * MINUTE
        return {
          siteId: 'bench',
          kind: 'water-tank',
          deviceId: 'tank-year',
          ts,
          values: { level_pct: 50 + (j % 97) / 3 },
        }
      })
      await store.write(batch)
    }
    await store.maintain()
    const rows = []
    for (const [name, span] of [
      ['1 h', HOUR],
      ['24 h', DAY],
      ['7 d', 7 * DAY],
      ['30 d', 30 * DAY],
      ['365 d', 365 * DAY],
    ] as const) {
      const times: number[] = []
      let answer = await store.history({ deviceId: 'tank-year', kind: 'water-tank', from: end - span, to: end })
      for (let run = 0; run < 50; run++) {
        const started = performance.now()
        answer = await store.history({ deviceId: 'tank-year', kind: 'water-tank', from: end - span, to: end })
        times.push(performance.now() - started)
      }
      times.sort((a, b) => a - b)
      rows.push({
        range: name,
        tier: answer.tier,
        'step (s)': answer.stepMs / 1000,
        points: answer.series[0]?.points.length,
        'median (ms)': Number((times[25] ?? 0).toFixed(2)),
        'p95 (ms)': Number((times[47] ?? 0).toFixed(2)),
      })
    }
    return rows
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** FM_BENCH_TS_PROFILES=1 runs the second profile only. */
const selected = process.env.FM_BENCH_TS_PROFILES?.split(',').map(Number) ?? PROFILES.map((_, index) => index)
const writes = []
for (const index of selected) {
  const profile = PROFILES[index]
  if (profile) writes.push(await benchWrites(profile))
}
console.table(writes)
console.table(await benchHistory())
