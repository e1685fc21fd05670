/**
 * The alarm routes of the api (docs/protocol.md): acting on one alarm answers it in its new state, which the caller
 * puts into the live store at once rather than waiting for the broadcast of the change.
 */
import type {
  AcknowledgeInput,
  AlarmJournalEntry,
  AlarmKpis,
  AlarmView,
  FireStep,
  OutOfServiceInput,
  ShelveInput,
} from '@fm/protocol'
import { getJson, sendJson } from '../api.ts'

const enc = encodeURIComponent

/** A page of the journal, newest first; `next` while older entries exist. */
export interface AlarmJournalPage {
  entries: AlarmJournalEntry[]
  next?: { beforeId: number }
}

/** Enough for the detail of one alarm: a chattering one has many more, and the journal page has them all. */
export const DETAIL_JOURNAL_LIMIT = 20

export function fetchAlarmJournal(alarmId: number, signal?: AbortSignal): Promise<AlarmJournalPage> {
  return getJson<AlarmJournalPage>(`/api/alarms/${alarmId}/journal?limit=${DETAIL_JOURNAL_LIMIT}`, signal)
}

export function acknowledgeAlarm(alarmId: number, input: AcknowledgeInput = {}): Promise<AlarmView> {
  return sendJson<AlarmView>('POST', `/api/alarms/${alarmId}/ack`, input)
}

export function shelveAlarm(alarmId: number, input: ShelveInput): Promise<AlarmView> {
  return sendJson<AlarmView>('POST', `/api/alarms/${alarmId}/shelve`, input)
}

export function unshelveAlarm(alarmId: number): Promise<AlarmView> {
  return sendJson<AlarmView>('POST', `/api/alarms/${alarmId}/unshelve`)
}

export function resetAlarm(alarmId: number): Promise<AlarmView> {
  return sendJson<AlarmView>('POST', `/api/alarms/${alarmId}/reset`)
}

export function recordFireStep(alarmId: number, step: FireStep, note?: string): Promise<AlarmView> {
  return sendJson<AlarmView>('POST', `/api/alarms/${alarmId}/fire-steps`, note ? { step, note } : { step })
}

const outOfServicePath = (deviceId: string, ruleId: string) =>
  `/api/devices/${enc(deviceId)}/alarms/${enc(ruleId)}/out-of-service`

export function takeOutOfService(deviceId: string, ruleId: string, input: OutOfServiceInput): Promise<AlarmView> {
  return sendJson<AlarmView>('PUT', outOfServicePath(deviceId, ruleId), input)
}

export function returnToService(deviceId: string, ruleId: string): Promise<AlarmView> {
  return sendJson<AlarmView>('DELETE', outOfServicePath(deviceId, ruleId))
}

/** The query of a KPI report: the site's figures over `[from, to)`, epoch ms. */
export function alarmKpisPath(siteId: string, from: number, to: number, format: 'json' | 'csv' = 'json'): string {
  const csv = format === 'csv' ? '&format=csv' : ''
  return `/api/sites/${enc(siteId)}/alarm-kpis?from=${from}&to=${to}${csv}`
}

export function fetchAlarmKpis(siteId: string, from: number, to: number, signal?: AbortSignal): Promise<AlarmKpis> {
  return getJson<AlarmKpis>(alarmKpisPath(siteId, from, to), signal)
}
