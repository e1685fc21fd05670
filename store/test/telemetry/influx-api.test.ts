/**
 * Setup and queries against a fake of the InfluxDB 2.x HTTP API (no real server can run here). The fake answers the
 * calls as the InfluxDB API reference documents them (JSON bodies, 404 for an unknown name, annotated CSV for
 * queries); it proves what we send and how we read the answers, not what a real server does with our Flux. That is
 * the contract suite's job with INFLUX_URL (docs/storage.md).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, onTestFinished, test } from 'vitest'
import { type InfluxTimeSeriesOptions, openInfluxTimeSeries } from '../../src/telemetry/influx.ts'

interface FakeBucket {
  id: string
  name: string
  orgID: string
  retentionRules: { type?: string; everySeconds: number }[]
}

interface FakeTask {
  id: string
  name: string
  orgID: string
  flux: string
  status: string
}

type Json = Record<string, unknown>

/** What the fake answers to a write: a status and an InfluxDB error body. */
type WriteAnswer = { status: 204 } | { status: number; code: string; message: string }

async function useFakeInflux(answerQuery: (flux: string) => string = () => '') {
  const writeAnswers: WriteAnswer[] = []
  const buckets = new Map<string, FakeBucket>()
  const tasks = new Map<string, FakeTask>()
  const calls: { method: string; path: string; authorization: string | undefined }[] = []
  const queries: string[] = []
  let nextId = 1

  /** A reply: status, then a JSON body, a CSV text, or nothing. */
  type Reply = [status: number, body?: Json | string]

  function route(method: string, url: URL, body: Json): Reply {
    const search = url.searchParams
    const [, , , resource, id] = url.pathname.split('/') // '', 'api', 'v2', resource, id
    const key = `${method} ${resource}${id ? '/:id' : ''}`
    if (key === 'GET orgs') {
      if (search.get('org') === 'acme') return [200, { orgs: [{ id: 'org1', name: 'acme' }] }]
      return [404, { code: 'not found', message: `organization name "${search.get('org')}" not found` }]
    }
    if (key === 'GET buckets') {
      const bucket = buckets.get(search.get('name') ?? '')
      if (bucket) return [200, { buckets: [bucket] }]
      return [404, { code: 'not found', message: `bucket "${search.get('name')}" not found` }]
    }
    if (key === 'POST buckets') {
      const bucket = { ...(body as unknown as FakeBucket), id: `b${nextId++}` }
      buckets.set(bucket.name, bucket)
      return [201, { ...bucket }]
    }
    if (key === 'PATCH buckets/:id') {
      const bucket = [...buckets.values()].find((candidate) => candidate.id === id)
      if (!bucket) return [404, { code: 'not found', message: 'bucket not found' }]
      Object.assign(bucket, body)
      return [200, { ...bucket }]
    }
    if (key === 'GET tasks') {
      const found = [...tasks.values()].filter((task) => task.name === search.get('name'))
      return [200, { tasks: found }]
    }
    if (key === 'POST tasks') {
      const flux = String(body.flux)
      const name = /option task = \{name: "([^"]+)"/.exec(flux)?.[1] ?? ''
      const task = { id: `t${nextId++}`, name, orgID: String(body.orgID), flux, status: String(body.status) }
      tasks.set(task.id, task)
      return [201, { ...task }]
    }
    if (key === 'PATCH tasks/:id') {
      const task = tasks.get(id ?? '')
      if (!task) return [404, { code: 'not found', message: 'task not found' }]
      Object.assign(task, body)
      return [200, { ...task }]
    }
    if (key === 'POST query') {
      queries.push(String(body.query))
      return [200, answerQuery(String(body.query))]
    }
    if (key === 'POST write') {
      const answer = writeAnswers.shift() ?? { status: 204 }
      return answer.status === 204 ? [204] : [answer.status, answer]
    }
    return [404, { code: 'not found', message: `${method} ${url.pathname} is not faked` }]
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake')
      const method = request.method ?? 'GET'
      calls.push({ method, path: url.pathname, authorization: request.headers.authorization })
      const text = Buffer.concat(chunks).toString()
      const json = request.headers['content-type']?.startsWith('application/json')
      const [status, answer] = route(method, url, json && text ? (JSON.parse(text) as Json) : {})
      if (answer === undefined) {
        response.writeHead(status).end()
      } else if (typeof answer === 'string') {
        response.writeHead(status, { 'content-type': 'text/csv; charset=utf-8' }).end(answer)
      } else {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const changes = () => calls.filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path}`)
  return { url, buckets, tasks, calls, queries, changes, writeAnswers }
}

async function openAgainst(url: string, options: Partial<InfluxTimeSeriesOptions> = {}) {
  const series = await openInfluxTimeSeries({ url, token: 'secret-token', org: 'acme', bucket: 'fm', ...options })
  onTestFinished(() => series.close())
  return series
}

describe('setup (against a fake of the InfluxDB API)', () => {
  test('creates the three buckets with their retention and the two roll-up tasks, with the token', async () => {
    const fake = await useFakeInflux()

    const series = await openAgainst(fake.url, { setup: true })

    expect(
      [...fake.buckets.values()].map(({ name, orgID, retentionRules }) => ({ name, orgID, retentionRules })),
    ).toEqual([
      { name: 'fm', orgID: 'org1', retentionRules: [{ type: 'expire', everySeconds: 30 * 86_400 }] },
      { name: 'fm_1m', orgID: 'org1', retentionRules: [{ type: 'expire', everySeconds: 365 * 86_400 }] },
      { name: 'fm_1h', orgID: 'org1', retentionRules: [{ type: 'expire', everySeconds: 0 }] },
    ])
    const tasks = [...fake.tasks.values()]
    expect(tasks.map(({ name, status, orgID }) => ({ name, status, orgID }))).toEqual([
      { name: 'fm-rollup-1m-fm', status: 'active', orgID: 'org1' },
      { name: 'fm-rollup-1h-fm', status: 'active', orgID: 'org1' },
    ])
    expect(tasks[0]?.flux).toContain('|> to(bucket: "fm_1m", org: "acme")')
    expect(new Set(fake.calls.map((call) => call.authorization))).toEqual(new Set(['Token secret-token']))
    expect(series.name).toBe('influxdb')
  })

  test('is idempotent: a second run changes nothing', async () => {
    const fake = await useFakeInflux()
    const series = await openAgainst(fake.url, { setup: true })
    const before = fake.changes().length

    const result = await series.setup()

    expect(fake.changes()).toHaveLength(before)
    expect(result.buckets.map((bucket) => bucket.action)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(result.tasks.map((task) => task.action)).toEqual(['unchanged', 'unchanged'])
  })

  test('puts back a retention or task that was changed by hand', async () => {
    const fake = await useFakeInflux()
    const series = await openAgainst(fake.url, { setup: true })
    const minutes = fake.buckets.get('fm_1m')
    if (minutes) minutes.retentionRules = [{ type: 'expire', everySeconds: 7 * 86_400 }]
    const hourly = [...fake.tasks.values()].find((task) => task.name === 'fm-rollup-1h-fm')
    if (hourly)
      Object.assign(hourly, { status: 'inactive', flux: 'option task = {name: "fm-rollup-1h-fm", every: 1d}' })
    const before = fake.changes().length

    const result = await series.setup()

    expect(fake.changes().slice(before)).toEqual([
      `PATCH /api/v2/buckets/${minutes?.id}`,
      `PATCH /api/v2/tasks/${hourly?.id}`,
    ])
    expect(result.buckets.map((bucket) => bucket.action)).toEqual(['unchanged', 'updated', 'unchanged'])
    expect(result.tasks.map((task) => task.action)).toEqual(['unchanged', 'updated'])
    expect(fake.buckets.get('fm_1m')?.retentionRules).toEqual([{ type: 'expire', everySeconds: 365 * 86_400 }])
    expect(hourly).toMatchObject({ status: 'active', flux: expect.stringContaining('every: 1h, offset: 5m') })
  })

  test('an unknown organisation fails the open, before anything is created', async () => {
    const fake = await useFakeInflux()

    await expect(openAgainst(fake.url, { org: 'nope', setup: true })).rejects.toThrow(
      'InfluxDB organisation "nope" does not exist (INFLUX_ORG)',
    )
    expect(fake.changes()).toEqual([])
  })
})

/** One table of annotated CSV, as InfluxDB 2.x answers a query (one per `yield` and group). */
function csvTable(result: string, valueType: 'double' | 'long' | 'string', rows: [string, string, number | string][]) {
  return [
    '#group,false,false,true,false,false',
    `#datatype,string,long,string,dateTime:RFC3339,${valueType}`,
    `#default,${result},,,,`,
    ',result,table,_field,_time,_value',
    ...rows.map(([field, time, value]) => `,,0,${field},${time},${value}`),
    '',
  ].join('\r\n')
}

