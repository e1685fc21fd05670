/**
 * Starts the api: config → stores → live view (MQTT) → HTTP server with socket.io. Shuts down in reverse
 * order on SIGINT or SIGTERM. Nothing else happens here.
 */
import { dataFiles, openStore, openTimeSeries } from '@fm/store'
import { pino } from 'pino'
import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { createLive } from './live.ts'

/** A shutdown that hangs (a stuck socket, a store that never closes) must not keep the process alive forever. */
const SHUTDOWN_TIMEOUT_MS = 10_000

function configOrExit() {
  try {
    return loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}

async function main(): Promise<void> {
  const config = configOrExit()
  const logger = pino({ name: 'api' })
  // Never the config object itself: it holds the MQTT password.
  const { dataDir, mqttUrl, mqttUsername, dashboardDir } = config
  logger.info({ dataDir, mqttUrl, mqttUsername, dashboardDir }, 'starting')
  const files = dataFiles(config.dataDir)
  const store = openStore({ file: files.operational })
  const timeseries = openTimeSeries({ file: files.timeseries })
  const live = createLive({
    mqttUrl: config.mqttUrl,
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
