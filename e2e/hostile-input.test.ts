/**
 * Hostile and malformed input, thrown at the running platform: HTTP requests the api must refuse with a coded
 * `ErrorResponse` (never a 5xx, never a 2xx), and MQTT traffic that the broker must refuse by closing the connection
 * or that ingest must count under its rejection code. Afterwards every service still works and nothing stored changed.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect as tcpConnect } from 'node:net'
import type { DeviceView, Health } from '@fm/protocol'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { OPERATOR, type Platform, startPlatform } from './platform.ts'

let platform: Platform

const TANK_1 = 'tank-1'
const TANK_1_TOPIC = 'fm/v1/cuihu/water-tank/tank-1/telemetry'
const DEEP_LEVELS = 10_000

interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

interface HttpCase {
  name: string
  method?: 'GET' | 'POST' | 'PATCH'
  /** Sent verbatim, without the normalisation `fetch` would apply. */
  path: string
  body?: string | Buffer
  /** Content type of the body; JSON by default. */
  type?: string
  /** Send no session cookie; every other case is sent as a signed-in admin, so that it reaches the route. */
  anonymous?: boolean
  status: number
  code: string
}

/** One HTTP request over a plain socket: the path and bytes go out exactly as given. */
function send(test: Pick<HttpCase, 'method' | 'path' | 'body' | 'type' | 'anonymous'>): Promise<RawResponse> {
  const { port } = new URL(platform.apiUrl)
  const body = typeof test.body === 'string' ? Buffer.from(test.body) : test.body
  const headers: Record<string, string> = {}
  if (body) {
    headers['content-type'] = test.type ?? 'application/json'
    headers['content-length'] = String(body.length)
  }
  if (!test.anonymous) headers.cookie = platform.operatorCookie
  return new Promise((resolve, reject) => {
    let answered = false
    const request = httpRequest(
      { host: '127.0.0.1', port, method: test.method ?? 'GET', path: test.path, headers },
      (response) => {
        answered = true
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        )
      },
    )
    // A server may answer (413) and close before a large body is written: the answer is what counts.
    request.on('error', (error) => {
      if (!answered) reject(error)
    })
    request.end(body)
  })
}

const json = (value: unknown) => JSON.stringify(value)
const login = (body: string) => ({ method: 'POST' as const, path: '/api/auth/login', body })
const newUser = (overrides: Record<string, unknown>) => ({
  method: 'POST' as const,
  path: '/api/users',
  body: json({
    username: 'mallory',
    displayName: 'Mallory',
    role: 'admin',
    scope: { allSites: true, siteIds: [], buildingIds: [] },
    password: 'another-long-passphrase-9',
    ...overrides,
  }),
})
const history = (query: string) => ({ path: `/api/devices/${TANK_1}/history?${query}` })
const nested = (open: string, inner: string, close: string) =>
  `${open.repeat(DEEP_LEVELS)}${inner}${close.repeat(DEEP_LEVELS)}`

