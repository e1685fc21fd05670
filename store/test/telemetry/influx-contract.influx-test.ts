/**
 * The time-series contract against a real InfluxDB 2.x. No such server exists in CI or on our machines, so this file
 * belongs to the `store-influx` Vitest project, which exists only when INFLUX_URL is set (with INFLUX_TOKEN,
 * INFLUX_ORG, INFLUX_BUCKET; command in docs/storage.md): nothing is skipped in CI, and the run fails loudly when
 * the variables are incomplete. The first open runs setup (buckets and roll-up tasks, idempotent); every test uses
 * devices of its own.
 */
import { describe } from 'vitest'
import { loadInfluxConfig, openInfluxTimeSeries } from '../../src/index.ts'
import { describeTimeSeriesContract } from './contract.ts'

let setupDone = false

describe('InfluxDB 2.x at INFLUX_URL', () => {
  describeTimeSeriesContract('influxdb', async () => {
    const config = loadInfluxConfig(process.env)
    if (!config) throw new Error('INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG and INFLUX_BUCKET are needed')
    const store = await openInfluxTimeSeries({ ...config, setup: !setupDone })
    setupDone = true
    return { store, cleanup: () => store.close() }
  })
})
