export { dataFiles, openStore } from './db.ts'
export { ManifestError } from './manifest.ts'
export { PASSWORD_COST, type PasswordCost } from './passwords.ts'
export { InfluxConfigError, loadInfluxConfig, openInfluxTimeSeries } from './telemetry/influx.ts'
export { openTimeSeries } from './telemetry/sqlite.ts'
export type {
  CredentialCacheOptions,
  CredentialCacheStats,
  DeviceRecord,
  DeviceState,
  DeviceStateUpdate,
  HistoryQuery,
  ProvisionResult,
  Store,
  TimeSeriesHealth,
  TimeSeriesStore,
  TimeSeriesTier,
} from './types.ts'
