/**
 * Alarms for the api tests, made as ingest makes them: a transition in the real store, then its `AlarmChange`
 * published on ingest's topic through the test broker. The compound gets a fire alarm panel, and a second compound
 * stands for everything a user of the first must not see.
 */
import {
  type AlarmChange,
  type AlarmView,
  alarmChangeTopic,
  alarmRule,
  type FieldValue,
  type SiteManifest,
} from '@fm/protocol'
import type { AlarmUpdate } from '@fm/store'
import { type Api, type ApiOptions, compound } from './fixtures.ts'
import { addUser, type Cookies, scopeFor, signIn, startGuardedApi } from './sign-in.ts'

export const OTHER_SITE = 'hexie'

/**
 * 幸福里 as the fixtures provision it, plus a fire alarm panel in a fire control room at site level and a room sensor
 * in the pump room of building b1.
 */
export function withFirePanel(): SiteManifest {
  const manifest = compound()
  manifest.rooms.push({ id: 'fire-control', name: '消防控制室', type: 'fire-control-room' })
  manifest.devices.push({
    id: 'fire-panel',
    kind: 'fire-alarm-panel',
    name: '火灾报警控制器',
    room: 'fire-control',
    password: 'fire-panel-password',
  })
  manifest.devices.push({
    id: 'env-1',
    kind: 'room-environment',
    name: '泵房环境',
    room: 'pump-room',
    password: 'env-1-password-xx',
  })
  return manifest
}

/** 和谐家园: a second compound with a water tank. */
export function otherCompound(): SiteManifest {
  return {
    site: { id: OTHER_SITE, name: '和谐家园', timezone: 'Asia/Shanghai' },
    buildings: [{ id: 'b1', name: '1栋' }],
    rooms: [{ id: 'pump-room', name: '生活泵房', type: 'domestic-pump-room', building: 'b1' }],
    devices: [
      { id: 'hexie-tank', kind: 'water-tank', name: '生活水箱', room: 'pump-room', password: 'hexie-tank-pass' },
    ],
  }
}

/** Publishes a change on ingest's topic, as ingest does after each transition. */
export async function publishChange(api: Api, update: AlarmUpdate | undefined): Promise<AlarmView> {
  if (!update) throw new Error('the store made no change')
  const change: AlarmChange = { alarm: update.alarm, transition: update.transition, ts: update.ts }
  await api.broker.publish(alarmChangeTopic('ingest', update.alarm.siteId), JSON.stringify(change))
  return update.alarm
}

/** Raises (or re-triggers) the rule's alarm on the device at `ts`, with the catalog's priority, and publishes it. */
export function raise(api: Api, deviceId: string, ruleId: string, ts: number, value?: FieldValue): Promise<AlarmView> {
  const rule = alarmRule(ruleId)
  if (!rule) throw new Error(`no rule ${ruleId}`)
  const update = api.store.raiseAlarm({
    deviceId,
    ruleId,
    priority: rule.priority,
    latch: rule.latch,
    ack: rule.ack,
    ts,
    ...(value === undefined ? {} : { value }),
  })
  return publishChange(api, update)
}

/** The rule's condition cleared on the device at `ts`, published. */
export function clear(api: Api, deviceId: string, ruleId: string, ts: number): Promise<AlarmView> {
  return publishChange(api, api.store.clearAlarm(deviceId, ruleId, ts))
}

/** The changes a socket received for one alarm, in order. */
export function changesOf(received: { event: string; data: unknown }[], alarmId: number): AlarmChange[] {
  return received
    .filter((entry) => entry.event === 'alarms')
    .flatMap((entry) => entry.data as AlarmChange[])
    .filter((change) => change.alarm.id === alarmId)
}

/** The api with the test clock, both compounds, and due suppressions ended every 20 ms. */
export function startAlarmApi(options: ApiOptions = {}) {
  return startGuardedApi({ moreSites: [withFirePanel(), otherCompound()], suppressionExpiryCheckMs: 20, ...options })
}

/** A user made in the store and signed in through the login route; by default scoped as `scopeFor` says. */
export async function userOf(
  api: Api,
  username: string,
  role: Parameters<typeof scopeFor>[0],
  scope = scopeFor(role),
): Promise<Cookies> {
  await addUser(api, username, role, scope)
  return signIn(api, username)
}
