/**
 * `npm start`: the whole platform on one machine with the embedded stores and the simulated demo compound.
 *
 * Starts broker, ingest, api and the simulators as separate processes (each can also run alone with
 * `npm start -w <service>`), hands each service its own MQTT credentials, and stops them all on Ctrl-C.
 * Every FM_* variable already set in the environment wins over the defaults chosen here.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { concurrently } from 'concurrently'

const root = resolve(import.meta.dirname, '..')
const env = process.env
const withSimulators = env.FM_START_SIMULATORS !== '0'
const demoManifest = join(root, 'simulators', 'compounds', 'cuihu-garden.json')
/** One user per role for the demo compound, with public passwords (README.md); `FM_API_SEED_USERS=` skips them. */
const demoUsers = join(root, 'simulators', 'compounds', 'cuihu-garden.users.json')

function secret(): string {
  return randomBytes(24).toString('base64url')
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** Builds the dashboard when its bundle is missing or older than its sources, so a fresh clone just works. */
function ensureDashboardBuilt(): void {
  const index = join(root, 'dashboard', 'dist', 'index.html')
  const sources = Math.max(newestMtime(join(root, 'dashboard', 'src')), newestMtime(join(root, 'protocol', 'src')))
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return
  console.log('Building the dashboard…')
  const build = spawnSync('npm', ['run', 'build', '-w', 'dashboard'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

ensureDashboardBuilt()

const ingestPassword = env.FM_INGEST_MQTT_PASSWORD ?? secret()
const apiPassword = env.FM_API_MQTT_PASSWORD ?? secret()
const shared = {
  FM_DATA_DIR: resolve(root, env.FM_DATA_DIR ?? 'data'),
  FM_MQTT_URL: env.FM_MQTT_URL ?? `mqtt://127.0.0.1:${env.FM_BROKER_PORT ?? '1883'}`,
}
const tsx = join(root, 'node_modules', '.bin', 'tsx')
const service = (name: string, folder: string, serviceEnv: Record<string, string>, prefixColor: string) => ({
  name,
  command: `"${tsx}" src/main.ts`,
  cwd: join(root, folder),
  env: { ...shared, ...serviceEnv },
  prefixColor,
})

const commands = [
  service(
    'broker',
    'broker',
    {
      FM_BROKER_SERVICE_CREDENTIALS: env.FM_BROKER_SERVICE_CREDENTIALS ?? `ingest:${ingestPassword},api:${apiPassword}`,
      ...(withSimulators ? { FM_BROKER_PROVISION_FILE: env.FM_BROKER_PROVISION_FILE ?? demoManifest } : {}),
    },
    'magenta',
  ),
  service('ingest', 'ingest', { FM_INGEST_MQTT_PASSWORD: ingestPassword }, 'cyan'),
  service(
    'api',
    'api',
    {
      FM_API_MQTT_PASSWORD: apiPassword,
      ...(withSimulators ? { FM_API_SEED_USERS: env.FM_API_SEED_USERS ?? demoUsers } : {}),
    },
    'green',
  ),
  ...(withSimulators
    ? [
        {
          ...service('sim', 'simulators', { FM_SIM_MANIFEST: env.FM_SIM_MANIFEST ?? demoManifest }, 'yellow'),
          // the compound comes alive once ingest and the api listen, so that no device's first reading is missed
          command: `"${tsx}" ../scripts/await-platform.ts && "${tsx}" src/main.ts`,
        },
      ]
    : []),
]

const port = env.FM_API_PORT ?? '8080'
console.log(`Starting the platform: dashboard and API on http://localhost:${port}, MQTT on ${shared.FM_MQTT_URL}`)
if (withSimulators) {
  console.log('Simulating the demo compound 翠湖花园 (Cuihu Garden). Ctrl-C stops everything.')
  // the demo users' passwords are public (README, "Demo users"): fine for a trial, never for a real site
  console.log('Demo sign-in: demo.admin / cuihu-admin-demo (one user per role, listed in the README).')
}

const { result } = concurrently(commands, {
  prefix: 'name',
  killOthersOn: ['failure'],
  killSignal: 'SIGTERM',
  killTimeout: 10_000,
})

result.then(
  () => process.exit(0),
  (closeEvents: { command: { name: string }; exitCode: number | string }[]) => {
    const failed = closeEvents.filter((event) => event.exitCode !== 0 && event.exitCode !== 'SIGTERM')
    if (failed.length === 0) process.exit(0)
    for (const event of failed) console.error(`${event.command.name} exited with ${event.exitCode}`)
    process.exit(1)
  },
)
