/**
 * The alarm rules of a site through the real HTTP API: the catalog with overrides merged, an override set and
 * removed (audited, and announced to ingest on MQTT), the refusals, and an override's priority applied to a point
 * taken out of service.
 */
import { type AuditPage, RULE_CHANGES_FILTER } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { AlarmRuleView } from '../src/alarm-rule-view.ts'
import type { RulesNotice } from '../src/routes/alarm-rules.ts'
import { startAlarmApi, userOf } from './alarm-fixtures.ts'
import { closeAll, connectClient, SITE_ID } from './fixtures.ts'
import { expectError, send } from './sign-in.ts'

afterEach(closeAll)

const RULES = `/api/sites/${SITE_ID}/alarm-rules`

describe('GET /api/sites/:siteId/alarm-rules', () => {
  it("lists the catalog's rules for the kinds of equipment the site has, with the defaults", async () => {
    const api = await startAlarmApi()
    const viewer = await userOf(api, 'chen.jing', 'viewer')

    const rules = (await send(api, viewer, { url: RULES })).json<AlarmRuleView[]>()

    const kinds = new Set(rules.map((rule) => rule.kind))
    expect([...kinds].sort()).toEqual(['fire-alarm-panel', 'gate', 'pump', 'room-environment', 'water-tank'])
    expect(rules.find((rule) => rule.id === 'water-tank.level-low')).toMatchObject({
      priority: 'P2',
      enabled: true,
      threshold: 30,
      deadband: 5,
      onDelaySec: 60,
      condition: { type: 'below', field: 'level_pct', threshold: 30, deadband: 5 },
      defaults: { priority: 'P2', threshold: 30, deadband: 5, onDelaySec: 60, offDelaySec: 0 },
      devices: [],
    })
    expect(rules.find((rule) => rule.id === 'water-tank.overflow')).not.toHaveProperty('threshold')
    expectError(await send(api, viewer, { url: '/api/sites/nowhere/alarm-rules' }), 403, 'FM_ERR_SCOPE_FORBIDDEN')
  })
})

