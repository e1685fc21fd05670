export type {
  DeviceRecord,
  DeviceState,
  DeviceStateUpdate,
  HistoryQuery,
  ProvisionResult,
  Store,
  TimeSeriesStore,
} from './types.ts'
