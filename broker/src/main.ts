/**
 * `npm start -w broker`: configuration from the environment, the operational store, optional provisioning from a
 * site manifest, then the broker until SIGINT or SIGTERM.
 */
import { readFile } from 'node:fs/promises'
import type { SiteManifest } from '@fm/protocol'
import { dataFiles, openStore, type Store } from '@fm/store'
import { pino } from 'pino'
import { createBroker, type RunningBroker } from './broker.ts'
import { BrokerConfigError, loadConfig } from './config.ts'

/** A shutdown that takes longer than this is cut short, so that a stuck socket cannot hang a restart. */
const SHUTDOWN_TIMEOUT_MS = 10_000

const logger = pino({ name: 'broker' })

/**
 * Registers the manifest's site and new devices (the store validates it and leaves existing devices' credentials
 * alone). A password the manifest set is never repeated; a generated one is printed once, as it is kept only hashed.
 */
async function provision(store: Store, file: string): Promise<void> {
  const manifest: unknown = JSON.parse(await readFile(file, 'utf8'))
  const result = await store.provisionSite(manifest as SiteManifest)
  const preset = new Set((manifest as SiteManifest).devices.flatMap((device) => (device.password ? [device.id] : [])))
  logger.info(
    {
      file,
      siteId: result.siteId,
      created: result.created.map((device) => device.id),
      existing: result.existing.length,
    },
    'site provisioned',
  )
  const generated = result.created.filter((device) => !preset.has(device.id))
  if (generated.length === 0) return
  console.log(`New device passwords for site ${result.siteId} (shown once, only a hash is kept):`)
  for (const device of generated) console.log(`  ${device.id}  ${device.password}`)
}

function handleSignals(broker: RunningBroker, store: Store): void {
  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now')
      process.exit(1)
    }
    stopping = true
    logger.info({ signal }, 'shutting down')
    setTimeout(() => {
      logger.error('shutdown timed out')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    broker
      .close()
      .then(() => store.close())
      .catch((error: unknown) => {
        logger.error({ err: error }, 'unclean shutdown')
        process.exitCode = 1
      })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const store = openStore({ file: dataFiles(config.dataDir).operational })
  try {
    if (config.provisionFile !== undefined) await provision(store, config.provisionFile)
    if (config.services.length === 0) {
      logger.warn('FM_BROKER_SERVICE_CREDENTIALS is empty: devices can connect, ingest and api cannot')
    }
    handleSignals(await createBroker(config, { store, logger }), store)
  } catch (error) {
    store.close()
    throw error
  }
}

main().catch((error: unknown) => {
  if (error instanceof BrokerConfigError) logger.fatal({ problems: error.problems }, 'invalid configuration')
  else logger.fatal({ err: error }, 'broker failed to start')
  process.exitCode = 1
})
