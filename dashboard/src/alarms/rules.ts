/** What the console says about an alarm's rule, from the protocol's catalog (`ALARM_RULES`). */
import { type AlarmRule, type AlarmView, alarmRule, GROUP_COMMS_LOSS_RULE } from '@fm/protocol'
import type { TFunction } from 'i18next'
import type { Language } from '../i18n/i18n.ts'

/** The fire alarms for which GB 25201 §5.3 asks the control room to record each step: the panel's and a room's smoke. */
export const FIRE_RULES: ReadonlySet<string> = new Set(['fire-alarm-panel.fire', 'room-environment.smoke'])

export function isFireAlarm(alarm: Pick<AlarmView, 'ruleId'>): boolean {
  return FIRE_RULES.has(alarm.ruleId)
}

/**
 * The rule's name in `language`. The group comms-loss alarm (a silent gateway or room) is not in the catalog, and a
 * rule a newer ingest knows may not be either: then its id, which the journal and the api use too.
 */
export function ruleName(ruleId: string, language: Language, t: TFunction): string {
  if (ruleId === GROUP_COMMS_LOSS_RULE) return t('alarms.groupCommsLoss')
  return alarmRule(ruleId)?.name[language] ?? ruleId
}

/** What to do, in `language`; undefined when the catalog does not know the rule. */
export function ruleGuidance(ruleId: string, language: Language, t: TFunction): string | undefined {
  if (ruleId === GROUP_COMMS_LOSS_RULE) return t('alarms.groupCommsLossGuidance')
  return alarmRule(ruleId)?.guidance[language]
}

/**
 * The telemetry field the rule watches, whose live value and trend the console shows: the measured value of a
 * threshold, rate or state, the feedback of a command mismatch; none for a comms loss.
 */
export function ruleField(rule: AlarmRule | undefined): string | undefined {
  const condition = rule?.condition
  switch (condition?.type) {
    case 'above':
    case 'below':
    case 'state':
    case 'rate':
      return condition.field
    case 'mismatch':
      return condition.feedback
    default:
      return undefined
  }
}
