/**
 * Load generator for `npm run bench`, run in its own process so that it does not share an event loop with the
 * platform: N devices, each connected with its own credentials, publish room-environment telemetry as fast as
 * the broker takes it for a fixed time.
 */
import mqtt, { type MqttClient } from 'mqtt'

const [url, site, countArg, durationArg, qosArg] = process.argv.slice(2)
const count = Number(countArg)
const durationMs = Number(durationArg)
const qos = Number(qosArg) as 0 | 1

function connect(id: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url ?? '', {
      clientId: id,
      username: id,
      password: `bench-${id}-secret`,
      reconnectPeriod: 0,
    })
    client.once('connect', () => resolve(client))
    client.once('error', reject)
  })
}

const ids = Array.from({ length: count }, (_, index) => `bench-${String(index).padStart(4, '0')}`)
const clients = await Promise.all(ids.map(connect))
process.send?.({ type: 'ready' })

let published = 0
const deadline = Date.now() + durationMs
await Promise.all(
  clients.map(async (client, index) => {
    const topic = `fm/v1/${site}/room-environment/${ids[index]}/telemetry`
    while (Date.now() < deadline) {
      const payload = JSON.stringify({ ts: Date.now(), temperature_c: 20 + Math.random() * 5, humidity_pct: 55 })
      // Wait for the write to be flushed (QoS 0) or acknowledged (QoS 1): the broker's own flow control.
      await client.publishAsync(topic, payload, { qos })
      published += 1
    }
  }),
)
process.send?.({ type: 'done', published })
await Promise.all(clients.map((client) => client.endAsync()))
process.exit(0)
