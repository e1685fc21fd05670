/**
 * Device management through the real HTTP routes, against the platform's real broker (`@fm/broker`: device
 * authentication, the topic ACL and the credential notices; the fixtures' plain Aedes checks no password) sharing the
 * SQLite file with the api as in production, and real mqtt.js devices.
 */
import { createBroker, loadConfig as loadBrokerConfig } from '@fm/broker'
import {
  type CredentialsNotice,
  credentialsNoticeTopic,
  type DeviceCreated,
  type DeviceCredentials,
  type DeviceView,
  type ErrorResponse,
  type NewDeviceInput,
  USER_ROLES,
  type UserRole,
  type UserScope,
} from '@fm/protocol'
import { type AuditEntry, dataFiles, openStore, type Store } from '@fm/store'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { connectAsync, ErrorWithSubackPacket, type IClientOptions, type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type App, buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createLive, type Live } from '../src/live.ts'
import { closeAll, connectClient, defer, openStores, SITE_ID, TEST_FLUSH_INTERVAL_MS, testLogger } from './fixtures.ts'

afterEach(closeAll)

const USER_PASSWORD = 'correct-horse-battery'
const API_MQTT_PASSWORD = 'api-mqtt-password-0'
/** The passwords the fixtures' compound provisions its devices with. */
const DEVICE_PASSWORDS = {
  'tank-1': 'tank-1-password-x',
  'pump-1': 'pump-1-password-x',
  'gate-east': 'gate-password-xx',
}
/** The bound: a rotated or revoked device is disconnected within a second. */
const DISCONNECT_WITHIN_MS = 1_000
/** CONNACK return code 4, bad username or password (MQTT 3.1.1 §3.2.2.3). */
const BAD_USERNAME_OR_PASSWORD = 4
/** SUBACK return code for a refused filter (MQTT 3.1.1 §3.9.3). */
const SUBACK_FAILURE = 0x80

type Cookies = Record<string, string>

interface Platform {
  app: App
  store: Store
  live: Live
  mqttUrl: string
}

/**
 * The api over the fixtures' compound, and the real broker over the same database file, each with a store of its own
 * as two processes would have. `logs` collects the api's log lines.
 */
async function startPlatform(options: { logs?: string[] } = {}): Promise<Platform> {
  const { dataDir, store, timeseries } = await openStores()
  const brokerStore = openStore({ file: dataFiles(dataDir).operational })
  defer(() => brokerStore.close())
  const broker = await createBroker(
    loadBrokerConfig({
      FM_DATA_DIR: dataDir,
      FM_BROKER_HOST: '127.0.0.1',
      FM_BROKER_PORT: '0',
      FM_BROKER_WS_PORT: '0',
      FM_BROKER_SERVICE_CREDENTIALS: `api:${API_MQTT_PASSWORD}`,
    }),
    { store: brokerStore, logger: testLogger },
  )
  defer(() => broker.close())
  const mqttUrl = `mqtt://127.0.0.1:${broker.tcpPort}`
  const logs = options.logs
  const logger = logs ? pino({ level: 'info' }, { write: (line: string) => logs.push(line) }) : testLogger
  const config = loadConfig({
    FM_DATA_DIR: dataDir,
    FM_MQTT_URL: mqttUrl,
    FM_API_MQTT_PASSWORD: API_MQTT_PASSWORD,
    // every role signs in; the login limit itself is tested in auth.test.ts
    FM_API_LOGIN_ATTEMPTS_PER_MIN: '1000',
  })
  const live = createLive({
    mqttUrl,
    username: config.mqttUsername,
    password: config.mqttPassword,
    store,
    logger,
    flushIntervalMs: TEST_FLUSH_INTERVAL_MS,
  })
  await live.start()
  defer(() => live.stop())
  expect(live.mqttHealth()).toEqual({ status: 'ok' })
  const app = await buildApp(config, { store, timeseries, live, logger })
  defer(() => app.close())
  await app.ready()
  return { app, store, live, mqttUrl }
}

