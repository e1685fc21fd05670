/**
 * Broker configuration from `FM_BROKER_*` variables. `loadConfig` checks every variable, reports every problem at
 * once, and returns a frozen object; nothing else in the broker reads the environment (STYLE 2.6).
 */
import { isServiceRole, SERVICE_ROLE_NAMES, type ServiceRole } from './access.ts'

/** Shortest service password accepted: the same floor as a device password set in a manifest. */
export const MIN_SERVICE_PASSWORD_LENGTH = 12

export interface ServiceCredential {
  readonly role: ServiceRole
  readonly password: string
}

export interface BrokerConfig {
  /** Folder of the platform's data files (`FM_DATA_DIR`). */
  readonly dataDir: string
  /** Address both listeners bind to. Devices are remote, so all interfaces by default. */
  readonly host: string
  /** MQTT over TCP; 0 picks a free port (tests). */
  readonly port: number
  /** MQTT over WebSocket, path `/mqtt`; 0 picks a free port (tests). */
  readonly wsPort: number
  /** Credentials of the platform services; a role without one cannot connect. */
  readonly services: readonly ServiceCredential[]
  /** Site manifest to provision on start, if any. */
  readonly provisionFile?: string
}

export class BrokerConfigError extends Error {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`invalid broker configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'BrokerConfigError'
    this.problems = problems
  }
}

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!/^\d+$/.test(raw) || port > 65_535) {
    problems.push(`${name} must be a port number from 0 to 65535, got "${raw}"`)
    return fallback
  }
  return port
}

function readText(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/** Parses `name:password,name:password`. A password may contain `:` but not `,`. */
function readServices(raw: string | undefined, problems: string[]): ServiceCredential[] {
  const name = 'FM_BROKER_SERVICE_CREDENTIALS'
  const services: ServiceCredential[] = []
  for (const entry of (raw ?? '').split(',')) {
    if (entry.trim() === '') continue
    const colon = entry.indexOf(':')
    const role = (colon < 0 ? entry : entry.slice(0, colon)).trim()
    const password = colon < 0 ? '' : entry.slice(colon + 1)
    if (!isServiceRole(role)) {
      problems.push(`${name}: unknown service "${role}" (one of ${SERVICE_ROLE_NAMES.join(', ')})`)
    } else if (services.some((service) => service.role === role)) {
      problems.push(`${name}: service "${role}" is listed twice`)
    } else if (password.length < MIN_SERVICE_PASSWORD_LENGTH) {
      // the message never echoes the password, only what is wrong with it
      problems.push(`${name}: the password of "${role}" must have at least ${MIN_SERVICE_PASSWORD_LENGTH} characters`)
    } else {
      services.push(Object.freeze({ role, password }))
    }
  }
  return services
}

export function loadConfig(env: NodeJS.ProcessEnv): BrokerConfig {
  const problems: string[] = []
  const port = readPort(env, 'FM_BROKER_PORT', 1883, problems)
  const wsPort = readPort(env, 'FM_BROKER_WS_PORT', 8083, problems)
  if (port === wsPort && port !== 0) problems.push(`FM_BROKER_PORT and FM_BROKER_WS_PORT are both ${port}`)
  const services = readServices(env.FM_BROKER_SERVICE_CREDENTIALS, problems)
  if (problems.length > 0) throw new BrokerConfigError(problems)
  const provisionFile = readText(env, 'FM_BROKER_PROVISION_FILE')
  return Object.freeze({
    dataDir: readText(env, 'FM_DATA_DIR') ?? 'data',
    host: readText(env, 'FM_BROKER_HOST') ?? '0.0.0.0',
    port,
    wsPort,
    services: Object.freeze(services),
    ...(provisionFile === undefined ? {} : { provisionFile }),
  })
}
