/**
 * Users created at start from the JSON file of `FM_API_SEED_USERS`, e.g. one per role for the demo compound
 * (`simulators/compounds/cuihu-garden.users.json`, set by `npm start`). A user whose username exists is left as it
 * is, whatever the file says, so that a restart changes nothing and an admin's later changes stay. Each user created
 * is audited as `user.create` by the system; the log names the users, never their passwords.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { type Store, UserError } from '@fm/store'
import type { FastifyBaseLogger } from 'fastify'
import type { Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { ConfigError } from '../config.ts'
import { auditedUser, SYSTEM_ACTOR, USER_ACTIONS, userTarget } from './audit.ts'
import { SeedUsersFile } from './user-input.ts'

export interface SeedResult {
  /** Usernames created now. */
  created: string[]
  /** Usernames that existed already and were left alone. */
  existing: string[]
}

const ENV_NAME = 'FM_API_SEED_USERS'
const validator = Compile(SeedUsersFile)

/** The file, parsed and checked against `SeedUsersFile`; a `ConfigError` listing every problem otherwise. */
export async function readSeedUsers(file: string): Promise<Static<typeof SeedUsersFile>> {
  let value: unknown
  try {
    value = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new ConfigError([`${ENV_NAME}: ${file}: ${error instanceof Error ? error.message : String(error)}`])
  }
  if (validator.Check(value)) return value
  const problems = [...validator.Errors(value)].flatMap((issue) => {
    const problem = describeIssue(issue)
    return problem === undefined ? [] : [`${ENV_NAME}: ${file}: ${problem}`]
  })
  throw new ConfigError(problems.length > 0 ? problems : [`${ENV_NAME}: ${file}: does not match the schema`])
}

interface SchemaIssue {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message: string
}

/**
 * One problem of the file, from a TypeBox error: the path and the rule, never the value, so that a password in the
 * file stays out of the message. Undefined for the echo of an unknown key, which its object's error names already.
 */
function describeIssue({ keyword, instancePath, params, message }: SchemaIssue): string | undefined {
  if (keyword === 'boolean') return undefined
  const path = instancePath || '/'
  const { additionalProperties, allowedValues } = params
  if (keyword === 'additionalProperties' && Array.isArray(additionalProperties)) {
    return `${path}: unknown ${additionalProperties.map((key) => JSON.stringify(key)).join(', ')}`
  }
  if (keyword === 'enum' && Array.isArray(allowedValues)) return `${path} must be one of ${allowedValues.join(', ')}`
  return `${path} ${message}`
}

/**
 * Creates the users of `file` that do not exist yet. A user the store's policy refuses (a weak password, a scope
 * without a site) is a `ConfigError`, after the others were created: the file must be fixed, not skipped silently.
 */
export async function seedUsers(
  store: Store,
  file: string,
  { logger }: { logger: Pick<FastifyBaseLogger, 'info'> },
): Promise<SeedResult> {
  const { users } = await readSeedUsers(file)
  const result: SeedResult = { created: [], existing: [] }
  const problems: string[] = []
  for (const [index, { mustChangePassword = false, ...seed }] of users.entries()) {
    if (store.getUserByUsername(seed.username)) {
      result.existing.push(seed.username.toLowerCase())
      continue
    }
    try {
      const user = await store.createUser({ ...seed, mustChangePassword })
      store.appendAudit({
        actor: SYSTEM_ACTOR,
        action: USER_ACTIONS.create,
        outcome: 'ok',
        target: userTarget(user),
        detail: { source: basename(file) },
        after: auditedUser(user),
      })
      result.created.push(user.username)
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      // the same username twice in the file, or another api instance seeding at the same time
      if (error.code === 'FM_ERR_USER_EXISTS') result.existing.push(seed.username.toLowerCase())
      else problems.push(`${ENV_NAME}: ${file}: /users/${index} (${seed.username}): ${error.message}`)
    }
  }
  logger.info({ file, created: result.created, existing: result.existing.length }, 'seeded users')
  if (problems.length > 0) throw new ConfigError(problems)
  return result
}
