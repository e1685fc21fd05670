import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.ts'

const SECRET = { FM_INGEST_MQTT_PASSWORD: 's3cret' }

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('loadConfig', () => {
  it('starts on a laptop with only the password set, and freezes the result', () => {
    const config = loadConfig(SECRET)
    expect(config).toEqual({
      dataDir: 'data',
      mqttUrl: 'mqtt://127.0.0.1:1883',
      mqttUsername: 'svc-ingest',
      mqttPassword: 's3cret',
      clientId: 'svc-ingest',
      flushIntervalMs: 10,
      maxBatch: 1000,
      statusIntervalMs: 2000,
      registryReloadMs: 30_000,
      spoolMaxBytes: 512 * 1024 * 1024,
      commsSettleMs: 30_000,
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads every variable', () => {
    const config = loadConfig({
      ...SECRET,
      FM_DATA_DIR: '/var/lib/fm',
      FM_MQTT_URL: 'mqtts://broker.example.cn:8883',
      FM_INGEST_MQTT_USERNAME: 'svc-ingest-2',
      FM_INGEST_CLIENT_ID: 'svc-ingest-b',
      FM_INGEST_FLUSH_INTERVAL_MS: '100',
      FM_INGEST_MAX_BATCH: '5000',
      FM_INGEST_STATUS_INTERVAL_MS: '10000',
      FM_INGEST_REGISTRY_RELOAD_MS: '60000',
      FM_INGEST_SPOOL_MAX_MB: '2',
      FM_INGEST_COMMS_SETTLE_MS: '0',
      INFLUX_URL: 'http://influx.example.cn:8086',
      INFLUX_TOKEN: 'tok',
      INFLUX_ORG: 'acme',
      INFLUX_BUCKET: 'fm',
    })
    expect(config).toMatchObject({ dataDir: '/var/lib/fm', clientId: 'svc-ingest-b', maxBatch: 5000 })
    expect(config).toMatchObject({ flushIntervalMs: 100, statusIntervalMs: 10000, mqttUsername: 'svc-ingest-2' })
    expect(config.registryReloadMs).toBe(60_000)
    expect(config.spoolMaxBytes).toBe(2 * 1024 * 1024)
    expect(config.commsSettleMs).toBe(0)
    expect(config.influx).toEqual({ url: 'http://influx.example.cn:8086', token: 'tok', org: 'acme', bucket: 'fm' })
  })

  it('keeps the password verbatim, spaces included', () => {
    expect(loadConfig({ FM_INGEST_MQTT_PASSWORD: ' pass word ' }).mqttPassword).toBe(' pass word ')
  })

  it.each([
    [{}, 'FM_INGEST_MQTT_PASSWORD is required'],
    [{ ...SECRET, FM_MQTT_URL: 'localhost:1883' }, 'FM_MQTT_URL must use one of'],
    [{ ...SECRET, FM_MQTT_URL: 'not a url' }, 'FM_MQTT_URL is not a URL'],
    [{ ...SECRET, FM_MQTT_URL: 'mqtt://svc:pw@127.0.0.1' }, 'FM_MQTT_URL must not carry credentials'],
    [{ ...SECRET, FM_INGEST_CLIENT_ID: 'fm ingest' }, 'FM_INGEST_CLIENT_ID must be'],
    [{ ...SECRET, FM_INGEST_FLUSH_INTERVAL_MS: '0' }, 'FM_INGEST_FLUSH_INTERVAL_MS must be an integer from 5'],
    [{ ...SECRET, FM_INGEST_MAX_BATCH: '1e3' }, 'FM_INGEST_MAX_BATCH must be an integer'],
    [{ ...SECRET, FM_INGEST_STATUS_INTERVAL_MS: '-5' }, 'FM_INGEST_STATUS_INTERVAL_MS must be an integer'],
    [{ ...SECRET, FM_INGEST_REGISTRY_RELOAD_MS: '10' }, 'FM_INGEST_REGISTRY_RELOAD_MS must be an integer from 100'],
    [{ ...SECRET, FM_INGEST_SPOOL_MAX_MB: '0' }, 'FM_INGEST_SPOOL_MAX_MB must be an integer from 1'],
    [{ ...SECRET, FM_INGEST_COMMS_SETTLE_MS: '2h' }, 'FM_INGEST_COMMS_SETTLE_MS must be an integer from 0'],
    [
      { ...SECRET, INFLUX_URL: 'http://127.0.0.1:8086', INFLUX_TOKEN: 't', INFLUX_ORG: 'o' },
      'INFLUX_BUCKET is required',
    ],
  ])('refuses %j', (env, problem) => {
    expect(problemsOf(env)).toEqual([expect.stringContaining(problem)])
  })

  it('reports every problem at once', () => {
    const problems = problemsOf({ FM_MQTT_URL: 'http://x', FM_INGEST_MAX_BATCH: 'lots', FM_INGEST_CLIENT_ID: 'a/b' })
    expect(problems).toHaveLength(4)
    expect(() => loadConfig({})).toThrow(/invalid ingest configuration:\n {2}- FM_INGEST_MQTT_PASSWORD is required/)
  })
})

/** A real CA certificate in a file of its own, as a compound's CA would be: one Node itself trusts will do. */
async function caFile(): Promise<{ file: string; pem: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fm-ingest-ca-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'ca.crt')
  const pem = rootCertificates[0] ?? ''
  await writeFile(file, pem)
  return { file, pem }
}

describe("loadConfig, the broker's CA (FM_MQTT_CA_FILE)", () => {
  it('reads the CA for an mqtts:// broker', async () => {
    const { file, pem } = await caFile()
    const config = loadConfig({ ...SECRET, FM_MQTT_URL: 'mqtts://broker.cuihu.example:8883', FM_MQTT_CA_FILE: file })
    expect(config.mqttCa?.toString()).toBe(pem)
  })

  it.each([
    ['a missing file', { FM_MQTT_CA_FILE: '/nonexistent/ca.crt', FM_MQTT_URL: 'mqtts://127.0.0.1:8883' }],
    ['a file that is not PEM', { FM_MQTT_CA_FILE: import.meta.filename, FM_MQTT_URL: 'mqtts://127.0.0.1:8883' }],
  ])('refuses %s, naming it', (_case, env) => {
    expect(problemsOf({ ...SECRET, ...env })).toEqual([
      expect.stringContaining(`FM_MQTT_CA_FILE: cannot read a PEM certificate from "${env.FM_MQTT_CA_FILE}"`),
    ])
  })

  it('refuses a CA for a broker in the clear, where it would go unused', async () => {
    const { file } = await caFile()
    expect(problemsOf({ ...SECRET, FM_MQTT_CA_FILE: file })).toEqual([
      'FM_MQTT_CA_FILE is set, so FM_MQTT_URL must be mqtts:// or wss://',
    ])
  })
})
