/**
 * Runs ingest as a service: reads the configuration, opens the stores, starts intake and shuts down in reverse order
 * on SIGINT/SIGTERM. All the work is in createIngest; this file only wires.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { dataFiles, openInfluxTimeSeries, openStore, openTimeSeries, type TimeSeriesStore } from '@fm/store'
import { pino } from 'pino'
import { ConfigError, type IngestConfig, loadConfig } from './config.ts'
import { createIngest, type Ingest } from './ingest.ts'
import { openSpool, spoolFile } from './spool.ts'

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
const { mqttPassword: _secret, mqttCa, influx, ...visible } = config
// Never the secrets: the MQTT password, the InfluxDB token. Of the CA, only whether there is one.
const influxVisible = influx && { url: influx.url, org: influx.org, bucket: influx.bucket }
logger.info({ config: { ...visible, mqttCa: mqttCa !== undefined, influx: influxVisible } }, 'starting ingest')

/** Set once ingest exists; the InfluxDB store asks it where a device is (its registry's cache) for the tags. */
let ingest: Ingest | undefined

async function openTimeSeriesStore(): Promise<TimeSeriesStore> {
  if (!influx) return openTimeSeries({ file: dataFiles(config.dataDir).timeseries })
  return openInfluxTimeSeries({
    ...influx,
    logger: logger.child({ part: 'influxdb' }),
    placeOf: (deviceId) => ingest?.placeOf(deviceId),
  })
}

async function openStores() {
  try {
    const files = dataFiles(config.dataDir)
    for (const file of [files.operational, files.timeseries]) mkdirSync(dirname(file), { recursive: true })
    const store = openStore({ file: files.operational })
    const spool = openSpool({ file: spoolFile(config.dataDir), limitBytes: config.spoolMaxBytes })
    return { store, spool, timeseries: await openTimeSeriesStore() }
  } catch (error) {
    logger.fatal({ err: error, dataDir: config.dataDir }, 'could not open the stores')
    process.exit(1)
  }
}

const { store, spool, timeseries } = await openStores()
const running = createIngest(config, { store, timeseries, spool, logger })
ingest = running

let shuttingDown: Promise<void> | undefined

/** Reverse order of start-up; each part is closed even when an earlier one failed. */
async function closeAll(): Promise<number> {
  const parts: [string, () => unknown][] = [
    ['ingest', () => running.stop()],
    ['time series', () => timeseries.close()],
    ['spool', () => spool.close()],
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

running.start().then(
  () => logger.info({ timeseries: timeseries.name }, 'ingest running'),
  (error: unknown) => {
    // A signal during start-up also ends start(); that is a shutdown, not a failure.
    if (shuttingDown) return shuttingDown
    logger.fatal({ err: error }, 'ingest could not start')
    return shutdown('start failed', 1)
  },
)