// The login route takes 10 attempts a minute from one address (FM_API_LOGIN_ATTEMPTS_PER_MIN), the admin's own
// login included: the other cases use routes without that limit.
const HTTP_CASES: HttpCase[] = [
  {
    name: 'login: username of the wrong type',
    ...login('{"username":{"$ne":null},"password":"x"}'),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'login: password missing',
    ...login(json({ username: OPERATOR.username })),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'login: unknown field',
    ...login(json({ ...OPERATOR, admin: true })),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'login: SQL injection as username',
    ...login(json({ username: "' OR '1'='1' --", password: "' OR '1'='1" })),
    status: 401,
    code: 'FM_ERR_AUTH_FAILED',
  },
  {
    name: 'login: __proto__ key',
    ...login('{"username":"a","password":"b","__proto__":{"admin":true}}'),
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
  {
    name: 'login: constructor.prototype key',
    ...login('{"username":"a","password":"b","constructor":{"prototype":{"admin":true}}}'),
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
  {
    name: 'login: invalid JSON',
    ...login('{"username": "a", "password": '),
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
  { name: 'users: not signed in', ...newUser({}), anonymous: true, status: 401, code: 'FM_ERR_AUTH_REQUIRED' },
  { name: 'users: a text/plain body', ...newUser({}), type: 'text/plain', status: 400, code: 'FM_ERR_VALIDATION' },
  {
    name: 'users: a form body',
    method: 'POST',
    path: '/api/users',
    body: 'username=mallory&role=admin',
    type: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'FM_ERR_MEDIA_TYPE_UNSUPPORTED',
  },
  {
    name: 'users: a 2 MB body',
    ...newUser({ displayName: 'x'.repeat(2 * 1024 * 1024) }),
    status: 413,
    code: 'FM_ERR_BODY_TOO_LARGE',
  },
  {
    name: 'users: arrays nested 10 000 deep',
    method: 'POST',
    path: '/api/users',
    body: nested('[', '', ']'),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'users: objects nested 10 000 deep in a field',
    ...newUser({}),
    body: `{"username":${nested('{"a":', '1', '}')}}`,
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'users: __proto__ nested 10 000 deep',
    ...newUser({}),
    body: nested('{"a":', '{"__proto__":{"admin":true}}', '}'),
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
  {
    name: 'users: NaN literal',
    ...newUser({}),
    body: '{"username":"mallory","role":NaN}',
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
  {
    name: 'users: Infinity literal',
    ...newUser({}),
    body: '{"username":"mallory","role":Infinity}',
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
  {
    name: 'users: a number beyond float range as a flag',
    ...newUser({}),
    body: newUser({}).body.replace('"allSites":true', '"allSites":1e400'),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'users: invalid UTF-8 bytes in the username',
    ...newUser({}),
    body: Buffer.concat([
      Buffer.from('{"username":"mal'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(newUser({}).body.slice(21)),
    ]),
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
  {
    name: 'users: a null byte in the username',
    ...newUser({ username: 'mallory\u0000admin' }),
    status: 400,
    code: 'FM_ERR_USER_INVALID',
  },
  {
    name: 'users: <script> as username',
    ...newUser({ username: '<script>alert(1)</script>' }),
    status: 400,
    code: 'FM_ERR_USER_INVALID',
  },
  {
    name: 'users: SQL injection as username',
    ...newUser({ username: "x'); DROP TABLE users; --" }),
    status: 400,
    code: 'FM_ERR_USER_INVALID',
  },
  {
    name: 'users: a 10 000-character username',
    ...newUser({ username: 'a'.repeat(10_000) }),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  { name: 'users: an unknown role', ...newUser({ role: 'root' }), status: 400, code: 'FM_ERR_VALIDATION' },
  {
    name: 'users: scope of the wrong type',
    ...newUser({ scope: 'everything' }),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'users: fields missing',
    ...newUser({}),
    body: json({ username: 'mallory' }),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  { name: 'users: an unknown field', ...newUser({ isAdmin: true }), status: 400, code: 'FM_ERR_VALIDATION' },
  {
    name: 'users: duplicate keys, the last one invalid',
    ...newUser({}),
    body: newUser({}).body.replace('"role":"admin"', '"role":"admin","role":"root"'),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  { name: 'users: a weak password', ...newUser({ password: 'password' }), status: 400, code: 'FM_ERR_PASSWORD_WEAK' },
  {
    name: 'users: PATCH with an injected id',
    method: 'PATCH',
    path: `/api/users/${encodeURIComponent("u_1' OR '1'='1")}`,
    body: json({ disabled: true }),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'devices: a password chosen for a new device',
    method: 'POST',
    path: '/api/sites/cuihu/devices',
    body: json({ id: 'evil-1', kind: 'water-tank', name: 'x', password: 'mine' }),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'devices: SQL injection as device id',
    path: `/api/devices/${encodeURIComponent("1' OR '1'='1")}`,
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'devices: encoded path traversal as device id',
    path: '/api/devices/..%2f..%2fetc%2fpasswd',
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'devices: a null byte in the device id',
    path: '/api/devices/tank-1%00',
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'devices: a 10 000-character device id',
    path: `/api/devices/${'a'.repeat(10_000)}`,
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
  {
    name: 'devices: a wrong kind filter',
    path: '/api/devices?kind=water-tank%27%20OR%201=1',
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'history: from after to',
    ...history('from=2000&to=1000'),
    status: 400,
    code: 'FM_ERR_HISTORY_RANGE_INVALID',
  },
  {
    name: 'history: an absurd range',
    ...history('from=0&to=8640000000000000'),
    status: 400,
    code: 'FM_ERR_HISTORY_RANGE_INVALID',
  },
  { name: 'history: a non-numeric maxPoints', ...history('maxPoints=lots'), status: 400, code: 'FM_ERR_VALIDATION' },
  {
    name: 'history: NaN and Infinity as times',
    ...history('from=NaN&to=Infinity'),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'history: a number beyond float range',
    ...history('to=1e400'),
    status: 400,
    code: 'FM_ERR_HISTORY_RANGE_INVALID',
  },
  {
    name: 'history: SQL injection in fields',
    ...history(`fields=${encodeURIComponent("level_pct' OR 1=1 --")}`),
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'history: an unknown field name',
    ...history('fields=password_hash'),
    status: 400,
    code: 'FM_ERR_HISTORY_FIELD_UNKNOWN',
  },
  { name: 'history: an unknown parameter', ...history('deviceId=tank-2'), status: 400, code: 'FM_ERR_VALIDATION' },
  {
    name: 'events: a negative limit',
    path: `/api/devices/${TANK_1}/events?limit=-1`,
    status: 400,
    code: 'FM_ERR_VALIDATION',
  },
  {
    name: 'api: path traversal out of /api',
    path: '/api/../../etc/passwd.txt',
    status: 400,
    code: 'FM_ERR_REQUEST_INVALID',
  },
]

/** A demo device's MQTT password, from the manifest the platform provisioned. */
function passwordOf(deviceId: string): string {
  const device = platform.manifest.devices.find((candidate) => candidate.id === deviceId)
  if (!device?.password) throw new Error(`no password for ${deviceId} in the manifest`)
  return device.password
}

const clients: MqttClient[] = []

async function deviceClient(deviceId = TANK_1): Promise<MqttClient> {
  const client = await mqtt.connectAsync(platform.mqttUrl, {
    clientId: deviceId,
    username: deviceId,
    password: passwordOf(deviceId),
    protocolVersion: 4,
    reconnectPeriod: 0,
  })
  clients.push(client)
  return client
}

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected || !client.connected) resolve()
    client.once('close', () => resolve())
  })
}

/** Writes `bytes` on a fresh TCP connection to the broker and resolves once the broker has closed it. */
function rawSession(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(platform.mqttPort, '127.0.0.1', () => socket.write(bytes))
    socket.on('data', () => undefined)
    // the broker may reset rather than end the connection: closed all the same
    socket.on('error', () => undefined)
    socket.once('close', () => resolve())
    socket.setTimeout(20_000, () => reject(new Error('the broker kept the connection open')))
  })
}

/** A CONNECT packet of MQTT 3.1.1 with a client id only [MQTT-3.1]. */
function connectPacket(clientId: string, protocolName = 'MQTT'): Buffer {
  const str = (value: string) => {
    const bytes = Buffer.from(value)
    return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes])
  }
  const body = Buffer.concat([str(protocolName), Buffer.from([4, 0x02, 0, 60]), str(clientId)])
  return Buffer.concat([Buffer.from([0x10, body.length]), body])
}

interface RejectedPayload {
  name: string
  topic?: string
  payload: string | Buffer
  code: string
}

const now = () => Date.now()
const DAY_MS = 24 * 60 * 60 * 1000

const INGEST_CASES: RejectedPayload[] = [
  { name: 'not JSON', payload: '{"level_pct": forty-two', code: 'FM_ERR_MQTT_JSON_INVALID' },
  {
    name: 'invalid UTF-8',
    payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    code: 'FM_ERR_MQTT_JSON_INVALID',
  },
  { name: 'NaN', payload: '{"level_pct":NaN}', code: 'FM_ERR_MQTT_JSON_INVALID' },
  { name: 'Infinity', payload: '{"level_pct":Infinity}', code: 'FM_ERR_MQTT_JSON_INVALID' },
  { name: 'a number beyond float range', payload: '{"level_pct":1e400}', code: 'FM_ERR_MQTT_SCHEMA_INVALID' },
  {
    name: 'arrays nested 5 000 deep',
    payload: `{"level_pct":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    code: 'FM_ERR_MQTT_SCHEMA_INVALID',
  },
  { name: 'a value of the wrong type', payload: '{"level_pct":"42"}', code: 'FM_ERR_MQTT_SCHEMA_INVALID' },
  { name: 'a value out of range', payload: '{"level_pct":101}', code: 'FM_ERR_MQTT_SCHEMA_INVALID' },
  { name: 'an unknown field', payload: '{"level_pct":40,"admin":true}', code: 'FM_ERR_MQTT_SCHEMA_INVALID' },
  {
    name: 'a __proto__ key',
    payload: '{"level_pct":40,"__proto__":{"admin":true}}',
    code: 'FM_ERR_MQTT_SCHEMA_INVALID',
  },
  {
    name: 'SQL injection in an enum',
    payload: `{"inlet_valve":"open'); DROP TABLE devices; --"}`,
    code: 'FM_ERR_MQTT_SCHEMA_INVALID',
  },
  {
    name: 'duplicate keys, the last one invalid',
    payload: '{"level_pct":40,"level_pct":"x"}',
    code: 'FM_ERR_MQTT_SCHEMA_INVALID',
  },
  { name: 'an empty object', payload: '{}', code: 'FM_ERR_MQTT_SCHEMA_INVALID' },
  { name: 'an array', payload: '[{"level_pct":40}]', code: 'FM_ERR_MQTT_SCHEMA_INVALID' },
  {
    name: 'a ts far in the future',
    payload: json({ level_pct: 40, ts: now() + 365 * DAY_MS }),
    code: 'FM_ERR_MQTT_TS_IN_FUTURE',
  },
  {
    name: 'a ts 40 days old',
    payload: json({ level_pct: 40, ts: now() - 40 * DAY_MS }),
    code: 'FM_ERR_MQTT_TS_TOO_OLD',
  },
  {
    name: 'a channel a water tank has not',
    topic: 'fm/v1/cuihu/water-tank/tank-1/event',
    payload: '{"level_pct":40}',
    code: 'FM_ERR_MQTT_CHANNEL_UNEXPECTED',
  },
]

const REFUSED_PUBLISHES: { name: string; topic: string; payload: string | Buffer }[] = [
  { name: 'a + wildcard in the topic', topic: 'fm/v1/cuihu/water-tank/+/telemetry', payload: '{"level_pct":40}' },
  { name: 'a # wildcard in the topic', topic: 'fm/v1/cuihu/water-tank/#', payload: '{"level_pct":40}' },
  {
    name: '.. segments in the topic',
    topic: 'fm/v1/cuihu/water-tank/tank-1/../../pump/pump-low-1/telemetry',
    payload: '{"running":true}',
  },
  { name: "another device's topic", topic: 'fm/v1/cuihu/water-tank/tank-2/telemetry', payload: '{"level_pct":3}' },
  { name: 'a service topic', topic: 'fm/services/ingest/status', payload: '{"online":false}' },
  { name: 'a $SYS topic', topic: '$SYS/broker/uptime', payload: '0' },
  { name: 'a payload over 16 KiB', topic: TANK_1_TOPIC, payload: json({ level_pct: 40, pad: 'x'.repeat(17 * 1024) }) },
  { name: 'a packet over the 20 KiB limit', topic: TANK_1_TOPIC, payload: Buffer.alloc(64 * 1024, 0x20) },
]

const RAW_SESSIONS: { name: string; bytes: Buffer }[] = [
  { name: 'an HTTP request instead of CONNECT', bytes: Buffer.from('GET / HTTP/1.1\r\nHost: broker\r\n\r\n') },
  { name: 'a CONNECT with a malformed length', bytes: Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0xff]) },
  { name: 'a CONNECT announcing 256 MiB', bytes: Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f, 0x00]) },
  { name: 'a CONNECT of an unknown protocol', bytes: connectPacket('tank-1', 'MQTX') },
  { name: 'a PUBLISH before CONNECT', bytes: Buffer.from([0x30, 0x07, 0x00, 0x03, 0x61, 0x2f, 0x62, 0x7b, 0x7d]) },
  { name: 'a CONNECT without credentials', bytes: connectPacket('tank-1') },
]

interface Snapshot {
  users: unknown
  devices: unknown
  credentials: string[]
  events: number
  views: Record<string, Pick<DeviceView, 'values' | 'valuesTs'>>
  accepted: number
}

async function snapshot(): Promise<Snapshot> {
  const { store } = platform
  const devices = store.listDevices()
  const credentials: string[] = []
  for (const device of platform.manifest.devices) {
    if (device.password && (await store.verifyDeviceCredentials(device.id, device.password))) {
      credentials.push(device.id)
    }
  }
  const views = Object.fromEntries(
    store.listDeviceViews().map((view) => [view.id, { values: view.values, valuesTs: view.valuesTs }]),
  )
  return {
    users: store.listUsers(),
    devices,
    credentials,
    events: devices.reduce((sum, device) => sum + store.listEvents(device.id, { limit: 500 }).length, 0),
    views,
    accepted: platform.ingest.stats().accepted,
  }
}

let before: Snapshot

beforeAll(async () => {
  platform = await startPlatform({ simulators: false })
  before = await snapshot()
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)))
})

afterAll(async () => {
  await platform?.stop()
})

describe('hostile input', () => {
  it.each(HTTP_CASES)('the api refuses $name with $status $code', async (test) => {
    const response = await send(test)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect({ status: response.status, body: JSON.parse(response.body) }).toEqual({
      status: test.status,
      body: { statusCode: test.status, code: test.code, error: expect.any(String), message: expect.any(String) },
    })
  })

  it.each([
    ['/../../etc/passwd'],
    ['/..%2f..%2f..%2fetc%2fpasswd'],
    ['/assets/..%2f..%2f..%2f..%2fetc%2fpasswd'],
    ['/%2e%2e/%2e%2e/package.json'],
  ])('the static files do not leak %s', async (path) => {
    const response = await send({ path })
    expect(response.status).toBeLessThan(500)
    expect(response.body).not.toMatch(/root:|"workspaces"/)
  })

  it.each(INGEST_CASES)('ingest refuses a reading with $name as $code', async (test) => {
    const counted = platform.ingest.stats().rejectedByCode[test.code] ?? 0
    const client = await deviceClient()
    await client.publishAsync(test.topic ?? TANK_1_TOPIC, test.payload, { qos: 1 })
    await vi.waitFor(() => expect(platform.ingest.stats().rejectedByCode[test.code]).toBe(counted + 1), {
      timeout: 10_000,
    })
  })

  it.each(REFUSED_PUBLISHES)('the broker closes the connection of a device publishing $name', async (test) => {
    const client = await deviceClient()
    const gone = closed(client)
    client.publish(test.topic, test.payload, { qos: 0 })
    await gone
  })

  it('refuses a subscription to # with SUBACK 0x80 and keeps the connection', async () => {
    const client = await deviceClient()
    // mqtt.js reports a refused grant as an error that carries the SUBACK
    const refusal = await client.subscribeAsync('#', { qos: 1 }).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refusal).toMatchObject({ packet: { cmd: 'suback', granted: [0x80] } })
    expect(client.connected).toBe(true)
  })

  it.each([
    ['an SQL injection as username', { username: "tank-1' OR '1'='1", password: "' OR '1'='1" }],
    ['an SQL injection as password', { username: TANK_1, password: "' OR '1'='1' --" }],
    // scrypt's HMAC pads the key with zero bytes: the store refuses control characters so this is not the password
    ['the right password followed by a NUL byte', { username: TANK_1, password: `demo-${TANK_1}-secret\u0000` }],
  ])('the broker refuses a login with %s', async (_name, credentials) => {
    await expect(
      mqtt.connectAsync(platform.mqttUrl, {
        clientId: credentials.username,
        ...credentials,
        protocolVersion: 4,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/not authori[sz]ed|bad user ?name or password/i)
  })

  it.each(RAW_SESSIONS)('the broker closes a raw connection sending $name', async (test) => {
    await rawSession(test.bytes)
  })

  it('stays up and changed nothing stored, and a valid reading still arrives', async () => {
    const health = (await (
      await fetch(`${platform.apiUrl}/api/health`, { headers: { cookie: platform.operatorCookie } })
    ).json()) as Health
    expect(['ok', 'degraded']).toContain(health.status)

    const after = await snapshot()
    expect(after).toEqual(before)

    const client = await deviceClient()
    await client.publishAsync(TANK_1_TOPIC, json({ level_pct: 42.5 }), { qos: 1 })
    await vi.waitFor(
      async () => {
        const response = await fetch(`${platform.apiUrl}/api/devices/${TANK_1}`, {
          headers: { cookie: platform.operatorCookie },
        })
        expect(((await response.json()) as DeviceView).values.level_pct).toBe(42.5)
      },
      { timeout: 10_000 },
    )
    const final = await snapshot()
    const { [TANK_1]: tank1, ...others } = final.views
    const { [TANK_1]: _tank1Before, ...othersBefore } = before.views
    expect(others).toEqual(othersBefore)
    expect(tank1?.values).toEqual({ level_pct: 42.5 })
    expect({ ...final, views: undefined, accepted: undefined }).toEqual({
      ...before,
      views: undefined,
      accepted: undefined,
    })
    expect(final.accepted).toBe(before.accepted + 1)
  })
})
