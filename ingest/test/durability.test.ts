/**
 * Nothing the broker accepted is lost: the spool through a time-series outage, held PUBACKs, restarts, the limit.
 * Real Aedes, real SQLite files; the time series is the embedded one, closed to make it unreachable.
 */
import type { Reading } from '@fm/protocol'
import { dataFiles, openTimeSeries, type TimeSeriesStore } from '@fm/store'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { openSpool, type Spool, spoolFile } from '../src/index.ts'
import {
  connectDevice,
  makeIngest,
  openStores,
  openTestSpool,
  publish,
  SITE,
  startBroker,
  TANK,
  type TestStores,
  testConfig,
  watchIngestStatus,
} from './harness.ts'

const WAIT = { timeout: 10_000, interval: 20 }
const INGEST_CLIENT = 'svc-ingest'
// whole seconds in the past: distinct samples, and inside the raw tier
const BASE_TS = Math.floor(Date.now() / 1000) * 1000 - 600_000

/** The embedded time series that a test can take down (its file closed) and bring back; records what it stored. */
function outageSeries(dir: string) {
  const file = dataFiles(dir).timeseries
  let current = openTimeSeries({ file })
  const written: number[] = []
  onTestFinished(() => current.close())
  const series: TimeSeriesStore = {
    name: 'sqlite',
    async write(readings) {
      await current.write(readings)
      written.push(...readings.map((reading) => reading.ts))
    },
    health: () => current.health(),
    history: (query) => current.history(query),
    close: () => current.close(),
  }
  return {
    series,
    written,
    down: () => current.close(),
    up() {
      current = openTimeSeries({ file })
    },
  }
}

function payload(i: number): string {
  return JSON.stringify({ ts: BASE_TS + i * 1000, level_pct: i % 100 })
}

async function publishReadings(url: string, from: number, count: number): Promise<void> {
  const device = await connectDevice(url)
  for (let i = from; i < from + count; i++) await publish(device, TANK, 'telemetry', payload(i))
}

/** How many samples of tank-1's level the time series holds, and the sum of their values. */
async function stored(stores: Pick<TestStores, 'dir'>): Promise<number> {
  const series = openTimeSeries({ file: dataFiles(stores.dir).timeseries })
  try {
    const history = await series.history({ ...TANK, fields: ['level_pct'], from: BASE_TS, to: BASE_TS + 3_600_000 })
    return (history.series[0]?.points ?? []).reduce((sum, point) => sum + point.count, 0)
  } finally {
    await series.close()
  }
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => BASE_TS + (from + i) * 1000)
}

