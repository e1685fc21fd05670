export {
  type AlarmActor,
  AlarmError,
  type AlarmErrorCode,
  type AlarmFilter,
  type AlarmJournalQuery,
  type AlarmRaise,
  type AlarmStore,
  type AlarmUpdate,
  DEFAULT_JOURNAL_LIMIT,
  MAX_JOURNAL_LIMIT,
  type ShelveRequest,
  type SiteRuleOverride,
} from './alarms.ts'
export { AUDIT_VALUE_MAX_BYTES, DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT } from './audit.ts'
export { dataFiles, openStore } from './db.ts'
export { DeviceError, type DeviceErrorCode, ManifestError } from './manifest.ts'
export { PASSWORD_COST, type PasswordCost } from './passwords.ts'
export { SESSION_IDLE_MS, SESSION_TOUCH_MS, SESSION_TTL_MS } from './sessions.ts'
export { InfluxConfigError, loadInfluxConfig, openInfluxTimeSeries } from './telemetry/influx.ts'
export { openTimeSeries } from './telemetry/sqlite.ts'
export type {
  AuditActor,
  AuditEntry,
  AuditInput,
  AuditOutcome,
  AuditQuery,
  CreatedDevice,
  CredentialCacheOptions,
  CredentialCacheStats,
  DeviceRecord,
  DeviceState,
  DeviceStateUpdate,
  FirstAdminResult,
  HistoryQuery,
  LoginResult,
  NewDevice,
  NewUser,
  PmPlanPatch,
  ProvisionResult,
  SessionRecord,
  SessionStart,
  Store,
  Technician,
  TimeSeriesHealth,
  TimeSeriesStore,
  TimeSeriesTier,
  UserPatch,
  UserRecord,
  WorkOrderActor,
  WorkOrderFilter,
  WorkOrderPage,
  WorkOrderPhoto,
  WorkOrderPhotoInput,
} from './types.ts'
export { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, UserError, type UserErrorCode } from './user-policy.ts'
export { LOGIN_LOCK_MS, LOGIN_MAX_FAILURES } from './users.ts'
export { WorkOrderError, type WorkOrderErrorCode } from './work-order-rows.ts'
export { DEFAULT_WORK_ORDER_PAGE, WORK_ORDER_PAGE_MAX, WORK_ORDER_PHOTO_MAX_BYTES } from './work-orders.ts'