describe('queries (against a fake of the InfluxDB API)', () => {
  test('history sends one Flux query and reads the annotated CSV into mean, min, max and count per bucket', async () => {
    const answer = [
      csvTable('raw_min', 'double', [['current_a', '2026-11-27T11:00:00Z', 1]]),
      csvTable('raw_max', 'double', [['current_a', '2026-11-27T11:00:00Z', 3]]),
      csvTable('raw_sum', 'double', [['current_a', '2026-11-27T11:00:00Z', 4]]),
      csvTable('raw_count', 'long', [['current_a', '2026-11-27T11:00:00Z', 2]]),
    ].join('\r\n')
    const fake = await useFakeInflux(() => answer)
    const now = Date.UTC(2026, 10, 27, 12)
    const series = await openAgainst(fake.url, { now: () => now })

    const history = await series.history({
      deviceId: 'pump-1',
      kind: 'pump',
      fields: ['current_a', 'frequency_hz'],
      from: now - 3_600_000,
      to: now,
      maxPoints: 720,
    })

    expect(fake.queries).toHaveLength(1)
    expect(fake.queries[0]).toContain('|> range(start: 2026-11-27T11:00:00.000Z, stop: 2026-11-27T12:00:00.000Z)')
    expect(fake.calls.at(-1)?.path).toBe('/api/v2/query')
    expect(history).toEqual({
      deviceId: 'pump-1',
      from: now - 3_600_000,
      to: now,
      stepMs: 5000,
      tier: 'raw',
      series: [
        {
          field: 'current_a',
          unit: 'A',
          points: [{ ts: Date.UTC(2026, 10, 27, 11), mean: 2, min: 1, max: 3, count: 2 }],
        },
        { field: 'frequency_hz', unit: 'Hz', points: [] },
      ],
    })
  })

  test('history refuses a field the kind does not have, without asking the server', async () => {
    const fake = await useFakeInflux()
    const series = await openAgainst(fake.url)
    await expect(
      series.history({ deviceId: 'pump-1', kind: 'pump', fields: ['level_pct'], from: 0, to: 60_000 }),
    ).rejects.toThrow('"level_pct" is not a telemetry field of pump')
    expect(fake.queries).toEqual([])
  })

  test('latest reads last() of every field, in schema order', async () => {
    const answer = csvTable('_result', 'double', [
      ['running', '2026-11-27T11:59:58Z', 1],
      ['current_a', '2026-11-27T11:59:59.5Z', 12.5],
    ])
    const fake = await useFakeInflux(() => answer)
    const series = await openAgainst(fake.url)

    expect(await series.latest('pump-1', 'pump')).toEqual([
      { field: 'running', ts: Date.UTC(2026, 10, 27, 11, 59, 58), value: 1 },
      { field: 'current_a', ts: Date.UTC(2026, 10, 27, 11, 59, 59, 500), value: 12.5 },
    ])
    expect(fake.queries[0]).toContain('|> last()')
  })
})

