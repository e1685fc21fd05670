/**
 * The alarm rules of a site: `GET /api/sites/:siteId/alarm-rules` (`devices.read`) lists the catalog's rules for the
 * site's kinds of equipment with its overrides merged (alarm-rule-view.ts); `PUT` and `DELETE
 * /api/sites/:siteId/alarm-rules/:ruleId` (`rules.manage`) set or remove the override of the site, or with `deviceId`
 * of one device. Every change is audited with the override before and after, and a refused one with the reason.
 *
 * Ingest, another process, evaluates the rules: after a change the api publishes a notice on
 * `fm/services/api/rules/<siteId>` and ingest reloads the site's overrides from the store. When the api is not
 * connected to the broker the change stands all the same, with a warning: ingest reads the overrides at its start.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ALARM_RULES, type AlarmRule, alarmRule, ID_PATTERN, ruleChangesTopic } from '@fm/protocol'
import type { SiteRuleOverride, UserRecord } from '@fm/store'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { AlarmRuleView, alarmRuleView, overrideRefusal, RuleOverrideInput, settingsOf } from '../alarm-rule-view.ts'
import type { RouteDeps } from '../app.ts'
import { audit, userActor } from '../auth/audit.ts'
import { assertCovers, requirePermission, requireSite, signedIn } from '../auth/guards.ts'
import { type ApiError, apiError } from '../errors.ts'
import { deviceCoverage } from './alarms.ts'
import { errorResponses } from './schemas.ts'

/** Every action these routes write to the audit log; docs/access.md explains them. */
export const RULE_ACTIONS = {
  set: 'alarm.rule.set',
  delete: 'alarm.rule.delete',
} as const
type RuleAction = (typeof RULE_ACTIONS)[keyof typeof RULE_ACTIONS]

/** The notice on `ruleChangesTopic`: which override changed, and when (epoch ms). */
export interface RulesNotice {
  siteId: string
  ruleId: string
  deviceId?: string
  ts: number
}

const RuleParams = Type.Object(
  {
    siteId: Type.String({ pattern: ID_PATTERN, description: 'site id' }),
    ruleId: Type.String({ pattern: '^[a-z0-9-]+\\.[a-z0-9-]+$', description: 'a rule of the catalog' }),
  },
  { additionalProperties: false },
)

const DeleteQuery = Type.Object(
  { deviceId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "the device's override" })) },
  { additionalProperties: false },
)

const SiteOnly = Type.Object(
  { siteId: Type.String({ pattern: ID_PATTERN, description: 'site id' }) },
  { additionalProperties: false },
)

const sameSettings = (override: SiteRuleOverride, settings: ReturnType<typeof settingsOf>) =>
  JSON.stringify(settingsOf(override)) === JSON.stringify(settingsOf(settings))

