/**
 * Runs ingest as a service: reads the configuration, opens the stores, starts intake and shuts down in reverse order
 * on SIGINT/SIGTERM. All the work is in createIngest; this file only wires.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { dataFiles, openStore, openTimeSeries } from '@fm/store'
import { pino } from 'pino'
import { ConfigError, type IngestConfig, loadConfig } from './config.ts'
import { createIngest } from './ingest.ts'

const logger = pino({ name: 'ingest' })

function loadConfigOrExit(): IngestConfig {
  try {
    return loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) logger.fatal({ problems: error.problems }, 'invalid configuration')
    else logger.fatal({ err: error }, 'could not read the configuration')
    process.exit(1)
  }
}

const config = loadConfigOrExit()
const { mqttPassword: _secret, ...visible } = config
logger.info({ config: visible }, 'starting ingest')

function openStores() {
  try {
    const files = dataFiles(config.dataDir)
    for (const file of [files.operational, files.timeseries]) mkdirSync(dirname(file), { recursive: true })
    const store = openStore({ file: files.operational })
    return { store, timeseries: openTimeSeries({ file: files.timeseries }) }
  } catch (error) {
    logger.fatal({ err: error, dataDir: config.dataDir }, 'could not open the stores')
    process.exit(1)
  }
}

const { store, timeseries } = openStores()
const ingest = createIngest(config, { store, timeseries, logger })

let shuttingDown: Promise<void> | undefined

/** Reverse order of start-up; each part is closed even when an earlier one failed. */
async function closeAll(): Promise<number> {
  const parts: [string, () => unknown][] = [
    ['ingest', () => ingest.stop()],
    ['time series', () => timeseries.close()],
    ['store', () => store.close()],
  ]
  let exitCode = 0
  for (const [part, close] of parts) {
    try {
      await close()
    } catch (error) {
      logger.error({ err: error, part }, 'close failed')
      exitCode = 1
    }
  }
  return exitCode
}

function shutdown(reason: string, exitCode: number): Promise<void> {
  shuttingDown ??= closeAll().then((closeCode) => {
    logger.info({ reason }, 'ingest exited')
    process.exit(Math.max(exitCode, closeCode))
  })
  return shuttingDown
}

// `once`: a second Ctrl-C during a stuck shutdown falls through to Node's default and ends the process.
process.once('SIGINT', () => void shutdown('SIGINT', 0))
process.once('SIGTERM', () => void shutdown('SIGTERM', 0))

ingest.start().then(
  () => logger.info('ingest running'),
  (error: unknown) => {
    // A signal during start-up also ends start(); that is a shutdown, not a failure.
    if (shuttingDown) return shuttingDown
    logger.fatal({ err: error }, 'ingest could not start')
    return shutdown('start failed', 1)
  },
)
