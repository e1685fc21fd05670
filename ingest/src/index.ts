export {
  type AlarmEngine,
  type AlarmEngineOptions,
  type AlarmEngineStore,
  createAlarmEngine,
  RULES_RELOAD_MS,
} from './alarm-engine.ts'
export type { AlarmCounts } from './alarm-writer.ts'
export { GROUP_MIN_DEVICES, GROUP_WAIT_MAX_MS, SILENT_INTERVALS } from './comms-loss.ts'
export { ConfigError, type IngestConfig, loadConfig } from './config.ts'
export { MAX_HELD_ACKS } from './held-acks.ts'
export { createIngest, INGEST_STATUS_TOPIC, type Ingest, type IngestDeps } from './ingest.ts'
export { openSpool, type Spool, SpoolFullError, type SpoolStats, spoolFile } from './spool.ts'
export type { IngestStats } from './stats.ts'