function adminScope(): UserScope {
  return { allSites: true, siteIds: [], buildingIds: [] }
}

async function signInAs(
  platform: Platform,
  username: string,
  role: UserRole,
  scope: UserScope = role === 'admin' ? adminScope() : { allSites: false, siteIds: [SITE_ID], buildingIds: [] },
): Promise<Cookies> {
  await platform.store.createUser({ username, displayName: username, role, scope, password: USER_PASSWORD })
  const response = await platform.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: USER_PASSWORD },
  })
  expect(response.statusCode, response.body).toBe(200)
  const cookie = response.cookies.find(({ name }) => name === 'fm_session')
  if (!cookie) throw new Error('no session cookie')
  return { fm_session: cookie.value }
}

function send(platform: Platform, cookies: Cookies | undefined, request: InjectOptions) {
  return platform.app.inject({ remoteAddress: '192.0.2.30', ...request, ...(cookies ? { cookies } : {}) })
}

function createDevice(platform: Platform, cookies: Cookies | undefined, payload: object, siteId = SITE_ID) {
  return send(platform, cookies, { method: 'POST', url: `/api/sites/${siteId}/devices`, payload })
}

function rotate(platform: Platform, cookies: Cookies | undefined, deviceId: string) {
  return send(platform, cookies, { method: 'POST', url: `/api/devices/${deviceId}/credentials` })
}

function revoke(platform: Platform, cookies: Cookies | undefined, deviceId: string) {
  return send(platform, cookies, { method: 'POST', url: `/api/devices/${deviceId}/revoke` })
}

function expectError(response: LightMyRequestResponse, statusCode: number, code: string): string {
  expect(response.statusCode, response.body).toBe(statusCode)
  const body = response.json<ErrorResponse>()
  expect(body.code, body.message).toBe(code)
  return body.message
}

function deviceEntries(platform: Platform): AuditEntry[] {
  return platform.store.queryAudit({ action: 'device.' }).reverse()
}

/** A device as it connects: its id as username and client id. */
function connectDevice(url: string, deviceId: string, password: string, options: IClientOptions = {}) {
  return connectClient(url, { clientId: deviceId, username: deviceId, password, protocolVersion: 4, ...options })
}

/** Connects and answers the CONNACK return code of the refusal; fails the test if the broker accepts. */
async function refusal(url: string, deviceId: string, password: string): Promise<number> {
  const options = { clientId: deviceId, username: deviceId, password, protocolVersion: 4, reconnectPeriod: 0 } as const
  const outcome = await connectAsync(url, options).then(
    async (client) => {
      await client.endAsync(true)
      return new Error('the broker accepted the connection')
    },
    (error: unknown) => error,
  )
  const code = (outcome as { code?: unknown }).code
  if (typeof code !== 'number') throw outcome
  return code
}

/** Whether the client's connection has closed, recorded from its `close` event. */
function closeRecorder(client: MqttClient): { readonly closed: boolean } {
  const state = { closed: false }
  client.once('close', () => {
    state.closed = true
  })
  return state
}

function disconnectedWithinASecond(state: { readonly closed: boolean }): Promise<void> {
  return vi.waitFor(() => expect(state.closed).toBe(true), { timeout: DISCONNECT_WITHIN_MS, interval: 5 })
}

const NEW_DEVICE: NewDeviceInput = {
  id: 'env-1',
  kind: 'room-environment',
  name: '泵房环境',
  nameEn: 'Pump room environment',
  roomId: 'pump-room',
  reportIntervalSec: 30,
  attributes: { sensor: 'th-01' },
}

