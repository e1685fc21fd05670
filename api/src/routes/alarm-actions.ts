/**
 * What people do with alarms. `alarms.respond` (admin, supervisor, technician, guard): acknowledge, shelve, unshelve,
 * reset a latched alarm, record a step of the fire procedure (GB 25201 §5.3). `alarms.suppress` (admin, supervisor):
 * take a point out of service until a time, and back. Always within the user's scope.
 *
 * The store's state machine decides what is allowed (`AlarmError`: 404, 409, 400 here). Every action is audited with
 * the alarm before and after, and a refused one with the code and reason; every change goes to the live view at once
 * and is published as an `AlarmChange` (alarm-changes.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AcknowledgeInput,
  type AlarmRule,
  AlarmView,
  alarmRule,
  FireStepInput,
  ID_PATTERN,
  OutOfServiceInput,
  ShelveInput,
} from '@fm/protocol'
import { type AlarmActor, AlarmError, type AlarmUpdate, type DeviceRecord, type UserRecord } from '@fm/store'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { announceAlarmChange } from '../alarm-changes.ts'
import { effectivePriority } from '../alarm-rule-view.ts'
import type { RouteDeps } from '../app.ts'
import { audit, userActor } from '../auth/audit.ts'
import { assertCovers, requirePermission, signedIn } from '../auth/guards.ts'
import { apiError } from '../errors.ts'
import { AlarmParams, alarmInScope } from './alarms.ts'
import { errorResponses } from './schemas.ts'

/** Every action these routes write to the audit log; docs/access.md explains them. */
export const ALARM_ACTIONS = {
  acknowledge: 'alarm.acknowledge',
  shelve: 'alarm.shelve',
  unshelve: 'alarm.unshelve',
  reset: 'alarm.reset',
  fireStep: 'alarm.fire-step',
  outOfService: 'alarm.out-of-service',
  inService: 'alarm.in-service',
} as const
type AlarmAction = (typeof ALARM_ACTIONS)[keyof typeof ALARM_ACTIONS]

const PointParams = Type.Object(
  {
    deviceId: Type.String({ pattern: ID_PATTERN, description: 'device id' }),
    ruleId: Type.String({
      pattern: '^[a-z0-9-]+\\.[a-z0-9-]+$',
      description: 'a rule of the catalog, `<kind>.<name>`',
    }),
  },
  { additionalProperties: false },
)

const actorOf = (user: UserRecord): AlarmActor => ({ userId: user.id, name: user.displayName })

/** What the routes tell about one action, for the audit log. */
interface Action {
  action: AlarmAction
  /** The alarm before; undefined for a point that never alarmed (out of service beforehand). */
  before: AlarmView | undefined
  siteId: string
  /** The target when there is no alarm yet. */
  deviceId: string
  detail?: Record<string, unknown>
  run: () => AlarmUpdate
}

