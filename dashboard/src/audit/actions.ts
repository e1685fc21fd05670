/**
 * The actions the api writes to the audit log (`AUTH_ACTIONS`, `USER_ACTIONS`, `DEVICE_ACTIONS`, `ALARM_ACTIONS` and
 * `RULE_ACTIONS` in api/src, which the
 * dashboard may not import; docs/access.md explains them). Each has a label under `audit.actions`, nested at its
 * dots; an action this list does not know yet is shown by its code.
 */
export const KNOWN_AUDIT_ACTIONS = [
  'auth.login',
  'auth.lockout',
  'auth.logout',
  'auth.password.change',
  'user.create',
  'user.update',
  'user.password.reset',
  'device.create',
  'device.credentials.rotate',
  'device.revoke',
  'alarm.acknowledge',
  'alarm.shelve',
  'alarm.unshelve',
  'alarm.reset',
  'alarm.fire-step',
  'alarm.out-of-service',
  'alarm.in-service',
  'alarm.rule.set',
  'alarm.rule.delete',
] as const
