/**
 * `npm run bench`: how many device messages per second the pipeline (broker → ingest → store and time series, with
 * the api's live view subscribed) takes on this machine. The load comes from another process, one MQTT
 * connection per device, each with its own credentials. Prints one table; asserts nothing.
 */
import { fork } from 'node:child_process'
import type { SiteManifest } from '@fm/protocol'
import { startPlatform } from '../e2e/platform.ts'

const DEVICES = Number(process.env.FM_BENCH_DEVICES ?? 100)
const DURATION_MS = Number(process.env.FM_BENCH_DURATION_MS ?? 10_000)
const SITE = 'bench'

const manifest: SiteManifest = {
  site: { id: SITE, name: '压测小区', name_en: 'Benchmark compound', timezone: 'Asia/Shanghai' },
  buildings: [],
  rooms: [],
  devices: Array.from({ length: DEVICES }, (_, index) => {
    const id = `bench-${String(index).padStart(4, '0')}`
    return { id, kind: 'room-environment' as const, name: `压测设备 ${index}`, password: `bench-${id}-secret` }
  }),
}

function runLoad(mqttUrl: string, qos: 0 | 1): Promise<{ published: number; startedAt: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(
      new URL('./bench-load.ts', import.meta.url),
      [mqttUrl, SITE, String(DEVICES), String(DURATION_MS), String(qos)],
      {
        execArgv: ['--import', 'tsx'],
      },
    )
    let startedAt = 0
    child.on('message', (message: { type: string; published?: number }) => {
      if (message.type === 'ready') startedAt = Date.now()
      if (message.type === 'done') resolve({ published: message.published ?? 0, startedAt })
    })
    child.once('error', reject)
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)))
  })
}

const platform = await startPlatform({ simulators: false, extraManifests: [manifest] })
const rows: Record<string, string | number>[] = []
try {
  for (const qos of [0, 1] as const) {
    const before = platform.ingest.stats().accepted
    const load = await runLoad(platform.mqttUrl, qos)
    const publishedAt = Date.now()
    // Ingest has taken everything when its count stops moving after the publishers stop.
    let accepted = platform.ingest.stats().accepted
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const now = platform.ingest.stats().accepted
      if (now === accepted) break
      accepted = now
    }
    const taken = accepted - before
    const elapsedS = (Date.now() - load.startedAt - 500) / 1000
    rows.push({
      qos,
      devices: DEVICES,
      published: load.published,
      'accepted by ingest': taken,
      'lost (QoS 0 may drop)': load.published - taken,
      'msg/s through the pipeline': Math.round(taken / elapsedS),
      'drain after publishers stop (ms)': Date.now() - publishedAt - 500,
      'rss (MiB)': Math.round(process.memoryUsage().rss / 2 ** 20),
    })
  }
} finally {
  await platform.stop()
}
console.table(rows)
