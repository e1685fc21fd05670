/**
 * The InfluxDB write path against a real server: VictoriaMetrics from Debian, which accepts the InfluxDB v2 write
 * endpoint (no InfluxDB 2.x server can be installed here). What lands is read back with `/api/v1/export` after
 * `/internal/force_flush`: each field is a metric `<measurement>_<field>`, tags are labels (TOOLCHAIN.md §4).
 * Queries and setup need Flux, which VictoriaMetrics does not speak: see influx-contract.influx-test.ts.
 */
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import type { Reading } from '@fm/protocol'
import { pino } from 'pino'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import { type InfluxLogger, type InfluxTimeSeriesOptions, openInfluxTimeSeries } from '../../src/telemetry/influx.ts'
import { useVictoriaMetrics } from './victoria-metrics.ts'

/** Whole seconds, a few minutes ago: inside VictoriaMetrics' default retention (1 month). */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000
const WAIT = { timeout: 15_000, interval: 100 }

function pump(ts: number, values: Extract<Reading, { kind: 'pump' }>['values'], deviceId = 'pump-1'): Reading {
  return { siteId: 'xingfuli', kind: 'pump', deviceId, ts, values }
}

/** `count` readings of pump-1, one a second from `start`, current_a = their index. */
function batch(start: number, count: number): Reading[] {
  return Array.from({ length: count }, (_, index) => pump(start + index * 1000, { current_a: index }))
}

/** A real pino logger writing into an array, so the test also proves a pino logger fits `InfluxLogger`. */
function capturingLogger(): { logger: InfluxLogger; messages: (level: string) => string[] } {
  const entries: { level: string; msg: string }[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const { level, msg } = JSON.parse(chunk.toString()) as { level: number; msg: string }
      entries.push({ level: pino.levels.labels[level] ?? String(level), msg })
      done()
    },
  })
  const logger: InfluxLogger = pino({ level: 'debug' }, sink)
  return { logger, messages: (level) => entries.filter((entry) => entry.level === level).map((entry) => entry.msg) }
}

async function openInflux(url: string, options: Partial<InfluxTimeSeriesOptions> = {}) {
  const series = await openInfluxTimeSeries({
    url,
    token: 'not-checked-by-victoria-metrics',
    org: 'acme',
    bucket: 'fm',
    logger: capturingLogger().logger,
    ...options,
  })
  onTestFinished(() => series.close())
  return series
}

/** Settles a promise into its error (or undefined), so a rejection is handled before the test awaits it. */
function outcome(promise: Promise<void>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  )
}