describe('overriding a rule', () => {
  it('round-trips: merged into the catalog, audited before and after, announced to ingest, removed again', async () => {
    const api = await startAlarmApi()
    const admin = await userOf(api, 'demo.admin', 'admin')
    const ingest = await connectClient(api.brokerUrl)
    const notices: { topic: string; notice: RulesNotice }[] = []
    ingest.on('message', (topic, payload) => notices.push({ topic, notice: JSON.parse(payload.toString()) }))
    await ingest.subscribeAsync(RULE_CHANGES_FILTER, { qos: 1 })
    const rule = `${RULES}/water-tank.level-low`

    const site = await send(api, admin, { method: 'PUT', url: rule, payload: { threshold: 25, priority: 'P1' } })
    const device = await send(api, admin, {
      method: 'PUT',
      url: rule,
      payload: { deviceId: 'tank-1', onDelaySec: 30, threshold: 20 },
    })
    const unchanged = await send(api, admin, { method: 'PUT', url: rule, payload: { priority: 'P1', threshold: 25 } })
    const listed = (await send(api, admin, { url: RULES })).json<AlarmRuleView[]>()

    expect(site.statusCode, site.body).toBe(200)
    expect(site.json<AlarmRuleView>()).toMatchObject({
      priority: 'P1',
      threshold: 25,
      deadband: 5,
      condition: { threshold: 25, deadband: 5 },
      override: { priority: 'P1', threshold: 25, updatedAt: api.clock.now() },
      defaults: { priority: 'P2', threshold: 30 },
    })
    expect(device.json<AlarmRuleView>().devices).toEqual([
      {
        deviceId: 'tank-1',
        enabled: true,
        priority: 'P1',
        threshold: 20,
        deadband: 5,
        onDelaySec: 30,
        offDelaySec: 0,
        override: { threshold: 20, onDelaySec: 30, updatedAt: api.clock.now() },
      },
    ])
    expect(unchanged.statusCode).toBe(200)
    expect(listed.find((candidate) => candidate.id === 'water-tank.level-low')).toEqual(device.json())
    await expect.poll(() => notices.length).toBe(2)
    expect(notices).toEqual([
      {
        topic: `fm/services/api/rules/${SITE_ID}`,
        notice: { siteId: SITE_ID, ruleId: 'water-tank.level-low', ts: api.clock.now() },
      },
      {
        topic: `fm/services/api/rules/${SITE_ID}`,
        notice: { siteId: SITE_ID, ruleId: 'water-tank.level-low', deviceId: 'tank-1', ts: api.clock.now() },
      },
    ])

    const removed = await send(api, admin, { method: 'DELETE', url: `${rule}?deviceId=tank-1` })
    const again = await send(api, admin, { method: 'DELETE', url: `${rule}?deviceId=tank-1` })

    expect(removed.json<AlarmRuleView>()).toMatchObject({ threshold: 25, devices: [] })
    expect(again.statusCode).toBe(200)
    await expect.poll(() => notices.length).toBe(3)
    const audit = (await api.inject('/api/audit?action=alarm.rule.')).json<AuditPage>()
    // the unchanged PUT and the second DELETE changed nothing: neither announced nor audited
    expect(audit.entries.map((entry) => [entry.action, entry.detail?.deviceId ?? null])).toEqual([
      ['alarm.rule.delete', 'tank-1'],
      ['alarm.rule.set', 'tank-1'],
      ['alarm.rule.set', null],
    ])
    expect(audit.entries[2]).toMatchObject({
      siteId: SITE_ID,
      target: { type: 'alarm-rule', id: 'water-tank.level-low' },
      before: null,
      after: { siteId: SITE_ID, ruleId: 'water-tank.level-low', threshold: 25, priority: 'P1' },
      detail: { published: true },
    })
    expect(audit.entries[0]).toMatchObject({ before: { deviceId: 'tank-1', threshold: 20 }, after: null })
  })

  it('refuses what a rule cannot take, a rule or device the site lacks, and anyone but an admin', async () => {
    const api = await startAlarmApi()
    const admin = await userOf(api, 'demo.admin', 'admin')
    const supervisor = await userOf(api, 'wang.jun', 'supervisor')
    const put = (ruleId: string, payload: object) =>
      send(api, admin, { method: 'PUT', url: `${RULES}/${ruleId}`, payload })

    expect(expectError(await put('water-tank.overflow', { threshold: 1 }), 400, 'FM_ERR_RULE_INVALID')).toContain(
      'takes no threshold',
    )
    expectError(await put('water-tank.level-low', {}), 400, 'FM_ERR_RULE_INVALID')
    expectError(await put('water-tank.level-low', { deviceId: 'tank-1' }), 400, 'FM_ERR_RULE_INVALID')
    expectError(await put('water-tank.level-low', { deadband: -1 }), 400, 'FM_ERR_VALIDATION')
    expectError(await put('water-tank.level-low', { onDelaySec: 8 * 24 * 3600 }), 400, 'FM_ERR_VALIDATION')
    expectError(await put('water-tank.level-low', { colour: 'red' }), 400, 'FM_ERR_VALIDATION')
    expectError(await put('fire-water.tank-level-low', { threshold: 80 }), 404, 'FM_ERR_RULE_NOT_FOUND')
    expectError(await put('water-tank.no-such-rule', { enabled: false }), 404, 'FM_ERR_RULE_NOT_FOUND')
    expectError(await put('water-tank.level-low', { deviceId: 'pump-1', enabled: false }), 404, 'FM_ERR_RULE_NOT_FOUND')
    expectError(
      await put('water-tank.level-low', { deviceId: 'hexie-tank', enabled: false }),
      404,
      'FM_ERR_DEVICE_NOT_FOUND',
    )
    const payload = { enabled: false }
    const url = `${RULES}/water-tank.level-low`
    expectError(await send(api, supervisor, { method: 'PUT', url, payload }), 403, 'FM_ERR_FORBIDDEN')

    expect(api.store.listRuleOverrides()).toEqual([])
    const audit = (await api.inject('/api/audit?action=alarm.rule.set&outcome=failed')).json<AuditPage>()
    expect(audit.entries[0]?.detail).toMatchObject({ code: 'FM_ERR_RULE_INVALID' })
  })

  it("gives a point taken out of service the priority of the site's override", async () => {
    const api = await startAlarmApi()
    const admin = await userOf(api, 'demo.admin', 'admin')
    await send(api, admin, { method: 'PUT', url: `${RULES}/water-tank.overflow`, payload: { priority: 'P0' } })

    const response = await send(api, admin, {
      method: 'PUT',
      url: '/api/devices/tank-1/alarms/water-tank.overflow/out-of-service',
      payload: { until: api.clock.now() + 60_000, reason: 'float switch test' },
    })

    expect(response.json()).toMatchObject({ ruleId: 'water-tank.overflow', priority: 'P0' })
  })
})
