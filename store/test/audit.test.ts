import Database from 'better-sqlite3'
import { describe, expect, onTestFinished, test } from 'vitest'
import { AUDIT_VALUE_MAX_BYTES, type AuditInput, type AuditQuery, dataFiles, type Store } from '../src/index.ts'
import { openUserStore, T0 } from './fixtures.ts'

const WANG = { type: 'user', id: 'u_wang', name: '王工' } as const
const ZHANG = { type: 'user', id: 'u_zhang', name: '张保安' } as const

/** A morning at the compound: logins, a rotation, a command, an alarm acknowledged, entries of two sites. */
function morning(): AuditInput[] {
  return [
    { ts: T0, actor: WANG, action: 'auth.login', outcome: 'ok', ip: '10.0.8.21' },
    {
      ts: T0 + 1000,
      actor: { type: 'anonymous' },
      action: 'auth.login.failed',
      outcome: 'denied',
      detail: { username: 'wang' },
    },
    {
      ts: T0 + 2000,
      actor: WANG,
      action: 'device.credentials.rotate',
      outcome: 'ok',
      siteId: 'xingfuli',
      target: { type: 'device', id: 'pump-1' },
    },
    {
      ts: T0 + 3000,
      actor: WANG,
      action: 'command.send',
      outcome: 'failed',
      siteId: 'xingfuli',
      target: { type: 'device', id: 'pump-1' },
      detail: { command: 'start', error: 'timeout' },
    },
    {
      ts: T0 + 4000,
      actor: ZHANG,
      action: 'alarm.ack',
      outcome: 'ok',
      siteId: 'heping',
      target: { type: 'alarm', id: 'a-17' },
    },
    { ts: T0 + 5000, actor: ZHANG, action: 'auth.logout', outcome: 'ok' },
  ]
}

function record(store: Store, entries: AuditInput[]): void {
  for (const entry of entries) store.appendAudit(entry)
}

function actions(store: Store, query: AuditQuery): string[] {
  return store.queryAudit(query).map((entry) => entry.action)
}

function openRaw(dir: string): Database.Database {
  const db = new Database(dataFiles(dir).operational)
  onTestFinished(() => {
    db.close()
  })
  return db
}

