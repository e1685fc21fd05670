import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, type Env, loadConfig } from '../src/config.ts'
import { closeAll } from './fixtures.ts'
import { makeCertificates } from './tls-fixtures.ts'

describe('loadConfig', () => {
  it('fills loopback-friendly defaults around the one required secret', () => {
    const config = loadConfig({ FM_API_MQTT_PASSWORD: 's3cret' })

    expect(config).toMatchObject({
      mqttUrl: 'mqtt://127.0.0.1:1883',
      mqttUsername: 'svc-api',
      mqttPassword: 's3cret',
      host: '0.0.0.0',
      port: 8080,
      secureCookies: false,
      loginAttemptsPerMin: 10,
      adminPassword: undefined,
      seedUsersFile: undefined,
      mqttCa: undefined,
      tls: undefined,
      trustProxy: false,
    })
    expect(config.dataDir).toMatch(/\/data$/)
    expect(config.dashboardDir).toMatch(/\/dashboard\/dist$/)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('takes every setting from the environment', () => {
    const config = loadConfig({
      FM_DATA_DIR: '/var/lib/fm',
      FM_MQTT_URL: 'mqtts://broker.example.com:8883',
      FM_API_MQTT_USERNAME: 'svc-api-2',
      FM_API_MQTT_PASSWORD: ' spaced secret ',
      FM_API_HOST: '127.0.0.1',
      FM_API_PORT: '3000',
      FM_API_DASHBOARD_DIR: '/srv/dashboard',
      FM_API_SECURE_COOKIES: 'true',
      FM_API_LOGIN_ATTEMPTS_PER_MIN: '30',
      FM_ADMIN_PASSWORD: ' first admin pw ',
      FM_API_SEED_USERS: '/srv/fm/demo.users.json',
      FM_API_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8, fd00::/8, loopback',
    })

    expect(config).toEqual({
      dataDir: '/var/lib/fm',
      mqttUrl: 'mqtts://broker.example.com:8883',
      mqttUsername: 'svc-api-2',
      mqttPassword: ' spaced secret ',
      host: '127.0.0.1',
      port: 3000,
      dashboardDir: '/srv/dashboard',
      secureCookies: true,
      loginAttemptsPerMin: 30,
      adminPassword: ' first admin pw ',
      seedUsersFile: '/srv/fm/demo.users.json',
      trustProxy: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'loopback'],
    })
  })

  it('resolves a relative FM_API_SEED_USERS against the working folder', () => {
    const config = loadConfig({ FM_API_MQTT_PASSWORD: 's3cret', FM_API_SEED_USERS: 'demo.users.json' })

    expect(config.seedUsersFile).toBe(join(process.cwd(), 'demo.users.json'))
  })

  it('reports every problem at once', () => {
    let error: unknown
    try {
      loadConfig({ FM_MQTT_URL: 'http://user:pw@broker', FM_API_PORT: '80a' })
    } catch (caught) {
      error = caught
    }

    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems).toHaveLength(4)
    expect(problems.join('\n')).toMatch(/FM_MQTT_URL: protocol/)
    expect(problems.join('\n')).toMatch(/FM_MQTT_URL: must not contain credentials/)
    expect(problems.join('\n')).toMatch(/FM_API_MQTT_PASSWORD: required/)
    expect(problems.join('\n')).toMatch(/FM_API_PORT: must be a port number/)
    expect((error as ConfigError).code).toBe('FM_ERR_CONFIG_INVALID')
  })

  it('refuses a short admin password without repeating it, a non-boolean flag and a zero rate', () => {
    let error: unknown
    try {
      loadConfig({
        FM_API_MQTT_PASSWORD: 's3cret',
        FM_ADMIN_PASSWORD: 'hunter2!',
        FM_API_SECURE_COOKIES: 'yes',
        FM_API_LOGIN_ATTEMPTS_PER_MIN: '0',
      })
    } catch (caught) {
      error = caught
    }

    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems).toEqual([
      'FM_API_SECURE_COOKIES: must be true or false, got "yes"',
      'FM_API_LOGIN_ATTEMPTS_PER_MIN: must be a whole number 1–10000, got "0"',
      'FM_ADMIN_PASSWORD: must be at least 10 characters',
    ])
    expect((error as ConfigError).message).not.toContain('hunter2')
  })
})

