import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { USER_ROLES, type UserView } from '@fm/protocol'
import { pino } from 'pino'
import type { Static } from 'typebox'
import { afterEach, describe, expect, it } from 'vitest'
import { seedUsers } from '../src/auth/seed-users.ts'
import type { SeedUsersFile } from '../src/auth/user-input.ts'
import { ConfigError } from '../src/config.ts'
import { closeAll, tempDir } from './fixtures.ts'
import { addUser, PASSWORD, send, signIn, startGuardedApi } from './sign-in.ts'

afterEach(closeAll)

const DEMO_FILE = fileURLToPath(new URL('../../simulators/compounds/cuihu-garden.users.json', import.meta.url))
const demo = JSON.parse(readFileSync(DEMO_FILE, 'utf8')) as Static<typeof SeedUsersFile>
const DEMO_SITE = 'cuihu'

/** A logger that keeps what it writes, to prove what it never writes. */
function recordingLogger() {
  const lines: string[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })
  return { logger, lines }
}

function writeSeedFile(content: unknown): string {
  const file = join(tempDir('fm-seed-'), 'users.json')
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

async function seedError(run: Promise<unknown>): Promise<ConfigError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('the demo users of 翠湖花园', () => {
  it('are created once, one per role, each signing in with the password of the file', async () => {
    const api = await startGuardedApi()
    const { logger, lines } = recordingLogger()
    const usernames = demo.users.map((user) => user.username)

    const first = await seedUsers(api.store, DEMO_FILE, { logger })
    const second = await seedUsers(api.store, DEMO_FILE, { logger })

    expect(first).toEqual({ created: usernames, existing: [] })
    expect(second).toEqual({ created: [], existing: usernames })
    const users = api.store.listUsers()
    expect(users.map((user) => user.role).sort()).toEqual([...USER_ROLES].sort())
    for (const user of users) {
      if (user.role === 'admin') expect(user.scope.allSites).toBe(true)
      else expect(user.scope).toEqual({ allSites: false, siteIds: [DEMO_SITE], buildingIds: [] })
    }
    for (const { username, password, role } of demo.users) {
      const me = await send(api, await signIn(api, username, password), { url: '/api/auth/me' })
      expect(me.json<UserView>()).toMatchObject({ username, role, mustChangePassword: false })
    }

    const created = api.store.queryAudit({ action: 'user.create', limit: 500 })
    expect(created).toHaveLength(demo.users.length)
    for (const entry of created) {
      expect(entry).toMatchObject({
        actor: { type: 'system' },
        outcome: 'ok',
        target: { type: 'user' },
        detail: { source: 'cuihu-garden.users.json' },
        after: { mustChangeAtLogin: false },
      })
    }
    const audited = JSON.stringify(api.store.queryAudit({ limit: 500 }))
    const logged = lines.join('\n')
    for (const { password } of demo.users) {
      expect(audited).not.toContain(password)
      expect(logged).not.toContain(password)
    }
    expect(logged).toContain('seeded users')
  })

  it('are documented with their passwords in README.md and docs/access.md', () => {
    for (const doc of ['../../README.md', '../../docs/access.md']) {
      const text = readFileSync(new URL(doc, import.meta.url), 'utf8')
      for (const { username, displayName, role, password } of demo.users) {
        const row = [username, displayName, role, password].map((cell) => `.*${escapeRegExp(cell)}`).join('')
        expect(text, `${doc}: ${username}`).toMatch(new RegExp(`^\\|${row}.*\\|$`, 'm'))
      }
    }
  })
})

describe('seeding users from a file', () => {
  it('leaves a user whose username exists alone, whatever the file says', async () => {
    const api = await startGuardedApi()
    const existing = await addUser(api, 'wang.jun', 'viewer', {
      allSites: false,
      siteIds: ['xingfuli'],
      buildingIds: [],
    })

    const result = await seedUsers(api.store, DEMO_FILE, { logger: recordingLogger().logger })

    expect(result.existing).toEqual(['wang.jun'])
    expect(result.created).toHaveLength(demo.users.length - 1)
    expect(api.store.getUser(existing.id)).toEqual(existing)
    await signIn(api, 'wang.jun', PASSWORD)
    const targets = api.store.queryAudit({ action: 'user.create' }).map((entry) => entry.target?.id)
    expect(targets).not.toContain(existing.id)
  })

  it('refuses a file that does not match its schema with a ConfigError naming each problem, never the password', async () => {
    const api = await startGuardedApi()
    const file = writeSeedFile({
      users: [
        {
          username: 'zhou.min',
          displayName: '周敏',
          role: 'owner',
          scope: { allSites: true, siteIds: [], buildingIds: [] },
          password: 'zhou-secret-password-1',
          isAdmin: true,
        },
      ],
      site: 'cuihu',
    })

    const error = await seedError(seedUsers(api.store, file, { logger: recordingLogger().logger }))

    expect(error.problems.map((problem) => problem.replace(/^FM_API_SEED_USERS: .*users\.json: /, ''))).toEqual([
      '/: unknown "site"',
      '/users/0: unknown "isAdmin"',
      '/users/0/role must be one of admin, supervisor, technician, guard, viewer',
    ])
    expect(error.message).not.toContain('zhou-secret-password-1')
    expect(api.store.listUsers()).toEqual([])
  })

  it('creates the users the policy accepts, then refuses the others with a ConfigError', async () => {
    const api = await startGuardedApi()
    const scope = { allSites: false, siteIds: [DEMO_SITE], buildingIds: [] }
    const file = writeSeedFile({
      users: [
        { username: 'sun.li', displayName: '孙丽', role: 'guard', scope, password: 'gatehouse-night-shift' },
        { username: 'qian.bo', displayName: '钱波', role: 'guard', scope, password: 'QIAN.BO' },
        {
          username: 'he.tao',
          displayName: '何涛',
          role: 'technician',
          scope: { ...scope, siteIds: [] },
          password: 'pump-room-rounds-9',
        },
      ],
    })

    const error = await seedError(seedUsers(api.store, file, { logger: recordingLogger().logger }))

    expect(error.problems).toEqual([
      expect.stringMatching(/\/users\/1 \(qian\.bo\): password must have at least 10 characters$/),
      expect.stringMatching(/\/users\/2 \(he\.tao\): a technician needs a scope/),
    ])
    expect(error.message).not.toContain('QIAN.BO')
    expect(api.store.listUsers().map((user) => user.username)).toEqual(['sun.li'])
  })

  it('refuses a file that is missing or not JSON with a ConfigError', async () => {
    const api = await startGuardedApi()
    const { logger } = recordingLogger()

    const missing = await seedError(seedUsers(api.store, join(tempDir(), 'none.json'), { logger }))
    const garbled = await seedError(seedUsers(api.store, writeSeedFile('{"users": ['), { logger }))

    expect(missing.problems).toEqual([expect.stringMatching(/^FM_API_SEED_USERS: .*none\.json: ENOENT/)])
    expect(garbled.problems).toEqual([expect.stringMatching(/^FM_API_SEED_USERS: .*users\.json: .*JSON/)])
  })
})