describe('appendAudit', () => {
  test('stores an entry and returns it with its id, at the current time when none is given', () => {
    const { store, clock } = openUserStore()
    clock.advance(42)

    const entry = store.appendAudit({
      actor: WANG,
      action: 'user.update',
      outcome: 'ok',
      target: { type: 'user', id: 'u_li' },
      ip: '10.0.8.21',
      detail: { fields: ['role'] },
      before: { role: 'technician' },
      after: { role: 'supervisor' },
    })

    expect(entry).toEqual({
      id: 1,
      ts: T0 + 42,
      actor: WANG,
      action: 'user.update',
      outcome: 'ok',
      target: { type: 'user', id: 'u_li' },
      ip: '10.0.8.21',
      detail: { fields: ['role'] },
      before: { role: 'technician' },
      after: { role: 'supervisor' },
    })
    expect(store.queryAudit()).toEqual([entry])
  })

  test('leaves out what was not given, and keeps a null before as null', () => {
    const { store } = openUserStore()

    const entry = store.appendAudit({ actor: { type: 'system' }, action: 'user.create', outcome: 'ok', before: null })

    expect(entry).toEqual({
      id: 1,
      ts: T0,
      actor: { type: 'system' },
      action: 'user.create',
      outcome: 'ok',
      before: null,
    })
  })

  test('removes keys that look like secrets, at any depth', () => {
    const { store } = openUserStore()

    const entry = store.appendAudit({
      actor: WANG,
      action: 'user.create',
      outcome: 'ok',
      detail: {
        username: 'li.gong',
        password: 'xin-mi-ma-2025',
        request: { body: { newPassword: 'x', Session_Token: 'y', nested: [{ client_secret: 'z', keep: 1 }] } },
      },
      before: { passwordHash: 'scrypt$…', role: 'guard' },
      after: [{ TOKEN: 'abc', role: 'viewer' }],
    })

    const expected = {
      detail: { username: 'li.gong', request: { body: { nested: [{ keep: 1 }] } } },
      before: { role: 'guard' },
      after: [{ role: 'viewer' }],
    }
    expect(entry).toMatchObject(expected)
    expect(store.queryAudit()[0]).toMatchObject(expected)
    expect(JSON.stringify(store.queryAudit())).not.toMatch(/xin-mi-ma|scrypt|abc/)
  })

  test(`replaces a value larger than ${AUDIT_VALUE_MAX_BYTES / 1024} KiB of JSON by a marker with a preview`, () => {
    const { store, dir } = openUserStore()
    const huge = { readings: '水'.repeat(20_000) }

    const entry = store.appendAudit({ actor: WANG, action: 'device.create', outcome: 'ok', detail: huge, after: huge })

    const marker = { _truncated: true, bytes: Buffer.byteLength(JSON.stringify(huge)), preview: expect.any(String) }
    expect(entry.detail).toEqual(marker)
    expect(entry.after).toEqual(marker)
    expect(entry.detail?.preview).toMatch(/^\{"readings":"水水水/)
    const row = openRaw(dir)
      .prepare<[], { detail: number; after: number }>(
        'SELECT length(CAST(detail AS BLOB)) AS detail, length(CAST(value_after AS BLOB)) AS after FROM audit_log',
      )
      .get()
    expect(row?.detail).toBeLessThanOrEqual(AUDIT_VALUE_MAX_BYTES)
    expect(row?.after).toBeLessThanOrEqual(AUDIT_VALUE_MAX_BYTES)
  })

  test('keeps a value of exactly the limit whole', () => {
    const { store } = openUserStore()
    const padding = AUDIT_VALUE_MAX_BYTES - JSON.stringify({ a: '' }).length
    const detail = { a: 'x'.repeat(padding) }

    expect(store.appendAudit({ actor: WANG, action: 'device.create', outcome: 'ok', detail }).detail).toEqual(detail)
  })

  test('stores cycles, dates and big integers as JSON can hold them', () => {
    const { store } = openUserStore()
    const loop: Record<string, unknown> = { name: 'loop' }
    loop.self = loop

    const entry = store.appendAudit({
      actor: WANG,
      action: 'rule.update',
      outcome: 'ok',
      detail: { loop, at: new Date(T0), count: 12n, skip: undefined },
    })

    expect(entry.detail).toEqual({
      loop: { name: 'loop', self: '[circular]' },
      at: new Date(T0).toISOString(),
      count: '12',
    })
  })

  test('cuts request strings to 256 characters', () => {
    const { store } = openUserStore()

    const entry = store.appendAudit({
      actor: { type: 'anonymous', name: 'x'.repeat(1000) },
      action: 'auth.login.failed',
      outcome: 'denied',
      target: { type: 'user', id: 'y'.repeat(1000) },
    })

    expect(entry.actor.name).toHaveLength(256)
    expect(entry.target?.id).toHaveLength(256)
  })

  const malformed: { name: string; input: AuditInput }[] = [
    {
      name: 'an unknown actor type',
      input: { actor: { type: 'robot' as 'user' }, action: 'auth.login', outcome: 'ok' },
    },
    { name: 'an action that is not dotted words', input: { actor: WANG, action: 'auth login', outcome: 'ok' } },
    { name: 'an empty action', input: { actor: WANG, action: '', outcome: 'ok' } },
    { name: 'an unknown outcome', input: { actor: WANG, action: 'auth.login', outcome: 'maybe' as 'ok' } },
    { name: 'a ts that is not epoch ms', input: { ts: 1.5, actor: WANG, action: 'auth.login', outcome: 'ok' } },
  ]

  test.for(malformed)('refuses $name (a programming error)', ({ input }) => {
    const { store } = openUserStore()

    expect(() => store.appendAudit(input)).toThrow()
    expect(store.queryAudit()).toEqual([])
  })
})

describe('the audit log is append-only in the database itself', () => {
  const statements = [
    { name: 'UPDATE', sql: "UPDATE audit_log SET outcome = 'denied' WHERE id = 1" },
    { name: 'DELETE of one entry', sql: 'DELETE FROM audit_log WHERE id = 1' },
    { name: 'DELETE of every entry', sql: 'DELETE FROM audit_log' },
    {
      name: 'INSERT OR REPLACE over an entry',
      sql: "INSERT OR REPLACE INTO audit_log (id, ts, actor_type, action, outcome) VALUES (1, 0, 'system', 'x', 'ok')",
    },
    {
      name: 'an UPSERT over an entry',
      sql: `INSERT INTO audit_log (id, ts, actor_type, action, outcome) VALUES (1, 0, 'system', 'x', 'ok')
            ON CONFLICT (id) DO UPDATE SET action = 'x'`,
    },
  ]

  test.for(statements)('refuses $name from any connection', ({ sql }) => {
    const { store, dir } = openUserStore()
    record(store, morning())
    const before = store.queryAudit()

    expect(() => openRaw(dir).exec(sql)).toThrow('audit log is append-only')

    expect(store.queryAudit()).toEqual(before)
  })

  test('still accepts new entries through SQL', () => {
    const { store, dir } = openUserStore()
    record(store, morning())

    openRaw(dir).exec("INSERT INTO audit_log (ts, actor_type, action, outcome) VALUES (1, 'system', 'x', 'ok')")

    expect(store.queryAudit()).toHaveLength(7)
  })
})

describe('queryAudit', () => {
  const filters: { name: string; query: AuditQuery; expected: string[] }[] = [
    {
      name: 'everything, newest first',
      query: {},
      expected: [
        'auth.logout',
        'alarm.ack',
        'command.send',
        'device.credentials.rotate',
        'auth.login.failed',
        'auth.login',
      ],
    },
    {
      name: 'a time range, from inclusive, to exclusive',
      query: { from: T0 + 1000, to: T0 + 3000 },
      expected: ['device.credentials.rotate', 'auth.login.failed'],
    },
    { name: 'one actor', query: { actorId: 'u_zhang' }, expected: ['auth.logout', 'alarm.ack'] },
    {
      name: "an action prefix 'auth.'",
      query: { action: 'auth.' },
      expected: ['auth.logout', 'auth.login.failed', 'auth.login'],
    },
    {
      name: "'auth.login', which also finds its failures",
      query: { action: 'auth.login' },
      expected: ['auth.login.failed', 'auth.login'],
    },
    { name: 'a prefix no action can have', query: { action: 'auth%' }, expected: [] },
    { name: 'an outcome', query: { outcome: 'denied' }, expected: ['auth.login.failed'] },
    { name: 'a target', query: { targetId: 'pump-1' }, expected: ['command.send', 'device.credentials.rotate'] },
    {
      name: 'one site only',
      query: { siteIds: ['xingfuli'] },
      expected: ['command.send', 'device.credentials.rotate'],
    },
    {
      name: 'one site and the entries without a site',
      query: { siteIds: ['heping'], includeGlobal: true },
      expected: ['auth.logout', 'alarm.ack', 'auth.login.failed', 'auth.login'],
    },
    { name: 'no site at all', query: { siteIds: [] }, expected: [] },
    {
      name: 'every site without the entries without a site',
      query: { includeGlobal: false },
      expected: ['alarm.ack', 'command.send', 'device.credentials.rotate'],
    },
    {
      name: 'filters combined',
      query: { actorId: 'u_wang', siteIds: ['xingfuli'], outcome: 'ok', from: T0 },
      expected: ['device.credentials.rotate'],
    },
  ]

  test.for(filters)('finds $name', ({ query, expected }) => {
    const { store } = openUserStore()
    record(store, morning())

    expect(actions(store, query)).toEqual(expected)
  })

  test('pages backwards through a burst of one millisecond without skipping any', () => {
    const { store } = openUserStore()
    record(
      store,
      Array.from({ length: 5 }, (_, i) => ({
        ts: T0,
        actor: WANG,
        action: 'command.send',
        outcome: 'ok',
        detail: { i },
      })),
    )
    record(store, [{ ts: T0 - 1, actor: WANG, action: 'auth.login', outcome: 'ok' }])

    const pages: number[][] = []
    let before: AuditQuery['before']
    for (;;) {
      const page = store.queryAudit({ limit: 2, ...(before ? { before } : {}) })
      if (page.length === 0) break
      pages.push(page.map((entry) => entry.id))
      const last = page.at(-1)
      before = last && { ts: last.ts, id: last.id }
    }

    expect(pages).toEqual([
      [5, 4],
      [3, 2],
      [1, 6],
    ])
  })

  const limits = [
    { name: 'default limit is 100', limit: undefined, expected: 100 },
    { name: 'a given limit', limit: 7, expected: 7 },
    { name: 'limit is capped at 500', limit: 10_000, expected: 500 },
  ]

  test.for(limits)('$name', ({ limit, expected }) => {
    const { store } = openUserStore()
    record(
      store,
      Array.from({ length: 600 }, (_, i) => ({
        ts: T0 + i,
        actor: WANG,
        action: 'auth.login',
        outcome: 'ok' as const,
      })),
    )

    const entries = store.queryAudit(limit === undefined ? {} : { limit })

    expect(entries).toHaveLength(expected)
    expect(entries[0]?.ts).toBe(T0 + 599)
  })

  test.for([0, -1, 2.5])('refuses limit %s', (limit) => {
    const { store } = openUserStore()
    expect(() => store.queryAudit({ limit })).toThrow(RangeError)
  })
})
