/**
 * `npm run bench`: what the pipeline takes on this machine. One process per part, as in production: the broker (in
 * this process), ingest (a child process writing to the embedded store) and the load generator (another child, one
 * MQTT connection per device, each with its own credentials). Prints a table; asserts nothing.
 *
 *   broker alone   devices publish at QoS 1 as fast as the broker acknowledges; a service subscriber counts
 *   pipeline       the same load with ingest storing every reading
 *   paced          2 000 readings/s, for the publish-to-stored latency that ingest reports
 *
 * Then the broker under load, with ingest still subscribed (a second table):
 *
 *   overload       well-behaved devices publish QoS 1 at half the broker-alone rate while 20 devices with a firmware
 *                  bug flood QoS 0 as fast as their sockets take it (default rate limits apply to them)
 *   storm          FM_BENCH_STORM_DEVICES devices (2 000) log in from cold, each paying its scrypt round at the
 *                  production cost, then lose their connections at once and come back (re-admitted from the cache of
 *                  verified credentials)
 */
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { decodeIngestStatus, type IngestStatus, type SiteManifest } from '@fm/protocol'
import { dataFiles, openStore } from '@fm/store'
import mqtt from 'mqtt'
import { pino } from 'pino'
import { Fleet, runLoad } from '../e2e/load.ts'
import { startServiceBroker } from '../e2e/platform.ts'

const DEVICES = Number(process.env.FM_BENCH_DEVICES ?? 100)
const DURATION_MS = Number(process.env.FM_BENCH_DURATION_MS ?? 10_000)
const PACED_RATE = Number(process.env.FM_BENCH_PACED_RATE ?? 2000)
const STORM_DEVICES = Number(process.env.FM_BENCH_STORM_DEVICES ?? 2000)
const FLOODERS = 20
/** A directory: ingest then writes a V8 CPU profile there (open it in Chrome DevTools or speedscope). */
const PROFILE_DIR = process.env.FM_BENCH_PROFILE_DIR
const SITE = 'bench'
const root = resolve(import.meta.dirname, '..')

