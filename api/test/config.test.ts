import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.ts'

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
