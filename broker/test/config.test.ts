import { BrokerConfigError, DEFAULT_RATE_LIMITS, loadConfig } from '@fm/broker'
import { describe, expect, it } from 'vitest'

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