describe('ingest durability', () => {
  it('acknowledges a QoS 1 reading only once the time series stored it', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow: TimeSeriesStore = {
      ...stores.timeseries,
      name: 'sqlite',
      write: async (readings) => {
        await gate
        await stores.timeseries.write(readings)
      },
    }
    const { ingest } = makeIngest(testConfig(broker.url), { ...stores, timeseries: slow })
    await ingest.start()

    await publishReadings(broker.url, 0, 1)
    await vi.waitFor(() => expect(ingest.stats().heldAcks).toBe(1), WAIT)
    expect(broker.acked(INGEST_CLIENT)).toEqual([])

    release()
    await vi.waitFor(() => expect(broker.acked(INGEST_CLIENT)).toEqual([payload(0)]), WAIT)
    expect(await stored(stores)).toBe(1)
    expect(ingest.stats().heldAcks).toBe(0)
  })

  it('spools readings while the time series is down, acknowledges them, and drains them in order when it is back', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const outage = outageSeries(stores.dir)
    const status = await watchIngestStatus(broker.url)
    const config = testConfig(broker.url, { FM_INGEST_MAX_BATCH: '4' })
    const { ingest, lines } = makeIngest(config, { ...stores, timeseries: outage.series })
    await ingest.start()
    await outage.down()

    await publishReadings(broker.url, 0, 30)
    await vi.waitFor(() => expect(ingest.stats().spool?.depth).toBe(30), WAIT)
    await vi.waitFor(() => expect(broker.acked(INGEST_CLIENT)).toHaveLength(30), WAIT)
    await vi.waitFor(() => {
      expect(status.latest()?.timeseries).toMatchObject({ status: 'down', detail: expect.stringContaining('closed') })
      expect(status.latest()?.spool).toMatchObject({ depth: 30, oldestTs: expect.any(Number) })
    }, WAIT)
    expect(status.latest()?.timeseries?.pendingPoints).toBe(30)
    expect(lines.filter((line) => line.msg.startsWith('time-series write failed'))).toHaveLength(1)

    outage.up()
    await vi.waitFor(() => expect(ingest.stats().spool).toMatchObject({ depth: 0, bytes: 0 }), WAIT)
    expect(outage.written).toEqual(range(0, 30))
    expect(await stored(stores)).toBe(30)
    await vi.waitFor(() => expect(status.latest()?.timeseries).toMatchObject({ status: 'ok', writeLagMs: 0 }), WAIT)
  })

  it('drains a spool left by an earlier run first, and writes newer readings behind it', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const left = [0, 4, 8].map((from) =>
      range(from, 4).map(
        (ts): Reading => ({ siteId: SITE, kind: 'water-tank', deviceId: TANK.deviceId, ts, values: { level_pct: 1 } }),
      ),
    )
    for (const batch of left) stores.spool.append(batch)
    const outage = outageSeries(stores.dir)
    const { ingest, lines } = makeIngest(testConfig(broker.url), { ...stores, timeseries: outage.series })
    await ingest.start()
    await publishReadings(broker.url, 12, 3)

    await vi.waitFor(() => expect(outage.written).toEqual(range(0, 15)), WAIT)
    expect(stores.spool.stats().batches).toBe(0)
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'draining readings spooled by an earlier run', points: 12 }),
    )
    expect(await stored(stores)).toBe(15)
  })

  it('loses nothing when restarted during an outage: the spool survives and drains first', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const outage = outageSeries(stores.dir)
    await outage.down()
    const config = testConfig(broker.url, { FM_INGEST_MAX_BATCH: '3' })
    const first = makeIngest(config, { ...stores, timeseries: outage.series })
    await first.ingest.start()
    await publishReadings(broker.url, 0, 10)
    await vi.waitFor(() => expect(first.ingest.stats().spool?.depth).toBe(10), WAIT)
    await first.ingest.stop()
    stores.spool.close()

    // readings published while no ingest runs wait in its persistent session
    await publishReadings(broker.url, 10, 5)
    const spool = openTestSpool(stores.dir)
    expect(spool.stats().points).toBe(10)
    const second = makeIngest(config, { ...stores, spool, timeseries: outage.series })
    await second.ingest.start()
    await vi.waitFor(() => expect(second.ingest.stats().spool?.depth).toBe(15), WAIT)
    await publishReadings(broker.url, 15, 5)
    await vi.waitFor(() => expect(second.ingest.stats().spool?.depth).toBe(20), WAIT)

    outage.up()
    await vi.waitFor(() => expect(second.ingest.stats().spool?.depth).toBe(0), WAIT)
    await vi.waitFor(() => expect(second.ingest.stats().queued.readings).toBe(0), WAIT)
    expect(outage.written).toEqual(range(0, 20))
    expect(await stored(stores)).toBe(20)
  })

  it('at its limit stops acknowledging readings, which stay with the broker, and takes them once the spool drained', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const outage = outageSeries(stores.dir)
    await outage.down()
    const readingBytes = Buffer.byteLength(JSON.stringify([{ ...TANK, ts: BASE_TS, values: {} }])) + 20
    const spool = openSpool({ file: spoolFile(`${stores.dir}/limited`), limitBytes: readingBytes * 10 })
    onTestFinished(() => spool.close())
    const status = await watchIngestStatus(broker.url)
    const config = testConfig(broker.url, { FM_INGEST_MAX_BATCH: '1' })
    const { ingest, lines } = makeIngest(config, { ...stores, spool, timeseries: outage.series })
    await ingest.start()

    await publishReadings(broker.url, 0, 25)
    await vi.waitFor(() => expect(ingest.stats().deferred).toBeGreaterThan(0), WAIT)
    const spooled = spool.stats().points
    expect(spooled).toBeGreaterThanOrEqual(8)
    expect(spooled).toBeLessThan(25)
    expect(lines.map((line) => line.msg)).toContainEqual(expect.stringMatching(/^spool at \d+ % of its limit/))
    expect(lines.map((line) => line.msg)).toContainEqual(expect.stringContaining('not acknowledging QoS 1 messages'))
    await vi.waitFor(() => expect(status.latest()?.spool?.detail).toEqual(expect.stringContaining('spool full')), WAIT)
    expect(new Set(broker.acked(INGEST_CLIENT)).size).toBe(spooled)

    outage.up()
    await vi.waitFor(async () => expect(await stored(stores)).toBe(25), { ...WAIT, timeout: 20_000 })
    await vi.waitFor(() => expect(new Set(broker.acked(INGEST_CLIENT)).size).toBe(25), WAIT)
    expect(new Set(outage.written)).toEqual(new Set(range(0, 25)))
    await vi.waitFor(
      () => expect(status.latest()?.spool).toEqual({ depth: 0, bytes: 0, limitBytes: readingBytes * 10 }),
      WAIT,
    )
  })

  it('writes a reading delivered twice once, and acknowledges the copy only with the first', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const outage = outageSeries(stores.dir)
    const { ingest } = makeIngest(testConfig(broker.url), { ...stores, timeseries: outage.series })
    await ingest.start()

    await publishReadings(broker.url, 0, 2)
    await publishReadings(broker.url, 0, 1) // the same reading again, as a broker may deliver it
    await vi.waitFor(() => expect(broker.acked(INGEST_CLIENT)).toHaveLength(3), WAIT)

    expect(outage.written).toEqual(range(0, 2))
    expect(ingest.stats().duplicates).toBe(1)
    expect(await stored(stores)).toBe(2)
  })

  it('leaves a reading it could neither write nor spool with the broker, which delivers it to the next ingest', async () => {
    const broker = await startBroker()
    const stores = await openStores()
    const outage = outageSeries(stores.dir)
    await outage.down()
    const broken: Spool = openTestSpool(`${stores.dir}/broken`)
    broken.close() // every append now throws, as on a failed disk
    const config = testConfig(broker.url)
    const first = makeIngest(config, { ...stores, spool: broken, timeseries: outage.series })
    await first.ingest.start()

    await publishReadings(broker.url, 0, 1)
    await vi.waitFor(() => expect(first.ingest.stats().spool?.detail).toContain('spool failing'), WAIT)
    expect(first.ingest.stats().heldAcks).toBe(1)
    expect(broker.acked(INGEST_CLIENT)).toEqual([])
    await first.ingest.stop()

    outage.up()
    const second = makeIngest(config, { ...stores, timeseries: outage.series })
    await second.ingest.start()
    await vi.waitFor(() => expect(broker.acked(INGEST_CLIENT)).toEqual([payload(0)]), WAIT)
    expect(await stored(stores)).toBe(1)
    expect(outage.written).toEqual(range(0, 1))
  })
})