export const alarmRuleRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, live, now }) => {
  /** The site's kinds of equipment; 404 for a site that does not exist. */
  function siteKinds(siteId: string): Set<string> {
    if (!store.listSites().some((site) => site.id === siteId)) throw apiError('FM_ERR_SITE_NOT_FOUND', siteId)
    return new Set(live.devices({ siteId }).map((device) => device.kind))
  }

  function view(user: UserRecord, rule: AlarmRule, siteId: string): AlarmRuleView {
    return alarmRuleView(rule, store.listRuleOverrides(siteId), deviceCoverage(store, user.scope))
  }

  /** The rule, for the site's kinds; with `deviceId`, for that device of the site, within the user's scope. */
  function ruleOf(user: UserRecord, siteId: string, ruleId: string, deviceId: string | undefined): AlarmRule {
    const rule = alarmRule(ruleId)
    if (!rule || !siteKinds(siteId).has(rule.kind)) {
      throw apiError('FM_ERR_RULE_NOT_FOUND', `no rule "${ruleId}" for the equipment of site "${siteId}"`)
    }
    if (deviceId === undefined) return rule
    const device = store.getDevice(deviceId)
    if (!device || device.siteId !== siteId) throw apiError('FM_ERR_DEVICE_NOT_FOUND', deviceId)
    assertCovers(user, device.siteId, device.buildingId)
    if (device.kind !== rule.kind) {
      throw apiError('FM_ERR_RULE_NOT_FOUND', `no rule "${ruleId}" for a ${device.kind} such as "${deviceId}"`)
    }
    return rule
  }

  function overrideOf(siteId: string, ruleId: string, deviceId: string | undefined): SiteRuleOverride | undefined {
    return store
      .listRuleOverrides(siteId)
      .find((override) => override.ruleId === ruleId && override.deviceId === deviceId)
  }

  /**
   * Tells ingest to reload the site's overrides, then audits the change with whether ingest was told: the store
   * holds the change either way, and ingest reads it at its next start if the notice was lost.
   */
  async function announce(
    request: FastifyRequest,
    action: RuleAction,
    target: { siteId: string; ruleId: string; deviceId: string | undefined },
    before: SiteRuleOverride | null,
    after: SiteRuleOverride | null,
    ts: number,
  ): Promise<void> {
    const { siteId, ruleId, deviceId } = target
    const device = deviceId === undefined ? {} : { deviceId }
    const notice: RulesNotice = { siteId, ruleId, ...device, ts }
    const published = await live.publishServiceMessage(ruleChangesTopic(siteId), JSON.stringify(notice))
    if (!published) request.log.warn(notice, 'ingest was not told: it applies the rule change at its next start')
    audit(store, request, {
      actor: userActor(signedIn(request)),
      action,
      outcome: 'ok',
      siteId,
      target: { type: 'alarm-rule', id: ruleId },
      detail: { ...device, published },
      before,
      after,
    })
  }

  function refused(request: FastifyRequest, action: RuleAction, siteId: string, ruleId: string, answer: ApiError) {
    audit(store, request, {
      actor: userActor(signedIn(request)),
      action,
      outcome: 'failed',
      siteId,
      target: { type: 'alarm-rule', id: ruleId },
      detail: { code: answer.code, reason: answer.message },
    })
    return answer
  }

  app.get(
    '/sites/:siteId/alarm-rules',
    {
      preHandler: [requirePermission('devices.read'), requireSite()],
      schema: {
        tags: ['alarms'],
        summary: "The alarm rules for the site's equipment, with the site's and its devices' overrides",
        description:
          "Each rule's numbers are the catalog's with the site's override applied; `devices` lists the devices of " +
          'your scope that have an override of their own, with the numbers that apply to them.',
        params: SiteOnly,
        response: { 200: Type.Array(AlarmRuleView), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    (request) => {
      const user = signedIn(request)
      const { siteId } = request.params
      const kinds = siteKinds(siteId)
      return ALARM_RULES.filter((rule) => kinds.has(rule.kind)).map((rule) => view(user, rule, siteId))
    },
  )

  app.put(
    '/sites/:siteId/alarm-rules/:ruleId',
    {
      preHandler: [requirePermission('rules.manage'), requireSite()],
      schema: {
        tags: ['alarms'],
        summary: "Set the site's override of a rule, or with `deviceId` one device's: the whole override",
        description:
          "Fields left out take the site's (for a device) or the catalog's value. A threshold or deadband on a " +
          'rule without one, or no setting at all, answers 400 FM_ERR_RULE_INVALID; a rule the site or device ' +
          'does not have 404 FM_ERR_RULE_NOT_FOUND. Ingest applies it within a second. Audited as alarm.rule.set.',
        params: RuleParams,
        body: RuleOverrideInput,
        response: { 200: AlarmRuleView, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const user = signedIn(request)
      const { siteId, ruleId } = request.params
      const { deviceId } = request.body
      const rule = ruleOf(user, siteId, ruleId, deviceId)
      const settings = settingsOf(request.body)
      const refusal = overrideRefusal(rule, settings)
      if (refusal) throw refused(request, RULE_ACTIONS.set, siteId, ruleId, apiError('FM_ERR_RULE_INVALID', refusal))
      const before = overrideOf(siteId, ruleId, deviceId)
      // a change that changes nothing is neither written, nor announced, nor audited
      if (before && sameSettings(before, settings)) return view(user, rule, siteId)
      const ts = now()
      const after = store.setRuleOverride(
        siteId,
        { ruleId, ...(deviceId === undefined ? {} : { deviceId }), ...settings },
        ts,
      )
      await announce(request, RULE_ACTIONS.set, { siteId, ruleId, deviceId }, before ?? null, after, ts)
      return view(user, rule, siteId)
    },
  )

  app.delete(
    '/sites/:siteId/alarm-rules/:ruleId',
    {
      preHandler: [requirePermission('rules.manage'), requireSite()],
      schema: {
        tags: ['alarms'],
        summary: "Remove the site's override of a rule, or with `deviceId` one device's",
        description:
          'Idempotent: removing an override that does not exist changes nothing and is not audited. Audited as ' +
          'alarm.rule.delete.',
        params: RuleParams,
        querystring: DeleteQuery,
        response: { 200: AlarmRuleView, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const user = signedIn(request)
      const { siteId, ruleId } = request.params
      const { deviceId } = request.query
      const rule = ruleOf(user, siteId, ruleId, deviceId)
      const before = overrideOf(siteId, ruleId, deviceId)
      if (!before || !store.deleteRuleOverride(siteId, ruleId, deviceId)) return view(user, rule, siteId)
      await announce(request, RULE_ACTIONS.delete, { siteId, ruleId, deviceId }, before, null, now())
      return view(user, rule, siteId)
    },
  )
}
