/**
 * The api's own TLS (FM_API_TLS_*), its MQTT link to a broker with a private CA (FM_MQTT_CA_FILE), and what it
 * believes of a proxy in front (FM_API_TRUST_PROXY). Real certificates (tls-fixtures.ts), real sockets on loopback.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { LiveSnapshot } from '@fm/protocol'
import { Aedes } from 'aedes'
import { io as connectSocket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createLive } from '../src/live.ts'
import { type Api, closeAll, cookieHeader, defer, openStores, startApi, testLogger } from './fixtures.ts'
import { addUser, PASSWORD, startGuardedApi } from './sign-in.ts'
import { makeCertificates, type TestCertificates } from './tls-fixtures.ts'

afterEach(closeAll)

interface Answer {
  statusCode: number
  headers: IncomingHttpHeaders
  body: string
}

/** One request over HTTPS that trusts only `ca`, as a browser given the compound's CA would. */
function fetchOverTls(url: string, ca: Buffer, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body)
    const headers = body === undefined ? {} : { 'content-type': 'application/json' }
    const req = httpsRequest(url, { method: init.method ?? 'GET', headers, ca }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({
          statusCode: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The api serving HTTPS with a certificate of the test CA, listening on a free loopback port. */
async function startHttpsApi(): Promise<{ api: Api; url: string; certificates: TestCertificates }> {
  const certificates = await makeCertificates()
  const api = await startApi({
    env: { FM_API_TLS_CERT_FILE: certificates.certFile, FM_API_TLS_KEY_FILE: certificates.keyFile },
  })
  await api.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = api.app.server.address() as AddressInfo
  return { api, url: `https://127.0.0.1:${port}`, certificates }
}

function sessionCookie(answer: Answer): string {
  const cookie = answer.headers['set-cookie']?.find((line) => line.startsWith('fm_session='))
  if (!cookie) throw new Error(`no session cookie: ${answer.statusCode} ${answer.body}`)
  return cookie
}

describe('HTTPS (FM_API_TLS_CERT_FILE, FM_API_TLS_KEY_FILE)', () => {
  it('answers over TLS to a client that trusts the CA', async () => {
    const { url, certificates } = await startHttpsApi()
    const answer = await fetchOverTls(`${url}/api/health`, certificates.ca)
    expect([200, 503]).toContain(answer.statusCode)
    expect(JSON.parse(answer.body)).toMatchObject({ status: expect.any(String), version: expect.any(String) })
  })

  it('refuses a client that does not trust the CA, and speaks no plain HTTP', async () => {
    const { url } = await startHttpsApi()
    await expect(fetchOverTls(`${url}/api/health`, Buffer.from(''))).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    })
    await expect(fetch(`${url.replace('https:', 'http:')}/api/health`)).rejects.toThrow()
  })

  it('sets the session cookie Secure on a login over TLS, and audits the client address', async () => {
    const { api, url, certificates } = await startHttpsApi()
    await addUser(api, 'li.na', 'technician')
    const answer = await fetchOverTls(`${url}/api/auth/login`, certificates.ca, {
      method: 'POST',
      body: { username: 'li.na', password: PASSWORD },
    })
    expect(answer.statusCode, answer.body).toBe(200)
    expect(sessionCookie(answer)).toMatch(/;\s*Secure(;|$)/)
    expect(api.store.queryAudit({ action: 'auth.login' })).toEqual([
      expect.objectContaining({ outcome: 'ok', ip: '127.0.0.1' }),
    ])
  })

  it('serves the live socket over wss on the same port', async () => {
    const { api, url, certificates } = await startHttpsApi()
    const socket = connectSocket(url, {
      transports: ['websocket'],
      ca: certificates.ca.toString(),
      extraHeaders: { cookie: cookieHeader(await api.operatorCookies()) },
    })
    defer(() => socket.disconnect())
    const snapshot = await new Promise<LiveSnapshot>((resolve) => socket.once('snapshot', resolve))
    expect(snapshot.devices.map(({ id }) => id).sort()).toEqual(['gate-east', 'pump-1', 'tank-1'])
  })
})

describe('behind a proxy (FM_API_TRUST_PROXY)', () => {
  const PROXY = '192.0.2.10'
  const CLIENT = '203.0.113.7'
  const FORWARDED = { 'x-forwarded-for': CLIENT, 'x-forwarded-proto': 'https' }

  async function loginThroughProxy(env: Record<string, string>, from = PROXY) {
    const api = await startGuardedApi({ env })
    await addUser(api, 'li.na', 'technician')
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'li.na', password: PASSWORD },
      headers: FORWARDED,
      remoteAddress: from,
    })
    expect(response.statusCode, response.body).toBe(200)
    const cookie = response.cookies.find(({ name }) => name === 'fm_session')
    const [entry] = api.store.queryAudit({ action: 'auth.login' })
    return { secure: cookie?.secure === true, ip: entry?.ip }
  }

  it('believes no X-Forwarded-* header by default: the socket address, no Secure cookie', async () => {
    expect(await loginThroughProxy({})).toEqual({ secure: false, ip: PROXY })
  })

  it('takes the client address and protocol from the proxy with true', async () => {
    expect(await loginThroughProxy({ FM_API_TRUST_PROXY: 'true' })).toEqual({ secure: true, ip: CLIENT })
  })

  it('believes only the listed proxies', async () => {
    const env = { FM_API_TRUST_PROXY: `10.0.0.0/8, ${PROXY}` }
    expect(await loginThroughProxy(env)).toEqual({ secure: true, ip: CLIENT })
    expect(await loginThroughProxy(env, '192.0.2.99')).toEqual({ secure: false, ip: '192.0.2.99' })
  })

  it('limits login attempts per client behind the proxy, not for the proxy as a whole', async () => {
    const api = await startApi({ env: { FM_API_TRUST_PROXY: PROXY, FM_API_LOGIN_ATTEMPTS_PER_MIN: '1' } })
    const attempt = (client: string) =>
      api.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'nobody', password: 'wrong-password' },
        headers: { 'x-forwarded-for': client },
        remoteAddress: PROXY,
      })
    expect((await attempt('203.0.113.7')).statusCode).toBe(401)
    expect((await attempt('203.0.113.8')).statusCode).toBe(401)
    expect((await attempt('203.0.113.7')).statusCode).toBe(429)
  })
})

describe('MQTT over TLS to the broker (FM_MQTT_CA_FILE)', () => {
  async function startTlsBroker(certificates: TestCertificates): Promise<string> {
    const aedes = await Aedes.createBroker()
    const server = createTlsServer({ cert: certificates.cert, key: certificates.key }, aedes.handle)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    defer(async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })
    return `mqtts://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  async function startLive(mqttUrl: string, ca: Buffer | undefined) {
    const { store } = await openStores()
    const live = createLive({ mqttUrl, ca, username: 'svc-api', password: 'not-checked', store, logger: testLogger })
    defer(() => live.stop())
    await live.start()
    return live
  }

  it('subscribes over mqtts with the CA, and cannot without it', async () => {
    const certificates = await makeCertificates()
    const mqttUrl = await startTlsBroker(certificates)
    expect((await startLive(mqttUrl, certificates.ca)).mqttHealth()).toEqual({ status: 'ok' })
    expect((await startLive(mqttUrl, undefined)).mqttHealth().status).toBe('down')
  })
})
