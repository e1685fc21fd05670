export { ConfigError, type IngestConfig, loadConfig } from './config.ts'
export { createIngest, INGEST_STATUS_TOPIC, type Ingest, type IngestDeps } from './ingest.ts'
export type { IngestStats } from './stats.ts'
