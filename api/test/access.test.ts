/**
 * Who may read what, through the real HTTP API and real socket.io clients: every role against every class of read
 * route, anonymous requests, a user who must change their password, and a user of one compound against another's
 * sites, devices, history, events and live data. The administration routes have theirs in users.test.ts,
 * device-admin.test.ts and audit.test.ts.
 */
import {
  type DeviceView,
  type ErrorResponse,
  type Health,
  type Permission,
  roleCan,
  type Site,
  type SiteManifest,
  USER_ROLES,
  type UserScope,
} from '@fm/protocol'
import { io as connectSocket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type Api,
  closeAll,
  connectClient,
  connectRecorder,
  cookieHeader,
  defer,
  deviceTopic,
  listen,
  type Recorder,
  SITE_ID,
  scrape,
} from './fixtures.ts'
import { addUser, type Cookies, expectError, send, signIn, startGuardedApi } from './sign-in.ts'

afterEach(closeAll)

const OTHER_SITE = 'hexie'

/** 和谐家园: a second compound with one gate, for the tests of scope. */
function otherCompound(): SiteManifest {
  return {
    site: { id: OTHER_SITE, name: '和谐家园', timezone: 'Asia/Shanghai' },
    buildings: [{ id: 'b1', name: '1栋' }],
    rooms: [{ id: 'gatehouse', name: '北门岗亭', type: 'gatehouse' }],
    devices: [{ id: 'hexie-gate', kind: 'gate', name: '北门道闸', room: 'gatehouse', password: 'hexie-gate-password' }],
  }
}

/** One request of each class of read route, with the permission it needs. */
const READ_ROUTES: { url: string; permission: Permission }[] = [
  { url: '/api/sites', permission: 'devices.read' },
  { url: `/api/sites/${SITE_ID}`, permission: 'devices.read' },
  { url: '/api/devices', permission: 'devices.read' },
  { url: '/api/devices/tank-1', permission: 'devices.read' },
  { url: '/api/devices/tank-1/history', permission: 'history.read' },
  { url: '/api/devices/gate-east/events', permission: 'events.read' },
  { url: '/metrics', permission: 'system.read' },
]

const onlySite = (siteIds: string[]): UserScope => ({ allSites: false, siteIds, buildingIds: [] })

async function userOf(api: Api, username: string, role: (typeof USER_ROLES)[number], scope = onlySite([SITE_ID])) {
  await addUser(api, username, role, scope)
  return signIn(api, username)
}

describe('every role against every class of read route', () => {
  it('answers what the role may do and 403 FM_ERR_FORBIDDEN, naming the permission, for the rest', async () => {
    const api = await startGuardedApi()

    for (const role of USER_ROLES) {
      const cookies = await userOf(api, `a-${role}`, role)
      for (const { url, permission } of READ_ROUTES) {
        const response = await send(api, cookies, { url })
        const label = `${role} GET ${url}`
        if (roleCan(role, permission)) expect(response.statusCode, `${label} ${response.body}`).toBe(200)
        else expect(expectError(response, 403, 'FM_ERR_FORBIDDEN', label)).toBe(`permission "${permission}" required`)
      }
    }
  })

  it('answers every one 401 FM_ERR_AUTH_REQUIRED without a session, or with one that ended', async () => {
    const api = await startGuardedApi()
    const cookies = await userOf(api, 'wang.fang', 'supervisor')
    await send(api, cookies, { method: 'POST', url: '/api/auth/logout' })

    for (const { url } of READ_ROUTES) {
      expectError(await send(api, undefined, { url }), 401, 'FM_ERR_AUTH_REQUIRED', `anonymous ${url}`)
      expectError(await send(api, cookies, { url }), 401, 'FM_ERR_AUTH_REQUIRED', `signed out ${url}`)
      expectError(await send(api, { fm_session: 'x'.repeat(43) }, { url }), 401, 'FM_ERR_AUTH_REQUIRED', url)
    }
  })

  it('answers 403 FM_ERR_PASSWORD_CHANGE_REQUIRED until a user with a password set by an admin chose their own', async () => {
    const api = await startGuardedApi()
    const cookies = await userOf(api, 'li.qiang', 'supervisor')
    const user = api.store.getUserByUsername('li.qiang')
    if (!user) throw new Error('no user')
    await api.store.setUserPassword(user.id, 'set-by-the-admin-7', { mustChange: true })
    const fresh = await signIn(api, 'li.qiang', 'set-by-the-admin-7')

    for (const { url } of READ_ROUTES) {
      expectError(await send(api, fresh, { url }), 403, 'FM_ERR_PASSWORD_CHANGE_REQUIRED', url)
    }
    // the old session ended with the new password
    expectError(await send(api, cookies, { url: '/api/sites' }), 401, 'FM_ERR_AUTH_REQUIRED')
    expect((await send(api, fresh, { url: '/api/auth/me' })).statusCode).toBe(200)
  })
})

