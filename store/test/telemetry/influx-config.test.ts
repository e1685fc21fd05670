import { describe, expect, test } from 'vitest'
import { InfluxConfigError, loadInfluxConfig } from '../../src/index.ts'

const COMPLETE = {
  INFLUX_URL: 'http://127.0.0.1:8086',
  INFLUX_TOKEN: 'secret-token',
  INFLUX_ORG: 'acme',
  INFLUX_BUCKET: 'fm',
}

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadInfluxConfig(env)
  } catch (error) {
    if (error instanceof InfluxConfigError) return error.problems
    throw error
  }
  throw new Error('expected an InfluxConfigError')
}

describe('loadInfluxConfig', () => {
  test('returns undefined when none of INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET is set', () => {
    expect(loadInfluxConfig({})).toBeUndefined()
    expect(loadInfluxConfig({ INFLUX_URL: '  ', INFLUX_TOKEN: '', FM_DATA_DIR: 'data' })).toBeUndefined()
  })

  test('reads exactly the four variables the InfluxDB tools use, trimmed, into a frozen object', () => {
    const config = loadInfluxConfig({ ...COMPLETE, INFLUX_TOKEN: ' secret-token\n', INFLUX_HOST: 'ignored' })
    expect(config).toEqual({ url: 'http://127.0.0.1:8086', token: 'secret-token', org: 'acme', bucket: 'fm' })
    expect(Object.isFrozen(config)).toBe(true)
  })

  test('keeps a path prefix for a server behind a reverse proxy', () => {
    expect(loadInfluxConfig({ ...COMPLETE, INFLUX_URL: 'https://tsdb.example.com/influx' })?.url).toBe(
      'https://tsdb.example.com/influx',
    )
  })

  test('lists every problem at once when some are set', () => {
    const problems = problemsOf({ INFLUX_URL: 'ftp://admin:pw@tsdb?db=x', INFLUX_BUCKET: '_monitoring' })
    expect(problems).toEqual([
      'INFLUX_TOKEN is required when any of INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET is set',
      'INFLUX_ORG is required when any of INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET is set',
      'INFLUX_URL must use http: or https:, got "ftp:"',
      'INFLUX_URL must not carry credentials; use INFLUX_TOKEN',
      'INFLUX_URL must not have a query or fragment, got "ftp://admin:pw@tsdb?db=x"',
      'INFLUX_BUCKET must be 1–61 characters without spaces or \'"\' and must not start with "_", got "_monitoring"',
    ])
  })

  test('refuses a value that is not a URL and names the variable', () => {
    expect(problemsOf({ ...COMPLETE, INFLUX_URL: '127.0.0.1:8086' })).toEqual([
      'INFLUX_URL is not a URL: "127.0.0.1:8086"',
    ])
    expect(problemsOf({ ...COMPLETE, INFLUX_URL: 'localhost:8086' })).toEqual([
      'INFLUX_URL must use http: or https:, got "localhost:"',
    ])
  })
})
