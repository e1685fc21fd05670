/**
 * Starts the api: config → stores (the first admin user on the first start, then the users of `FM_API_SEED_USERS`)
 * → live view (MQTT) → HTTP server with socket.io. Shuts down in reverse order on SIGINT or SIGTERM. Nothing else
 * happens here.
 */
import {
  dataFiles,
  InfluxConfigError,
  loadInfluxConfig,
  openInfluxTimeSeries,
  openStore,
  openTimeSeries,
  type TimeSeriesStore,
} from '@fm/store'
import { type Logger, pino } from 'pino'
import { buildApp } from './app.ts'
import { createFirstAdmin } from './auth/first-admin.ts'
import { seedUsers } from './auth/seed-users.ts'
import { ConfigError, loadConfig } from './config.ts'
import { createLive } from './live.ts'

/** A shutdown that hangs (a stuck socket, a store that never closes) must not keep the process alive forever. */
const SHUTDOWN_TIMEOUT_MS = 10_000

function configOrExit() {
  try {
    // InfluxDB is configured with the InfluxDB tools' own variables (INFLUX_URL, …); none set: the embedded store.
    return { config: loadConfig(process.env), influxConfig: loadInfluxConfig(process.env) }
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof InfluxConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}

type Influx = ReturnType<typeof loadInfluxConfig>

function openSeries(dataDir: string, influx: Influx, logger: Logger): Promise<TimeSeriesStore> | TimeSeriesStore {
  if (!influx) return openTimeSeries({ file: dataFiles(dataDir).timeseries, readOnly: true })
  return openInfluxTimeSeries({ ...influx, logger: logger.child({ part: 'influxdb' }) })
}

async function main(): Promise<void> {
  const { config, influxConfig } = configOrExit()
  const logger = pino({ name: 'api' })
  // Never the config objects themselves: they hold the MQTT and admin passwords and the InfluxDB token.
  const { dataDir, mqttUrl, mqttUsername, dashboardDir, trustProxy } = config
  const influx = influxConfig && { url: influxConfig.url, org: influxConfig.org, bucket: influxConfig.bucket }
  // of the certificates, only whether there are any: the key is a secret
  const tls = { https: config.tls !== undefined, mqttCa: config.mqttCa !== undefined }
  logger.info({ dataDir, mqttUrl, mqttUsername, dashboardDir, influx, tls, trustProxy }, 'starting')
  const files = dataFiles(config.dataDir)
  const store = openStore({ file: files.operational })
  try {
    await createFirstAdmin(store, config.adminPassword, { logger, print: (text) => console.log(text) })
    if (config.seedUsersFile !== undefined) await seedUsers(store, config.seedUsersFile, { logger })
  } catch (error) {
    store.close()
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
  const timeseries = await openSeries(config.dataDir, influxConfig, logger)
  const live = createLive({
    mqttUrl: config.mqttUrl,
    ca: config.mqttCa,
    username: config.mqttUsername,
    password: config.mqttPassword,
    store,
    logger,
  })
  await live.start()
  const app = await buildApp(config, { store, timeseries, live, logger })
  await app.listen({ host: config.host, port: config.port })

  let stopping = false
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    setTimeout(() => {
      logger.error('shutdown timed out; exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    await app.close()
    await live.stop()
    await timeseries.close()
    store.close()
    logger.info('stopped')
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, (received) => {
      shutdown(received).catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exitCode = 1
      })
    })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