/** The problems `loadConfig` reports for `env`, with the one required secret set; none when it loads. */
function problemsOf(env: Env): readonly string[] {
  try {
    loadConfig({ FM_API_MQTT_PASSWORD: 's3cret', ...env })
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('loadConfig, TLS and proxies', () => {
  afterEach(closeAll)

  it("reads the HTTPS certificate and key, and the broker's CA", async () => {
    const certificates = await makeCertificates()
    const config = loadConfig({
      FM_API_MQTT_PASSWORD: 's3cret',
      FM_API_TLS_CERT_FILE: certificates.certFile,
      FM_API_TLS_KEY_FILE: certificates.keyFile,
      FM_MQTT_URL: 'mqtts://broker.cuihu.example:8883',
      FM_MQTT_CA_FILE: certificates.caFile,
    })
    expect(config.tls).toEqual({ cert: certificates.cert, key: certificates.key })
    expect(config.mqttCa).toEqual(certificates.ca)
  })

  it.each([
    ['a certificate without its key', { FM_API_TLS_CERT_FILE: '/etc/fm/api.crt' }],
    ['a key without its certificate', { FM_API_TLS_KEY_FILE: '/etc/fm/api.key' }],
  ])('refuses %s', (_case, env) => {
    expect(problemsOf(env)).toEqual(['FM_API_TLS_CERT_FILE and FM_API_TLS_KEY_FILE: set both for HTTPS, or neither'])
  })

  it('names every file it cannot read, at once', async () => {
    const certificates = await makeCertificates()
    expect(
      problemsOf({
        FM_API_TLS_CERT_FILE: certificates.certFile,
        FM_API_TLS_KEY_FILE: '/nonexistent/api.key',
        FM_MQTT_URL: 'mqtts://127.0.0.1:8883',
        FM_MQTT_CA_FILE: '/nonexistent/ca.crt',
      }),
    ).toEqual([
      'FM_MQTT_CA_FILE: cannot read "/nonexistent/ca.crt" (ENOENT)',
      'FM_API_TLS_KEY_FILE: cannot read "/nonexistent/api.key" (ENOENT)',
    ])
  })

  it("refuses a key that is not the certificate's, a CA that is not PEM, and a CA for a broker in the clear", async () => {
    const certificates = await makeCertificates()
    expect(
      problemsOf({
        FM_API_TLS_CERT_FILE: certificates.certFile,
        FM_API_TLS_KEY_FILE: certificates.caKeyFile,
        FM_MQTT_CA_FILE: certificates.caKeyFile,
      }),
    ).toEqual([
      expect.stringMatching(/^FM_MQTT_CA_FILE: not a PEM certificate \(/),
      'FM_MQTT_CA_FILE: set, so FM_MQTT_URL must be mqtts:// or wss://',
      expect.stringMatching(/^FM_API_TLS_CERT_FILE and FM_API_TLS_KEY_FILE: .*key values mismatch/),
    ])
  })

  it.each([
    ['false', false],
    ['TRUE', true],
    ['192.0.2.10', ['192.0.2.10']],
    ['uniquelocal,::1', ['uniquelocal', '::1']],
  ])("maps FM_API_TRUST_PROXY=%s to Fastify's trustProxy", (raw, trustProxy) => {
    expect(loadConfig({ FM_API_MQTT_PASSWORD: 's3cret', FM_API_TRUST_PROXY: raw }).trustProxy).toEqual(trustProxy)
  })

  it('refuses a hop count, which cannot tell the proxy from a client that forges the headers, and bad addresses', () => {
    expect(problemsOf({ FM_API_TRUST_PROXY: '1' })).toEqual([
      expect.stringMatching(/^FM_API_TRUST_PROXY: a hop count \("1"\)/),
    ])
    expect(problemsOf({ FM_API_TRUST_PROXY: '10.0.0.0/33, proxy.local, 10.0.0.1' })).toEqual([
      'FM_API_TRUST_PROXY: true, false, or addresses and CIDRs such as 10.0.0.2,fd00::/8; not 10.0.0.0/33, proxy.local',
    ])
  })
})