const ids = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(4, '0')}`)
const FLOODER_IDS = ids('flood', FLOODERS)
const STORM_IDS = ids('storm', STORM_DEVICES)

const manifest: SiteManifest = {
  site: { id: SITE, name: '压测小区', name_en: 'Benchmark compound', timezone: 'Asia/Shanghai' },
  buildings: [],
  rooms: [],
  devices: [
    ...ids('bench', DEVICES).map((id) => ({
      id,
      kind: 'room-environment' as const,
      name: id,
      password: `bench-${id}-secret`,
    })),
    ...FLOODER_IDS.map((id) => ({ id, kind: 'pump' as const, name: id, password: `pw-${id}` })),
    ...STORM_IDS.map((id) => ({ id, kind: 'water-tank' as const, name: id, password: `pw-${id}` })),
  ],
}

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)
  return line ? Math.round(Number(line[1]) / 1024) : 0
}

function publishLoad(mqttUrl: string, rate: number): Promise<{ published: number; elapsedMs: number }> {
  return runLoad({ url: mqttUrl, site: SITE, devices: DEVICES, durationMs: DURATION_MS, rate })
}

const dataDir = mkdtempSync(join(tmpdir(), 'fm-bench-'))
const logger = pino({ level: 'warn' })
const store = openStore({ file: dataFiles(dataDir).operational })
console.error(`provisioning ${manifest.devices.length} devices at the production scrypt cost…`)
await store.provisionSite(manifest)
// the bench-NNNN connections stand in for many devices each; the flooders and storm devices keep their defaults
const { broker, mqttUrl, passwords } = await startServiceBroker(store, logger, {
  FM_BROKER_RATE_LIMITS: 'room-environment=1000000/1000000',
})
const watcher = await mqtt.connectAsync(mqttUrl, {
  username: 'svc-api',
  password: passwords.api,
  clientId: 'svc-api-bench',
})
const rows: Record<string, string | number>[] = []
const underLoad: Record<string, string | number>[] = []
const fleets: Fleet[] = []
let ingest: ChildProcess | undefined
let status: IngestStatus | undefined
/** p99 publish-to-stored latency of each status interval during the current run. */
let p99s: number[] = []

try {
  // Broker alone: a service subscriber takes every reading, nothing stores them.
  let delivered = 0
  watcher.on('message', (topic, payload) => {
    if (topic.startsWith(`fm/v1/${SITE}/`)) delivered += 1
    else if (topic === 'fm/services/ingest/status') {
      const decoded = decodeIngestStatus(payload)
      if (!decoded.ok || !decoded.status) return
      status = decoded.status
      if (status.latency && status.latency.samples > 0) p99s.push(status.latency.p99Ms)
    }
  })
  await watcher.subscribeAsync([`fm/v1/${SITE}/+/+/telemetry`, 'fm/services/ingest/status'], { qos: 1 })
  const alone = await publishLoad(mqttUrl, 0)
  const aloneRate = Math.round((alone.published * 1000) / alone.elapsedMs)
  rows.push({
    run: 'broker alone',
    'readings/s': aloneRate,
    delivered,
    'ingest rss MiB': '—',
    'p99 publish→stored ms': '—',
  })
  await watcher.unsubscribeAsync(`fm/v1/${SITE}/+/+/telemetry`)

  ingest = fork(join(root, 'ingest', 'src', 'main.ts'), [], {
    execArgv: ['--import', 'tsx', ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
    env: {
      ...process.env,
      FM_DATA_DIR: dataDir,
      FM_MQTT_URL: mqttUrl,
      FM_INGEST_MQTT_PASSWORD: passwords.ingest,
      FM_INGEST_STATUS_INTERVAL_MS: '1000',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  while (!status?.online) await new Promise((resolveWait) => setTimeout(resolveWait, 100))

  for (const [run, rate] of [
    ['pipeline', 0],
    [`paced ${PACED_RATE}/s`, PACED_RATE],
  ] as const) {
    const before = status?.accepted ?? 0
    p99s = []
    let peakRss = 0
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMiB(ingest?.pid))
    }, 250)
    const load = await publishLoad(mqttUrl, rate)
    // Ingest has everything once its count stops moving.
    let accepted = status?.accepted ?? 0
    for (;;) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 1000))
      if ((status?.accepted ?? 0) === accepted) break
      accepted = status?.accepted ?? 0
    }
    clearInterval(sampler)
    const stored = accepted - before
    rows.push({
      run,
      'readings/s': Math.round((stored * 1000) / load.elapsedMs),
      'stored / published': `${stored} / ${load.published}`,
      'of broker alone': `${Math.round((100 * stored * 1000) / load.elapsedMs / aloneRate)} %`,
      'ingest rss MiB': peakRss,
      // the worst interval's p99, so one slow second is not averaged away
      'p99 publish→stored ms': p99s.length > 0 ? Math.max(...p99s) : 'n/a',
    })
  }

  // Overload: well-behaved devices at half the broker-alone rate, and flooders on top
  // a buggy firmware reconnects at once (100 ms); devices cut by a power failure after 1 s
  const fleet = (kind: 'pump' | 'water-tank', fleetIds: string[], reconnectMs: number) => {
    const started = new Fleet({
      url: mqttUrl,
      site: SITE,
      kind,
      ids: fleetIds,
      passwordPrefix: 'pw-',
      reconnectMs,
    })
    fleets.push(started)
    return started
  }
  const flooders = fleet('pump', FLOODER_IDS, 100)
  await flooders.send({ type: 'connect' }, 'connected')
  let wellBehaved = 0
  watcher.on('message', (topic) => {
    if (topic.includes('/room-environment/')) wellBehaved += 1
  })
  await watcher.subscribeAsync(`fm/v1/${SITE}/room-environment/+/telemetry`, { qos: 1 })
  const before = broker.stats().status
  let peakBrokerRss = 0
  const brokerSampler = setInterval(() => {
    peakBrokerRss = Math.max(peakBrokerRss, Math.round(process.memoryUsage().rss / 2 ** 20))
  }, 250)
  const [load, flood] = await Promise.all([
    runLoad({ url: mqttUrl, site: SITE, devices: DEVICES, durationMs: DURATION_MS, rate: Math.round(aloneRate / 2) }),
    flooders.send({ type: 'flood', durationMs: DURATION_MS }, 'flooded'),
  ])
  for (let last = -1; last !== wellBehaved; ) {
    last = wellBehaved
    await new Promise((resolveWait) => setTimeout(resolveWait, 1000))
  }
  clearInterval(brokerSampler)
  const after = broker.stats().status
  const offered = Math.round(((load.published + flood.attempted) * 1000) / DURATION_MS)
  underLoad.push({
    run: 'overload',
    'offered/s': offered,
    'of broker alone': `${(offered / aloneRate).toFixed(1)} ×`,
    'well-behaved delivered / acknowledged': `${wellBehaved} / ${load.published}`,
    'flooders: attempted, throttled, cut off': `${flood.attempted}, ${after.throttled.total - before.throttled.total}, ${(after.dropped['rate-limit'] ?? 0) - (before.dropped['rate-limit'] ?? 0)}`,
    'broker rss MiB (peak)': peakBrokerRss,
  })
  await flooders.stop()
  await watcher.unsubscribeAsync(`fm/v1/${SITE}/room-environment/+/telemetry`)

  // Reconnect storm
  const storm = fleet('water-tank', STORM_IDS, 1000)
  const cold = await storm.send({ type: 'connect' }, 'connected')
  underLoad.push({ run: `${STORM_DEVICES} devices log in from cold`, 'all back, s': cold.elapsedMs / 1000 })
  const warm = await storm.send({ type: 'drop' }, 'recovered')
  underLoad.push({
    run: `${STORM_DEVICES} devices cut at once, reconnect after 1 s`,
    'all back, s': warm.elapsedMs / 1000,
    'broker rss MiB (peak)': Math.round(process.memoryUsage().rss / 2 ** 20),
  })
} finally {
  for (const started of fleets) await started.stop()
  ingest?.kill('SIGTERM')
  await watcher.endAsync()
  await broker.close()
  store.close()
  rmSync(dataDir, { recursive: true, force: true })
}
console.table(rows)
console.table(underLoad)