/** An HTTP proxy in front of VictoriaMetrics that records each write request: encoding and number of lines. */
async function useRecordingProxy(target: string) {
  const requests: { path: string; encoding: string | undefined; lines: number }[] = []
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const body = Buffer.concat(chunks)
      const encoding = incoming.headers['content-encoding']
      const text = (encoding === 'gzip' ? gunzipSync(body) : body).toString()
      requests.push({ path: incoming.url ?? '', encoding, lines: text.split('\n').filter(Boolean).length })
      const forward = request(`${target}${incoming.url}`, { method: incoming.method, headers: incoming.headers })
      forward.on('response', (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      })
      forward.on('error', () => outgoing.writeHead(502).end())
      forward.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

describe('the InfluxDB store writing to a real VictoriaMetrics', () => {
  test('stores each field as metric <kind>_<field>, tags site/building/room/kind/device as labels, states as codes', async () => {
    const vm = await useVictoriaMetrics()
    const places: Record<string, { buildingId: string; roomId: string }> = {
      'pump-1': { buildingId: 'b1', roomId: 'pump-room' },
    }
    const series = await openInflux(vm.url, { placeOf: (deviceId) => places[deviceId] })
    const tank: Reading = {
      siteId: 'xingfuli',
      kind: 'water-tank',
      deviceId: 'tank-roof',
      ts: T0 + 1000,
      values: { level_pct: 63.5, inlet_valve: 'closed', overflow: false },
    }

    await series.write([pump(T0, { running: true, mode: 'manual', outlet_pressure_mpa: 0.42, fault_code: 3 }), tank])

    expect(series.health()).toEqual({ status: 'ok', writeLagMs: 0, pendingPoints: 0 })
    const exported = await vi.waitFor(async () => {
      const found = await vm.exportSeries('{site="xingfuli"}')
      expect(found).toHaveLength(7)
      return found
    }, WAIT)
    const byName = new Map(exported.map((entry) => [entry.metric.__name__, entry]))
    const pumpLabels = { site: 'xingfuli', building: 'b1', room: 'pump-room', kind: 'pump', device: 'pump-1' }
    expect(byName.get('pump_running')).toEqual({
      metric: { __name__: 'pump_running', ...pumpLabels },
      values: [1],
      timestamps: [T0],
    })
    expect(byName.get('pump_mode')?.values).toEqual([1]) // ['auto', 'manual']
    expect(byName.get('pump_outlet_pressure_mpa')?.values).toEqual([0.42])
    expect(byName.get('pump_fault_code')?.values).toEqual([3])
    // no place known: no building or room label; no bucket or org label either
    expect(byName.get('water-tank_level_pct')).toEqual({
      metric: { __name__: 'water-tank_level_pct', site: 'xingfuli', kind: 'water-tank', device: 'tank-roof' },
      values: [63.5],
      timestamps: [T0 + 1000],
    })
    expect(byName.get('water-tank_inlet_valve')?.values).toEqual([1]) // ['open', 'closed']
    expect(byName.get('water-tank_overflow')?.values).toEqual([0])
  })

  test('sends a large write as requests of batchSize points, gzipped, and every point arrives once', async () => {
    const vm = await useVictoriaMetrics()
    const proxy = await useRecordingProxy(vm.url)
    const series = await openInflux(proxy.url, { batchSize: 1000 })
    const readings = batch(T0 - 2500 * 1000, 2500)

    await series.write(readings)

    expect(proxy.requests.map(({ encoding, lines }) => ({ encoding, lines }))).toEqual([
      { encoding: 'gzip', lines: 1000 },
      { encoding: 'gzip', lines: 1000 },
      { encoding: 'gzip', lines: 500 },
    ])
    expect(proxy.requests[0]?.path).toBe('/api/v2/write?org=acme&bucket=fm&precision=ms')
    const [stored] = await vi.waitFor(async () => {
      const found = await vm.exportSeries('{__name__="pump_current_a"}')
      expect(found[0]?.timestamps.length).toBeGreaterThanOrEqual(2500)
      return found
    }, WAIT)
    expect(stored?.timestamps).toEqual(readings.map((reading) => reading.ts))
    expect(stored?.values).toEqual(readings.map((_, index) => index))
  })

  test('rejects at once while the server is down, reports down, and after a restart stores every batch once', async () => {
    const vm = await useVictoriaMetrics()
    const { logger, messages } = capturingLogger()
    const series = await openInflux(vm.url, { logger })
    const before = batch(T0, 10)
    const during = batch(T0 + 10_000, 10)
    const after = batch(T0 + 20_000, 10)
    await series.write(before)

    await vm.stop()
    const started = performance.now()
    await expect(series.write(during)).rejects.toThrow(/ECONNREFUSED/)
    expect(performance.now() - started).toBeLessThan(2000)
    // the points went back to the caller: nothing is left in a client-side buffer
    expect(series.health()).toMatchObject({ status: 'down', pendingPoints: 0, writeLagMs: 0 })
    expect(series.health().detail).toMatch(/^writes failing since .*ECONNREFUSED/)
    await expect(series.write(during)).rejects.toThrow(/ECONNREFUSED/)
    expect(messages('error')).toEqual(['InfluxDB write failed; the caller keeps the points']) // once per outage
    // the library's own line per failure, at debug: "failed." and not "failed (attempt: 1).", i.e. no retry scheduled
    expect(messages('debug')).toEqual(['Write to InfluxDB failed.', 'Write to InfluxDB failed.'])

    await vm.start()
    await series.write(during) // the caller's retry
    await series.write(after)

    expect(series.health()).toEqual({ status: 'ok', writeLagMs: 0, pendingPoints: 0 })
    expect(messages('info')).toContain('InfluxDB writes recovered')
    const [stored] = await vi.waitFor(async () => {
      const found = await vm.exportSeries('{__name__="pump_current_a"}')
      expect(found[0]?.timestamps.length).toBeGreaterThanOrEqual(30)
      return found
    }, WAIT)
    expect(stored?.timestamps).toEqual([...before, ...during, ...after].map((reading) => reading.ts))
  })

  test('close() while the server is down resolves at once, and later writes are refused', async () => {
    const vm = await useVictoriaMetrics()
    const series = await openInflux(vm.url)
    await series.write(batch(T0, 3))
    await vm.stop()
    await expect(series.write(batch(T0 + 3000, 3))).rejects.toThrow(/ECONNREFUSED/)

    const started = performance.now()
    await series.close()

    expect(performance.now() - started).toBeLessThan(1000)
    await expect(series.write(batch(T0 + 6000, 1))).rejects.toThrow('the InfluxDB time series is closed')
    expect(series.health()).toMatchObject({ status: 'down', detail: 'the InfluxDB store is closed' })
  })

  test('a server that accepts connections but does not answer: pending points in health, timeout, close() waits', async () => {
    const vm = await useVictoriaMetrics()
    const timeoutMs = 1500
    const series = await openInflux(vm.url, { timeoutMs })
    await series.write(batch(T0, 1))

    await vm.pause()
    const first = outcome(series.write(batch(T0 + 1000, 5)))
    await vi.waitFor(() => {
      const health = series.health()
      expect(health).toMatchObject({ status: 'ok', pendingPoints: 5 })
      expect(health.writeLagMs).toBeGreaterThan(0)
    }, WAIT)
    await vi.waitFor(() => expect(series.health().status).toBe('degraded'), WAIT) // waited half the timeout
    expect(await first).toMatchObject({ name: 'RequestTimedOutError' })
    expect(series.health()).toMatchObject({ status: 'down', pendingPoints: 0, writeLagMs: 0 })

    // down, and points on their way: what an operator sees while the server hangs
    const second = outcome(series.write(batch(T0 + 10_000, 3)))
    await vi.waitFor(() => expect(series.health()).toMatchObject({ status: 'down', pendingPoints: 3 }), WAIT)
    await vm.resume()
    expect(await second).toBeUndefined()
    expect(series.health()).toEqual({ status: 'ok', writeLagMs: 0, pendingPoints: 0 })

    await vm.pause()
    const third = outcome(series.write(batch(T0 + 20_000, 2)))
    await vi.waitFor(() => expect(series.health().pendingPoints).toBe(2), WAIT)
    const closing = performance.now()
    await series.close()
    expect(performance.now() - closing).toBeLessThan(timeoutMs + 1000)
    expect(await third).toMatchObject({ name: 'RequestTimedOutError' })
    await vm.resume()
  })
})