describe('POST /api/sites/:siteId/devices', () => {
  it('provisions a device with a password shown once, which connects and publishes; GET never shows the password', async () => {
    const platform = await startPlatform()
    const admin = await signInAs(platform, 'root', 'admin')

    const response = await createDevice(platform, admin, NEW_DEVICE)

    expect(response.statusCode, response.body).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    const { device, password } = response.json<DeviceCreated>()
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const expected: DeviceView = {
      id: 'env-1',
      siteId: SITE_ID,
      kind: 'room-environment',
      name: '泵房环境',
      nameEn: 'Pump room environment',
      buildingId: 'b1', // the building of its room
      roomId: 'pump-room',
      attributes: { sensor: 'th-01' },
      reportIntervalSec: 30,
      online: false,
      lastSeen: null,
      values: {},
      valuesTs: null,
    }
    expect(device).toEqual(expected)
    const read = await send(platform, admin, { url: '/api/devices/env-1' })
    expect(read.json()).toEqual(device)

    const env = await connectDevice(platform.mqttUrl, 'env-1', password)
    await env.publishAsync(`fm/v1/${SITE_ID}/room-environment/env-1/telemetry`, '{"temperature_c":21.5}', { qos: 1 })
    await vi.waitFor(async () => {
      const current = await send(platform, admin, { url: '/api/devices/env-1' })
      expect(current.json<DeviceView>().values).toEqual({ temperature_c: 21.5 })
    })

    const reads = await Promise.all(
      ['/api/devices/env-1', '/api/devices', `/api/devices?siteId=${SITE_ID}`].map((url) =>
        send(platform, admin, { url }),
      ),
    )
    for (const answer of reads) {
      expect(answer.statusCode).toBe(200)
      expect(answer.body).toContain('env-1')
      expect(answer.body).not.toContain(password)
    }
  })

  it('audits the creation with the device after it, and never the password', async () => {
    const platform = await startPlatform()
    const admin = await signInAs(platform, 'root', 'admin')
    const rootId = platform.store.getUserByUsername('root')?.id

    const { password } = (await createDevice(platform, admin, NEW_DEVICE)).json<DeviceCreated>()

    const entries = deviceEntries(platform)
    expect(entries).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: rootId, name: 'root' },
        action: 'device.create',
        outcome: 'ok',
        siteId: SITE_ID,
        target: { type: 'device', id: 'env-1' },
        ip: '192.0.2.30',
        after: platform.store.getDevice('env-1'),
      }),
    ])
    expect(entries[0]?.before).toBeUndefined()
    expect(JSON.stringify(platform.store.queryAudit())).not.toContain(password)
  })

  it.each([
    [
      'an unknown field, a password among them',
      { ...NEW_DEVICE, password: 'chosen-by-the-client' },
      400,
      'FM_ERR_VALIDATION',
    ],
    ['an unknown kind', { ...NEW_DEVICE, kind: 'lift' }, 400, 'FM_ERR_VALIDATION'],
    ['an id that is not a slug', { ...NEW_DEVICE, id: 'Env 1' }, 400, 'FM_ERR_VALIDATION'],
    ['no name', { id: 'env-1', kind: 'room-environment' }, 400, 'FM_ERR_VALIDATION'],
    ['an id taken in the site', { ...NEW_DEVICE, id: 'tank-1' }, 409, 'FM_ERR_DEVICE_EXISTS'],
    ['an unknown building', { ...NEW_DEVICE, roomId: undefined, buildingId: 'b9' }, 400, 'FM_ERR_DEVICE_INVALID'],
    ['an unknown room', { ...NEW_DEVICE, roomId: 'attic' }, 400, 'FM_ERR_DEVICE_INVALID'],
    ['a room of another building', { ...NEW_DEVICE, buildingId: 'b2' }, 400, 'FM_ERR_DEVICE_INVALID'],
    ['an id reserved for services', { ...NEW_DEVICE, id: 'svc-api' }, 400, 'FM_ERR_DEVICE_INVALID'],
  ])('refuses %s with a coded error and creates nothing', async (_case, payload, statusCode, code) => {
    const platform = await startPlatform()
    const admin = await signInAs(platform, 'root', 'admin')
    const before = platform.store.listDevices()

    expectError(await createDevice(platform, admin, payload), statusCode, code)

    expect(platform.store.listDevices()).toEqual(before)
    expect(deviceEntries(platform).filter((entry) => entry.outcome === 'ok')).toEqual([])
  })

  it('answers an unknown site with 404 FM_ERR_SITE_NOT_FOUND', async () => {
    const platform = await startPlatform()
    const admin = await signInAs(platform, 'root', 'admin')

    const message = expectError(await createDevice(platform, admin, NEW_DEVICE, 'hexie'), 404, 'FM_ERR_SITE_NOT_FOUND')

    expect(message).toBe('site "hexie" not found')
    expect(platform.store.getDevice('env-1')).toBeUndefined()
  })

  it('audits a refused creation with its code, and leaves the existing device and its credentials as they were', async () => {
    const platform = await startPlatform()
    const admin = await signInAs(platform, 'root', 'admin')
    const tank = platform.store.getDevice('tank-1')

    expectError(await createDevice(platform, admin, { ...NEW_DEVICE, id: 'tank-1' }), 409, 'FM_ERR_DEVICE_EXISTS')

    expect(deviceEntries(platform)).toEqual([
      expect.objectContaining({
        action: 'device.create',
        outcome: 'failed',
        target: { type: 'device', id: 'tank-1' },
        detail: { code: 'FM_ERR_DEVICE_EXISTS', reason: 'device "tank-1" is registered already' },
      }),
    ])
    expect(platform.store.getDevice('tank-1')).toEqual(tank)
    await connectDevice(platform.mqttUrl, 'tank-1', DEVICE_PASSWORDS['tank-1'])
  })
})

