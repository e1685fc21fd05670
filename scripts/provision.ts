/**
 * `npm run provision -- <manifest.json>`: registers a site and its devices, or more devices for an existing site.
 * Existing devices keep their credentials. Each new device's password is printed once; only its hash is stored.
 * The running broker, ingest and api pick the new devices up without a restart.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { dataFiles, openStore } from '@fm/store'

const [file] = process.argv.slice(2)
if (!file) {
  console.error('usage: npm run provision -- <site-manifest.json>   (see docs/protocol.md, "Provisioning a device")')
  process.exit(2)
}
const root = resolve(import.meta.dirname, '..')
let manifest: unknown
try {
  manifest = JSON.parse(readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), file), 'utf8'))
} catch (error) {
  console.error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(2)
}
const store = openStore({ file: dataFiles(resolve(root, process.env.FM_DATA_DIR ?? 'data')).operational })
try {
  const result = await store.provisionSite(manifest as Parameters<typeof store.provisionSite>[0])
  console.log(`site ${result.siteId}: ${result.created.length} device(s) created, ${result.existing.length} unchanged`)
  for (const device of result.created) console.log(`  ${device.id}  password: ${device.password}`)
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
} finally {
  store.close()
}
