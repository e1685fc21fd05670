/**
 * Waits until the api at `http://127.0.0.1:<FM_API_PORT>` reports the platform ok (its status is the worst of its
 * parts: its own MQTT connection, the broker, the stores, ingest; the parts themselves are for signed-in users), then
 * exits; `npm start` runs the simulated compound after it. Without it the demo devices could publish their first
 * readings before ingest and the api subscribe, and a device that reports once a minute would show no values for a
 * minute. Real devices do not wait for anyone; the platform simply starts before they matter. Gives up waiting after
 * two minutes, so that a platform that never gets healthy still shows its devices.
 */
import type { HealthSummary } from '@fm/protocol'

const url = `http://127.0.0.1:${process.env.FM_API_PORT ?? '8080'}/api/health`
const deadline = Date.now() + 120_000

async function ready(): Promise<boolean> {
  try {
    const health = (await (await fetch(url)).json()) as HealthSummary
    return health.status === 'ok'
  } catch {
    // the api is not listening yet
    return false
  }
}

while (!(await ready())) {
  if (Date.now() > deadline) {
    console.warn(`the platform is not healthy at ${url} after two minutes; starting the simulators anyway`)
    break
  }
  await new Promise((resolve) => setTimeout(resolve, 250))
}