describe('POST /api/devices/:deviceId/credentials', () => {
  it('disconnects the connected device within a second; the old password is refused, the new one connects', async () => {
    const platform = await startPlatform()
    const admin = await signInAs(platform, 'root', 'admin')
    const tank = await connectDevice(platform.mqttUrl, 'tank-1', DEVICE_PASSWORDS['tank-1'])
    const tankState = closeRecorder(tank)
    const before = platform.store.getDevice('tank-1')

    const response = await rotate(platform, admin, 'tank-1')

    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const { password } = response.json<DeviceCredentials>()
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    await disconnectedWithinASecond(tankState)
    expect(await refusal(platform.mqttUrl, 'tank-1', DEVICE_PASSWORDS['tank-1'])).toBe(BAD_USERNAME_OR_PASSWORD)
    const again = await connectDevice(platform.mqttUrl, 'tank-1', password)
    expect(again.connected).toBe(true)

    expect(deviceEntries(platform)).toEqual([
      expect.objectContaining({
        action: 'device.credentials.rotate',
        outcome: 'ok',
        siteId: SITE_ID,
        target: { type: 'device', id: 'tank-1' },
        detail: { brokerNotified: true },
        before,
        after: before,
      }),
    ])
    const log = JSON.stringify(platform.store.queryAudit())
    for (const secret of [password, DEVICE_PASSWORDS['tank-1']]) expect(log).not.toContain(secret)
  })

  it('still rotates when the api is not connected to the broker, and logs a warning; the broker refuses the old password at the next CONNECT', async () => {
    const logs: string[] = []
    const platform = await startPlatform({ logs })
    const admin = await signInAs(platform, 'root', 'admin')
    await platform.live.stop()

    const response = await rotate(platform, admin, 'pump-1')

    expect(response.statusCode, response.body).toBe(200)
    const { password } = response.json<DeviceCredentials>()
    expect(await refusal(platform.mqttUrl, 'pump-1', DEVICE_PASSWORDS['pump-1'])).toBe(BAD_USERNAME_OR_PASSWORD)
    await connectDevice(platform.mqttUrl, 'pump-1', password)
    const warnings = logs.map((line) => JSON.parse(line)).filter((entry) => entry.level === 40)
    expect(warnings.map((entry) => entry.msg)).toContain('not connected to the MQTT broker: service message not sent')
    expect(warnings).toContainEqual(expect.objectContaining({ deviceId: 'pump-1', reason: 'rotated' }))
    expect(deviceEntries(platform)).toMatchObject([{ detail: { brokerNotified: false } }])
    expect(logs.join('\n')).not.toContain(password)
  })

  it('answers an unknown device with 404 FM_ERR_DEVICE_NOT_FOUND, for rotation and revocation alike', async () => {
    const platform = await startPlatform()
    const admin = await signInAs(platform, 'root', 'admin')

    expectError(await rotate(platform, admin, 'tank-9'), 404, 'FM_ERR_DEVICE_NOT_FOUND')
    expectError(await revoke(platform, admin, 'tank-9'), 404, 'FM_ERR_DEVICE_NOT_FOUND')
    expectError(await rotate(platform, admin, 'Tank 9'), 400, 'FM_ERR_VALIDATION')
    expect(deviceEntries(platform)).toEqual([])
  })
})