export const alarmActionRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, live, now }) => {
  const respond = requirePermission('alarms.respond')
  const suppress = requirePermission('alarms.suppress')

  /** Runs the store's transition, audits it (or its refusal) and announces the change; answers the alarm after. */
  async function act(request: FastifyRequest, { action, before, siteId, deviceId, detail, run }: Action) {
    const user = signedIn(request)
    const target = before ? { type: 'alarm', id: String(before.id) } : { type: 'device', id: deviceId }
    let update: AlarmUpdate
    try {
      update = run()
    } catch (error) {
      if (!(error instanceof AlarmError)) throw error
      const answer = apiError(error.code, error.message)
      audit(store, request, {
        actor: userActor(user),
        action,
        outcome: 'failed',
        siteId,
        target,
        detail: { ...detail, code: answer.code, reason: answer.message },
      })
      throw answer
    }
    audit(store, request, {
      actor: userActor(user),
      action,
      outcome: 'ok',
      siteId,
      target: { type: 'alarm', id: String(update.alarm.id) },
      ...(detail === undefined ? {} : { detail }),
      ...(before === undefined ? {} : { before }),
      after: update.alarm,
    })
    // a change the broker did not take stands all the same (publishServiceMessage warns): the store is the truth
    await announceAlarmChange(live, update)
    return update.alarm
  }

  /** An action on one alarm by id, within the user's scope. */
  function onAlarm(request: FastifyRequest, id: number, action: AlarmAction) {
    const before = alarmInScope(store, signedIn(request), id)
    return { action, before, siteId: before.siteId, deviceId: before.deviceId }
  }

  /** The device and the catalog rule of a point, within the user's scope; 404 when the kind has no such rule. */
  function pointInScope(user: UserRecord, deviceId: string, ruleId: string): { device: DeviceRecord; rule: AlarmRule } {
    const device = store.getDevice(deviceId)
    if (!device) throw apiError('FM_ERR_DEVICE_NOT_FOUND', deviceId)
    assertCovers(user, device.siteId, device.buildingId)
    const rule = alarmRule(ruleId)
    if (!rule || rule.kind !== device.kind) {
      throw apiError('FM_ERR_RULE_NOT_FOUND', `no rule "${ruleId}" for a ${device.kind} such as "${device.id}"`)
    }
    return { device, rule }
  }

  const alarmSchema = (summary: string, description: string) => ({
    tags: ['alarms'],
    summary,
    description,
    params: AlarmParams,
    response: { 200: AlarmView, ...errorResponses(400, 401, 403, 404, 409, 500) },
  })

  app.post(
    '/alarms/:id/ack',
    {
      // an acknowledgement without a body is one without a comment
      preValidation: async (request) => {
        request.body ??= {}
      },
      preHandler: respond,
      schema: {
        ...alarmSchema(
          'Acknowledge an alarm, with an optional comment',
          'An alarm acknowledged already answers 409 FM_ERR_ALARM_STATE. Audited as alarm.acknowledge.',
        ),
        body: AcknowledgeInput,
      },
    },
    (request) => {
      const comment = request.body?.comment
      return act(request, {
        ...onAlarm(request, request.params.id, ALARM_ACTIONS.acknowledge),
        ...(comment === undefined ? {} : { detail: { comment } }),
        run: () => store.acknowledgeAlarm(request.params.id, actorOf(signedIn(request)), now(), comment),
      })
    },
  )

  app.post(
    '/alarms/:id/shelve',
    {
      preHandler: respond,
      schema: {
        ...alarmSchema(
          'Shelve an alarm: for `durationMin` (timed, at most 12 h) or until it next returns to normal (one-shot)',
          'A reason is required. A P0 alarm, or one out of service, answers 409 FM_ERR_ALARM_STATE; a timed shelve ' +
            'without `durationMin`, or a one-shot one with it, 400 FM_ERR_ALARM_INVALID. Audited as alarm.shelve.',
        ),
        body: ShelveInput,
      },
    },
    (request) => {
      const { kind, durationMin, reason } = request.body
      if (kind === 'timed' && durationMin === undefined) {
        throw apiError('FM_ERR_ALARM_INVALID', 'a timed shelve needs `durationMin`')
      }
      if (kind === 'one-shot' && durationMin !== undefined) {
        throw apiError(
          'FM_ERR_ALARM_INVALID',
          'a one-shot shelve lasts until the alarm returns to normal: no `durationMin`',
        )
      }
      const ts = now()
      const until = durationMin === undefined ? undefined : ts + durationMin * 60_000
      return act(request, {
        ...onAlarm(request, request.params.id, ALARM_ACTIONS.shelve),
        detail: { kind, reason, ...(until === undefined ? {} : { until }) },
        run: () =>
          store.shelveAlarm(
            request.params.id,
            actorOf(signedIn(request)),
            { kind, reason, ...(until === undefined ? {} : { until }) },
            ts,
          ),
      })
    },
  )

  app.post(
    '/alarms/:id/unshelve',
    {
      preHandler: respond,
      schema: alarmSchema(
        'Unshelve an alarm before its shelve ends',
        'An alarm that is not shelved answers 409 FM_ERR_ALARM_STATE. Audited as alarm.unshelve.',
      ),
    },
    (request) =>
      act(request, {
        ...onAlarm(request, request.params.id, ALARM_ACTIONS.unshelve),
        run: () => store.unshelveAlarm(request.params.id, actorOf(signedIn(request)), now()),
      }),
  )

  app.post(
    '/alarms/:id/reset',
    {
      preHandler: respond,
      schema: alarmSchema(
        'Reset a latched alarm (fire) once its condition has cleared',
        'An alarm that does not latch, is not active, or whose condition still holds answers 409 ' +
          'FM_ERR_ALARM_STATE. Audited as alarm.reset.',
      ),
    },
    (request) =>
      act(request, {
        ...onAlarm(request, request.params.id, ALARM_ACTIONS.reset),
        run: () => store.resetAlarm(request.params.id, actorOf(signedIn(request)), now()),
      }),
  )

  app.post(
    '/alarms/:id/fire-steps',
    {
      preHandler: respond,
      schema: {
        ...alarmSchema(
          'Record a step of the fire procedure (GB 25201 §5.3) for an open P0 alarm, timestamped: the required record',
          'A step recorded already for this occurrence, or an alarm that is not an open P0, answers 409 ' +
            'FM_ERR_ALARM_STATE. Audited as alarm.fire-step.',
        ),
        body: FireStepInput,
      },
    },
    (request) => {
      const { step, note } = request.body
      return act(request, {
        ...onAlarm(request, request.params.id, ALARM_ACTIONS.fireStep),
        detail: { step, ...(note === undefined ? {} : { note }) },
        run: () => store.recordFireStep(request.params.id, actorOf(signedIn(request)), step, now(), note),
      })
    },
  )

  const pointSchema = (summary: string, description: string) => ({
    tags: ['alarms'],
    summary,
    description,
    params: PointParams,
    response: { 200: AlarmView, ...errorResponses(400, 401, 403, 404, 409, 500) },
  })

  app.put(
    '/devices/:deviceId/alarms/:ruleId/out-of-service',
    {
      preHandler: suppress,
      schema: {
        ...pointSchema(
          'Take the alarm of one rule on one device out of service until a time (a fire zone under test)',
          'The point need not have alarmed before. A reason is required; `until` must be in the future and at most ' +
            '7 days ahead (400 FM_ERR_ALARM_INVALID). A rule the device kind lacks answers 404 FM_ERR_RULE_NOT_FOUND. ' +
            'Replaces a shelve. Audited as alarm.out-of-service.',
        ),
        body: OutOfServiceInput,
      },
    },
    (request) => {
      const user = signedIn(request)
      const { deviceId, ruleId } = request.params
      const { until, reason } = request.body
      const { device, rule } = pointInScope(user, deviceId, ruleId)
      const priority = effectivePriority(rule, device.id, store.listRuleOverrides(device.siteId))
      const target = { deviceId, ruleId, priority, latch: rule.latch, ack: rule.ack }
      return act(request, {
        action: ALARM_ACTIONS.outOfService,
        before: store.findAlarm(deviceId, ruleId),
        siteId: device.siteId,
        deviceId,
        detail: { ruleId, until, reason },
        run: () => store.setAlarmOutOfService(target, actorOf(user), { until, reason }, now()),
      })
    },
  )

  app.delete(
    '/devices/:deviceId/alarms/:ruleId/out-of-service',
    {
      preHandler: suppress,
      schema: pointSchema(
        'Return the alarm of one rule on one device to service before its out-of-service period ends',
        'A point in service answers 409 FM_ERR_ALARM_STATE. Audited as alarm.in-service.',
      ),
    },
    (request) => {
      const user = signedIn(request)
      const { deviceId, ruleId } = request.params
      const { device } = pointInScope(user, deviceId, ruleId)
      const before = store.findAlarm(deviceId, ruleId)
      return act(request, {
        action: ALARM_ACTIONS.inService,
        before,
        siteId: device.siteId,
        deviceId,
        detail: { ruleId },
        run: () => {
          if (!before) throw new AlarmError('FM_ERR_ALARM_STATE', `"${ruleId}" of device "${deviceId}" is in service`)
          return store.returnAlarmToService(before.id, actorOf(user), now())
        },
      })
    },
  )
}
