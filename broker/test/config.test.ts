import { readFile } from 'node:fs/promises'
import { BrokerConfigError, DEFAULT_RATE_LIMITS, loadConfig } from '@fm/broker'
import { describe, expect, it } from 'vitest'
import { makeCertificates } from './tls-fixtures.ts'

const PROTECTION_DEFAULTS = {
  rateLimits: DEFAULT_RATE_LIMITS,
  maxConnections: 20_000,
  logins: { concurrency: 4, maxWaiting: 5_000 },
  slowConsumerLimitBytes: 8 * 1024 * 1024,
  statusIntervalMs: 5_000,
}

describe('loadConfig', () => {
  it('has a default for everything but the secrets', () => {
    expect(loadConfig({})).toEqual({
      dataDir: 'data',
      host: '0.0.0.0',
      port: 1883,
      wsPort: 8083,
      services: [],
      ...PROTECTION_DEFAULTS,
    })
  })

  it('reads every variable and returns a frozen object', () => {
    const config = loadConfig({
      FM_DATA_DIR: '/var/lib/fm',
      FM_BROKER_HOST: '127.0.0.1',
      FM_BROKER_PORT: '0',
      FM_BROKER_WS_PORT: '0',
      FM_BROKER_SERVICE_CREDENTIALS: 'ingest:ingest-secret-12, api:a:b:c-secret-12',
      FM_BROKER_PROVISION_FILE: 'site.json',
      FM_BROKER_RATE_LIMITS: 'default=5/50, gate=0.5/10',
      FM_BROKER_MAX_CONNECTIONS: '3000',
      FM_BROKER_LOGIN_CONCURRENCY: '8',
      FM_BROKER_MAX_PENDING_LOGINS: '0',
      FM_BROKER_SLOW_CONSUMER_KB: '1024',
      FM_BROKER_STATUS_INTERVAL_MS: '1000',
    })
    expect(config).toEqual({
      dataDir: '/var/lib/fm',
      host: '127.0.0.1',
      port: 0,
      wsPort: 0,
      services: [
        { role: 'ingest', password: 'ingest-secret-12' },
        { role: 'api', password: 'a:b:c-secret-12' },
      ],
      provisionFile: 'site.json',
      rateLimits: {
        ...DEFAULT_RATE_LIMITS,
        default: { ratePerSec: 5, burst: 50 },
        gate: { ratePerSec: 0.5, burst: 10 },
      },
      maxConnections: 3000,
      logins: { concurrency: 8, maxWaiting: 0 },
      slowConsumerLimitBytes: 1024 * 1024,
      statusIntervalMs: 1000,
    })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.rateLimits)).toBe(true)
    expect(Object.isFrozen(config.services)).toBe(true)
    expect(Object.isFrozen(config.services[0])).toBe(true)
  })

  it('reports every problem at once, without echoing a password', () => {
    const load = () =>
      loadConfig({
        FM_BROKER_PORT: '70000',
        FM_BROKER_WS_PORT: 'http',
        FM_BROKER_SERVICE_CREDENTIALS:
          'billing:billing-secret-1,api:short,ingest:ingest-secret-12,ingest:ingest-secret-13',
        FM_BROKER_RATE_LIMITS: 'lift=1/1,pump=fast,gate=0/5',
        FM_BROKER_MAX_CONNECTIONS: '0',
      })
    expect(load).toThrow(BrokerConfigError)
    let problems: readonly string[] = []
    try {
      load()
    } catch (error) {
      if (error instanceof BrokerConfigError) problems = error.problems
    }
    expect(problems).toEqual([
      'FM_BROKER_PORT must be a port number from 0 to 65535, got "70000"',
      'FM_BROKER_WS_PORT must be a port number from 0 to 65535, got "http"',
      'FM_BROKER_SERVICE_CREDENTIALS: unknown service "billing" (one of ingest, api)',
      'FM_BROKER_SERVICE_CREDENTIALS: the password of "api" must have at least 12 characters',
      'FM_BROKER_SERVICE_CREDENTIALS: service "ingest" is listed twice',
      'FM_BROKER_RATE_LIMITS: unknown device kind "lift" (default or one of water-tank, pump, electrical-panel, fire-alarm-panel, fire-water, room-environment, gate, patrol-checkpoint)',
      'FM_BROKER_RATE_LIMITS: "pump=fast" must be <kind>=<publishes per second>/<burst>, both above 0',
      'FM_BROKER_RATE_LIMITS: "gate=0/5" must be <kind>=<publishes per second>/<burst>, both above 0',
      'FM_BROKER_MAX_CONNECTIONS must be an integer from 1 to 1000000, got "0"',
    ])
    expect(problems.join('\n')).not.toContain('short')
  })

  it('refuses the same port for TCP and WebSocket', () => {
    expect(() => loadConfig({ FM_BROKER_PORT: '1883', FM_BROKER_WS_PORT: '1883' })).toThrow(/both 1883/)
  })
})