describe('GET /api/health', () => {
  it('tells the parts and figures to system.read only; anyone else, anonymous too, gets the status and version', async () => {
    const api = await startGuardedApi()
    const detailed = ['admin', 'supervisor'] as const
    const summary = ['technician', 'guard', 'viewer'] as const

    for (const role of detailed) {
      const response = await send(api, await userOf(api, `h-${role}`, role), { url: '/api/health' })
      const health = response.json<Health>()
      expect(Object.keys(health.parts), role).toContain('store')
      expect(health.devices.total, role).toBe(3)
    }
    for (const role of summary) {
      const response = await send(api, await userOf(api, `h-${role}`, role), { url: '/api/health' })
      expect(Object.keys(response.json()).sort(), role).toEqual(['status', 'version'])
    }
    const anonymous = await send(api, undefined, { url: '/api/health' })
    expect([200, 503]).toContain(anonymous.statusCode)
    expect(Object.keys(anonymous.json()).sort()).toEqual(['status', 'version'])
  })
})

describe('GET /metrics', () => {
  const TOKEN = 'prometheus-scrape-token-0123456789abcdef'

  it('takes the bearer token of FM_API_METRICS_TOKEN, and refuses another one', async () => {
    const api = await startGuardedApi({ env: { FM_API_METRICS_TOKEN: TOKEN } })

    const scraped = await send(api, undefined, { url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
    const wrong = await send(api, undefined, { url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } })
    const basic = await send(api, undefined, { url: '/metrics', headers: { authorization: `Basic ${TOKEN}` } })

    expect(scraped.statusCode).toBe(200)
    expect(scraped.body).toContain('fm_api_live_clients')
    expectError(wrong, 401, 'FM_ERR_AUTH_REQUIRED')
    expectError(basic, 401, 'FM_ERR_AUTH_REQUIRED')
  })
})

describe('a user of one compound', () => {
  async function twoCompounds() {
    const api = await startGuardedApi({ moreSites: [otherCompound()] })
    const xingfuli = await userOf(api, 'guard.xingfuli', 'guard')
    return { api, xingfuli }
  }

  it('lists only their sites and devices, and gets 403 FM_ERR_SCOPE_FORBIDDEN for the other compound by id', async () => {
    const { api, xingfuli } = await twoCompounds()
    const everything = await userOf(api, 'root', 'admin', { allSites: true, siteIds: [], buildingIds: [] })

    const sites = (await send(api, xingfuli, { url: '/api/sites' })).json<Site[]>()
    const devices = (await send(api, xingfuli, { url: '/api/devices' })).json<DeviceView[]>()
    const allDevices = (await send(api, everything, { url: '/api/devices' })).json<DeviceView[]>()

    expect(sites.map((site) => site.id)).toEqual([SITE_ID])
    expect(devices.map((device) => device.id).sort()).toEqual(['gate-east', 'pump-1', 'tank-1'])
    expect(allDevices.map((device) => device.id)).toContain('hexie-gate')
    for (const url of [
      `/api/sites/${OTHER_SITE}`,
      `/api/devices?siteId=${OTHER_SITE}`,
      '/api/devices/hexie-gate',
      '/api/devices/hexie-gate/history',
      '/api/devices/hexie-gate/events',
    ]) {
      const response = await send(api, xingfuli, { url })
      expect(response.json<ErrorResponse>().code, url).toBe('FM_ERR_SCOPE_FORBIDDEN')
      expect(response.statusCode, url).toBe(403)
    }
    // not a hint whether a device exists elsewhere: an unknown one is 404 for everyone
    expectError(await send(api, xingfuli, { url: '/api/devices/nowhere-1' }), 404, 'FM_ERR_DEVICE_NOT_FOUND')
  })

  it('scoped to a building, sees that building, its rooms and its devices, not what is at site level', async () => {
    const { api } = await twoCompounds()
    const b1 = await userOf(api, 'tech.b1', 'technician', { allSites: false, siteIds: [SITE_ID], buildingIds: ['b1'] })

    const [site] = (await send(api, b1, { url: '/api/sites' })).json<Site[]>()
    const devices = (await send(api, b1, { url: '/api/devices' })).json<DeviceView[]>()

    expect(site?.buildings.map((building) => building.id)).toEqual(['b1'])
    expect(site?.rooms.map((room) => room.id)).toEqual(['pump-room'])
    expect(devices.map((device) => device.id).sort()).toEqual(['pump-1', 'tank-1'])
    expectError(await send(api, b1, { url: '/api/devices/gate-east' }), 403, 'FM_ERR_SCOPE_FORBIDDEN')
    expectError(await send(api, b1, { url: '/api/devices/gate-east/events' }), 403, 'FM_ERR_SCOPE_FORBIDDEN')
  })

  it("receives over socket.io neither the other compound's devices, nor its deltas, nor its events", async () => {
    const { api, xingfuli } = await twoCompounds()
    const guard = await connectRecorder(api, undefined, xingfuli)
    const admin = await connectRecorder(api)
    const [snapshot, adminSnapshot] = await Promise.all([guard.next('snapshot'), admin.next('snapshot')])
    const theirs = await connectClient(api.brokerUrl)
    const ours = await connectClient(api.brokerUrl)

    // theirs first, acknowledged: the api receives it before ours, so it is in the same flush or an earlier one
    const plate = {
      type: 'plate',
      ts: Date.now(),
      plate: '鄂A12345',
      plate_color: 'blue',
      confidence_pct: 99,
      direction: 'in',
    }
    await theirs.publishAsync(`fm/v1/${OTHER_SITE}/gate/hexie-gate/event`, JSON.stringify(plate), { qos: 1 })
    await theirs.publishAsync(`fm/v1/${OTHER_SITE}/gate/hexie-gate/telemetry`, JSON.stringify({ barrier: 'up' }), {
      qos: 1,
    })
    await ours.publishAsync(deviceTopic('gate', 'gate-east', 'event'), JSON.stringify(plate), { qos: 1 })
    await ours.publishAsync(deviceTopic('gate', 'gate-east', 'telemetry'), JSON.stringify({ barrier: 'up' }), {
      qos: 1,
    })
    await guard.next('deltas', (deltas) => deltas.some((delta) => delta.id === 'gate-east'))
    await guard.next('events', (events) => events.some((event) => event.deviceId === 'gate-east'))
    await admin.next('deltas', (deltas) => deltas.some((delta) => delta.id === 'gate-east'))
    await admin.next('events', (events) => events.some((event) => event.deviceId === 'gate-east'))

    expect(snapshot.devices.map((device) => device.id).sort()).toEqual(['gate-east', 'pump-1', 'tank-1'])
    expect(adminSnapshot.devices.map((device) => device.id)).toContain('hexie-gate')
    expect(JSON.stringify(guard.received)).not.toContain('hexie')
    // the admin got both compounds' messages, so the guard's were left out, not never sent
    expect(JSON.stringify(admin.received)).toContain('hexie-gate')
  })
})

/** Resolves with the `connect_error` of a socket.io client, or fails the test when it connects. */
async function refusedHandshake(url: string, cookies?: Cookies): Promise<{ message: string; data: unknown }> {
  const socket = connectSocket(url, {
    transports: ['websocket'],
    reconnection: false,
    ...(cookies ? { extraHeaders: { cookie: cookieHeader(cookies) } } : {}),
  })
  defer(() => socket.disconnect())
  return new Promise((resolve, reject) => {
    socket.on('connect', () => reject(new Error('the handshake was accepted')))
    socket.on('connect_error', (error) => resolve(error as Error & { data: unknown }))
  })
}

/** Resolves with the reason of the socket's next disconnection. */
function disconnection(recorder: Recorder): Promise<string> {
  return new Promise((resolve) => recorder.socket.once('disconnect', (reason) => resolve(reason)))
}

describe('the live socket', () => {
  it('refuses a handshake without a session, or with one that must change its password, with the code', async () => {
    const api = await startGuardedApi()
    const url = await listen(api)
    await userOf(api, 'zhou.min', 'guard')
    const user = api.store.getUserByUsername('zhou.min')
    if (!user) throw new Error('no user')
    await api.store.setUserPassword(user.id, 'set-by-the-admin-7', { mustChange: true })
    const mustChange = await signIn(api, 'zhou.min', 'set-by-the-admin-7')

    const anonymous = await refusedHandshake(url)
    const forged = await refusedHandshake(url, { fm_session: 'forged-token' })
    const pending = await refusedHandshake(url, mustChange)

    expect(anonymous).toMatchObject({ message: 'FM_ERR_AUTH_REQUIRED', data: { code: 'FM_ERR_AUTH_REQUIRED' } })
    expect(forged.message).toBe('FM_ERR_AUTH_REQUIRED')
    expect(pending.message).toBe('FM_ERR_PASSWORD_CHANGE_REQUIRED')
  })

  it('is closed at once when its user signs out, or is disabled, or gets another scope', async () => {
    const api = await startGuardedApi({ moreSites: [otherCompound()] })
    const admin = await userOf(api, 'root', 'admin', { allSites: true, siteIds: [], buildingIds: [] })
    const cookies = {
      out: await userOf(api, 'guard.out', 'guard'),
      disabled: await userOf(api, 'guard.disabled', 'guard'),
      moved: await userOf(api, 'guard.moved', 'guard'),
      stays: await userOf(api, 'guard.stays', 'guard'),
    }
    const sockets = {
      out: await connectRecorder(api, undefined, cookies.out),
      disabled: await connectRecorder(api, undefined, cookies.disabled),
      moved: await connectRecorder(api, undefined, cookies.moved),
      stays: await connectRecorder(api, undefined, cookies.stays),
    }
    await Promise.all(Object.values(sockets).map((socket) => socket.next('snapshot')))
    const id = (username: string) => api.store.getUserByUsername(username)?.id ?? ''

    const out = disconnection(sockets.out)
    await send(api, cookies.out, { method: 'POST', url: '/api/auth/logout' })
    expect(await out).toBe('io server disconnect')

    const disabled = disconnection(sockets.disabled)
    const patch = (username: string, payload: object) =>
      send(api, admin, { method: 'PATCH', url: `/api/users/${id(username)}`, payload })
    expect((await patch('guard.disabled', { disabled: true })).statusCode).toBe(200)
    expect(await disabled).toBe('io server disconnect')

    const moved = disconnection(sockets.moved)
    expect((await patch('guard.moved', { scope: onlySite([OTHER_SITE]) })).statusCode).toBe(200)
    expect(await moved).toBe('io server disconnect')

    // the one whose session holds is still connected, and a new socket of the moved guard sees the new compound
    expect(sockets.stays.socket.connected).toBe(true)
    const again = await connectRecorder(api, undefined, cookies.moved)
    const snapshot = await again.next('snapshot')
    expect(snapshot.devices.map((device) => device.id)).toEqual(['hexie-gate'])
  })

  it('refuses every event a client sends, with a coded answer, and closes a socket that sends more than 64 KiB', async () => {
    const api = await startGuardedApi({ moreSites: [otherCompound()] })
    const cookies = await userOf(api, 'curious.guard', 'guard')
    const curious = await connectRecorder(api, undefined, cookies)
    const bystander = await connectRecorder(api, undefined, cookies)
    await Promise.all([curious.next('snapshot'), bystander.next('snapshot')])
    // events the dashboard never sends: what a hand-written client could
    const answer = await curious.socket.emitWithAck('subscribe', { siteId: OTHER_SITE })
    const closed = disconnection(curious)
    curious.socket.emitWithAck('subscribe', 'x'.repeat(65 * 1024)).catch(() => undefined)

    expect(answer).toMatchObject({ statusCode: 400, code: 'FM_ERR_VALIDATION' })
    expect(await closed).toBe('transport close')
    const samples = await scrape(api)
    expect(samples.get('fm_api_live_refused_client_events_total')).toBe(1)
    // the other socket of the same user goes on, and still gets only its compound
    const gate = await connectClient(api.brokerUrl)
    await gate.publishAsync(deviceTopic('gate', 'gate-east', 'telemetry'), JSON.stringify({ barrier: 'up' }), {
      qos: 1,
    })
    await bystander.next('deltas', (deltas) => deltas.some((delta) => delta.id === 'gate-east'))
    expect(JSON.stringify(curious.received.concat(bystander.received))).not.toContain('hexie')
  })

  it('is closed when its session expires, found by the periodic check', async () => {
    const api = await startGuardedApi({ liveSessionCheckMs: 20 })
    const cookies = await userOf(api, 'night.guard', 'guard')
    const socket = await connectRecorder(api, undefined, cookies)
    await socket.next('snapshot')

    const closed = disconnection(socket)
    api.clock.advance(13 * 60 * 60 * 1000)

    expect(await closed).toBe('io server disconnect')
  })
})
