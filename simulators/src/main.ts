/**
 * The simulator process: reads the configuration, loads the manifest, runs the compound, and on SIGINT/SIGTERM lets
 * every device publish its offline status and disconnect.
 */
import { pino } from 'pino'
import { startCompound } from './compound.ts'
import { faultAssignmentErrors, loadConfig } from './config.ts'
import { loadManifest } from './manifest.ts'

const logger = pino({ name: 'simulators' })

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const manifest = await loadManifest(config.manifestPath)
  const faultErrors = faultAssignmentErrors(manifest, config.faults)
  if (faultErrors.length > 0) throw new Error(`invalid simulator configuration:\n  ${faultErrors.join('\n  ')}`)
  logger.info(
    { site: manifest.site.id, devices: manifest.devices.length, seed: config.seed, manifest: config.manifestPath },
    'starting compound',
  )
  const compound = await startCompound({
    mqttUrl: config.mqttUrl,
    mqttCa: config.mqttCa,
    manifest,
    seed: config.seed,
    intervalMs: config.intervalMs,
    logger,
  })
  for (const { deviceId, fault } of config.faults) compound.injectFault(deviceId, fault)

  const shutdown = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down')
    compound.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'simulators failed to start')
  process.exit(1)
})