describe('POST /api/devices/:deviceId/revoke', () => {
  it('disconnects the connected device within a second, which cannot reconnect; again answers 204; new credentials re-admit it', async () => {
    const platform = await startPlatform()
    const admin = await signInAs(platform, 'root', 'admin')
    const gate = await connectDevice(platform.mqttUrl, 'gate-east', DEVICE_PASSWORDS['gate-east'])
    const gateState = closeRecorder(gate)
    const before = platform.store.getDevice('gate-east')

    const response = await revoke(platform, admin, 'gate-east')

    expect(response.statusCode, response.body).toBe(204)
    expect(response.body).toBe('')
    await disconnectedWithinASecond(gateState)
    expect(await refusal(platform.mqttUrl, 'gate-east', DEVICE_PASSWORDS['gate-east'])).toBe(BAD_USERNAME_OR_PASSWORD)
    const revoked = platform.store.getDevice('gate-east')
    expect(revoked?.revokedAt).toEqual(expect.any(Number))

    expect((await revoke(platform, admin, 'gate-east')).statusCode).toBe(204)
    expect(platform.store.getDevice('gate-east')).toEqual(revoked)

    const { password } = (await rotate(platform, admin, 'gate-east')).json<DeviceCredentials>()
    await connectDevice(platform.mqttUrl, 'gate-east', password)

    expect(deviceEntries(platform)).toEqual([
      expect.objectContaining({
        action: 'device.revoke',
        siteId: SITE_ID,
        target: { type: 'device', id: 'gate-east' },
        detail: { brokerNotified: true },
        before,
        after: revoked,
      }),
      expect.objectContaining({
        action: 'device.revoke',
        detail: { brokerNotified: true, alreadyRevoked: true },
        before: revoked,
        after: revoked,
      }),
      expect.objectContaining({ action: 'device.credentials.rotate', before: revoked, after: before }),
    ])
    expect(JSON.stringify(platform.store.queryAudit())).not.toContain(password)
  })
})

describe("a device's own reach", () => {
  it('cannot publish a credentials notice (its connection is closed) nor subscribe to # (SUBACK 0x80)', async () => {
    const platform = await startPlatform()
    const tank = await connectDevice(platform.mqttUrl, 'tank-1', DEVICE_PASSWORDS['tank-1'])
    const pump = await connectDevice(platform.mqttUrl, 'pump-1', DEVICE_PASSWORDS['pump-1'])
    const pumpState = closeRecorder(pump)
    const tankState = closeRecorder(tank)

    const refused = await tank.subscribeAsync('#', { qos: 0 }).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(ErrorWithSubackPacket)
    expect((refused as ErrorWithSubackPacket).packet.granted).toEqual([SUBACK_FAILURE])
    expect(tank.connected).toBe(true)

    const notice: CredentialsNotice = { deviceId: 'pump-1', reason: 'revoked', ts: Date.now() }
    tank.publish(credentialsNoticeTopic('pump-1'), JSON.stringify(notice), { qos: 1 })

    await vi.waitFor(() => expect(tankState.closed).toBe(true))
    expect(pumpState.closed).toBe(false)
    expect(pump.connected).toBe(true)
  })
})

