/**
 * Load generator for `npm run bench`, in its own process so that it does not share an event loop with what it
 * measures: `devices` connections, each logged in with its own credentials, publish room-environment telemetry at
 * QoS 1 for `durationMs`, either as fast as the broker acknowledges (`rate` 0) or paced to `rate` readings/s in all.
 * Each reading carries its publish time as `ts`, so the store-side latency can be measured against it.
 */
import mqtt, { type MqttClient } from 'mqtt'

const [url = '', site = '', devicesArg = '100', durationArg = '10000', rateArg = '0'] = process.argv.slice(2)
const devices = Number(devicesArg)
const durationMs = Number(durationArg)
const rate = Number(rateArg)

function connect(id: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { clientId: id, username: id, password: `bench-${id}-secret`, reconnectPeriod: 0 })
    client.once('connect', () => {
      // Nagle's algorithm with delayed ACKs adds ~40 ms per message at low rates (TOOLCHAIN §12).
      const stream = client.stream as { setNoDelay?: (noDelay: boolean) => void }
      stream.setNoDelay?.(true)
      resolve(client)
    })
    client.once('error', reject)
  })
}

const ids = Array.from({ length: devices }, (_, index) => `bench-${String(index).padStart(4, '0')}`)
const clients = await Promise.all(ids.map(connect))
process.send?.({ type: 'ready' })

let published = 0
const deadline = Date.now() + durationMs
// Each device publishes one reading, waits for its PUBACK, and (when paced) waits for its next slot.
const intervalMs = rate > 0 ? (devices * 1000) / rate : 0
await Promise.all(
  clients.map(async (client, index) => {
    const topic = `fm/v1/${site}/room-environment/${ids[index]}/telemetry`
    let next = Date.now() + (intervalMs * index) / devices
    while (Date.now() < deadline) {
      if (intervalMs > 0) {
        const wait = next - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        next += intervalMs
      }
      const ts = Date.now()
      await client.publishAsync(topic, JSON.stringify({ ts, temperature_c: 20 + (ts % 500) / 100, humidity_pct: 55 }), {
        qos: 1,
      })
      published += 1
    }
  }),
)
process.send?.({ type: 'done', published })
await Promise.all(clients.map((client) => client.endAsync()))
process.exit(0)