describe('loadConfig, TLS', () => {
  it('reads the certificate, its key and the chain, on 8883 by default', async () => {
    const certificates = await makeCertificates()
    const config = loadConfig({
      FM_BROKER_TLS_CERT_FILE: certificates.certFile,
      FM_BROKER_TLS_KEY_FILE: certificates.keyFile,
      FM_BROKER_TLS_CA_FILE: certificates.caFile,
    })
    expect(config.tls).toEqual({
      port: 8883,
      cert: await readFile(certificates.certFile),
      key: await readFile(certificates.keyFile),
      ca: certificates.ca,
    })
    expect(config).toMatchObject({ port: 1883, wsPort: 8083 })
    expect(Object.isFrozen(config.tls)).toBe(true)
  })

  it('closes MQTT in the clear with FM_BROKER_PORT=off', async () => {
    const certificates = await makeCertificates()
    const config = loadConfig({
      FM_BROKER_PORT: 'off',
      FM_BROKER_TLS_CERT_FILE: certificates.certFile,
      FM_BROKER_TLS_KEY_FILE: certificates.keyFile,
      FM_BROKER_TLS_PORT: '18883',
    })
    expect(config.port).toBeUndefined()
    expect(config.tls?.port).toBe(18883)
  })

  it.each([
    [
      'a certificate without its key',
      { FM_BROKER_TLS_CERT_FILE: '/etc/fm/broker.crt' },
      'FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE go together: set both for TLS, or neither',
    ],
    [
      'a key without its certificate',
      { FM_BROKER_TLS_KEY_FILE: '/etc/fm/broker.key' },
      'FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE go together: set both for TLS, or neither',
    ],
    [
      'a chain without a certificate',
      { FM_BROKER_TLS_CA_FILE: '/etc/fm/ca.crt' },
      'FM_BROKER_TLS_CA_FILE is set without FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE',
    ],
    [
      'TLS only without a certificate',
      { FM_BROKER_PORT: 'off' },
      'FM_BROKER_PORT=off (TLS only) needs FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE',
    ],
  ])('refuses %s', (_case, env, problem) => {
    expect(problemsOf(env)).toEqual([problem])
  })

  it('names every file it cannot read, at once', async () => {
    const certificates = await makeCertificates()
    const problems = problemsOf({
      FM_BROKER_TLS_CERT_FILE: certificates.certFile,
      FM_BROKER_TLS_KEY_FILE: '/nonexistent/broker.key',
      FM_BROKER_TLS_CA_FILE: '/nonexistent/ca.crt',
    })
    expect(problems).toEqual([
      'FM_BROKER_TLS_KEY_FILE: cannot read "/nonexistent/broker.key" (ENOENT)',
      'FM_BROKER_TLS_CA_FILE: cannot read "/nonexistent/ca.crt" (ENOENT)',
    ])
  })

  it("refuses a key that is not the certificate's and a chain that is not PEM, without quoting either", async () => {
    const certificates = await makeCertificates()
    const problems = problemsOf({
      FM_BROKER_TLS_CERT_FILE: certificates.certFile,
      FM_BROKER_TLS_KEY_FILE: certificates.caKeyFile,
      FM_BROKER_TLS_CA_FILE: certificates.caKeyFile,
    })
    expect(problems).toEqual([
      expect.stringMatching(
        /^FM_BROKER_TLS_CERT_FILE and FM_BROKER_TLS_KEY_FILE must be .* \(.*key values mismatch\)$/,
      ),
      expect.stringMatching(/^FM_BROKER_TLS_CA_FILE must hold PEM certificates \(/),
    ])
    const key = await readFile(certificates.caKeyFile, 'utf8')
    expect(problems.join('\n')).not.toContain(key.split('\n')[1])
  })

  it('refuses the TLS port on the port of another listener', async () => {
    const certificates = await makeCertificates()
    const problems = problemsOf({
      FM_BROKER_TLS_CERT_FILE: certificates.certFile,
      FM_BROKER_TLS_KEY_FILE: certificates.keyFile,
      FM_BROKER_TLS_PORT: '8083',
    })
    expect(problems).toEqual(['FM_BROKER_WS_PORT and FM_BROKER_TLS_PORT are both 8083'])
  })
})

/** The problems `loadConfig` reports for `env`; none when it loads. */
function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof BrokerConfigError) return error.problems
    throw error
  }
  return []
}