describe('write answers only InfluxDB 2.x gives (against a fake of the InfluxDB API)', () => {
  const reading = {
    siteId: 'xingfuli',
    kind: 'pump',
    deviceId: 'pump-1',
    ts: Date.now(),
    values: { current_a: 1 },
  } as const

  test('a partial write (points beyond retention) counts as done: retrying cannot help; health says degraded', async () => {
    const fake = await useFakeInflux()
    const series = await openAgainst(fake.url)
    const message = 'failure writing points to database: partial write: points beyond retention policy dropped=1'
    fake.writeAnswers.push({ status: 422, code: 'unprocessable entity', message })

    await series.write([reading])

    expect(series.health()).toMatchObject({ status: 'degraded', pendingPoints: 0 })
    expect(series.health().detail).toContain('points beyond retention policy dropped=1')
    await series.write([reading])
    expect(series.health()).toEqual({ status: 'ok', writeLagMs: 0, pendingPoints: 0 })
  })

  test('any other refusal (a bad token) rejects, so that the caller keeps the points', async () => {
    const fake = await useFakeInflux()
    const series = await openAgainst(fake.url)
    fake.writeAnswers.push({ status: 401, code: 'unauthorized', message: 'unauthorized access' })

    await expect(series.write([reading])).rejects.toMatchObject({ statusCode: 401 })
    expect(series.health()).toMatchObject({ status: 'down', detail: expect.stringContaining('unauthorized access') })
  })
})