describe('who may manage devices', () => {
  it('only an admin: every other role answers 403 FM_ERR_FORBIDDEN on each route, an anonymous request 401', async () => {
    const platform = await startPlatform()
    const routes = [
      { name: 'create', send: (cookies?: Cookies) => createDevice(platform, cookies, NEW_DEVICE), ok: 201 },
      { name: 'rotate', send: (cookies?: Cookies) => rotate(platform, cookies, 'tank-1'), ok: 200 },
      { name: 'revoke', send: (cookies?: Cookies) => revoke(platform, cookies, 'pump-1'), ok: 204 },
    ]
    const others = USER_ROLES.filter((role) => role !== 'admin')

    for (const route of routes) expectError(await route.send(), 401, 'FM_ERR_AUTH_REQUIRED')
    for (const role of others) {
      const cookies = await signInAs(platform, `a-${role}`, role)
      for (const route of routes) {
        const message = expectError(await route.send(cookies), 403, 'FM_ERR_FORBIDDEN')
        expect(message, `${role} × ${route.name}`).toBe('permission "devices.manage" required')
      }
    }
    expect(platform.store.getDevice('env-1')).toBeUndefined()
    expect(platform.store.getDevice('pump-1')?.revokedAt).toBeUndefined()
    expect(deviceEntries(platform)).toEqual([])

    const admin = await signInAs(platform, 'root', 'admin')
    for (const route of routes) expect((await route.send(admin)).statusCode, route.name).toBe(route.ok)
    expect(deviceEntries(platform).map((entry) => entry.action)).toEqual([
      'device.create',
      'device.credentials.rotate',
      'device.revoke',
    ])
  })

  it("an admin only within their scope: another site's devices answer 403 FM_ERR_SCOPE_FORBIDDEN", async () => {
    const platform = await startPlatform()
    const elsewhere = await signInAs(platform, 'hexie-admin', 'admin', {
      allSites: false,
      siteIds: ['hexie'],
      buildingIds: [],
    })

    expectError(await createDevice(platform, elsewhere, NEW_DEVICE), 403, 'FM_ERR_SCOPE_FORBIDDEN')
    expectError(await rotate(platform, elsewhere, 'tank-1'), 403, 'FM_ERR_SCOPE_FORBIDDEN')
    expectError(await revoke(platform, elsewhere, 'gate-east'), 403, 'FM_ERR_SCOPE_FORBIDDEN')
    expect(deviceEntries(platform)).toEqual([])
  })

  it('an admin scoped to a building manages devices in it, not those at site level', async () => {
    const platform = await startPlatform()
    const b1 = await signInAs(platform, 'b1-admin', 'admin', {
      allSites: false,
      siteIds: [SITE_ID],
      buildingIds: ['b1'],
    })

    // in the pump room, which is in b1
    expect((await createDevice(platform, b1, NEW_DEVICE)).statusCode).toBe(201)
    expect((await rotate(platform, b1, 'tank-1')).statusCode).toBe(200)
    // the gatehouse is at site level
    const gatehouse = { ...NEW_DEVICE, id: 'gate-west', kind: 'gate', roomId: 'gatehouse' }
    expectError(await createDevice(platform, b1, gatehouse), 403, 'FM_ERR_SCOPE_FORBIDDEN')
    expectError(await revoke(platform, b1, 'gate-east'), 403, 'FM_ERR_SCOPE_FORBIDDEN')
  })
})
