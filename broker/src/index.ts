export {
  checkClientId,
  checkPublish,
  checkSubscribe,
  checkWill,
  type Decision,
  type Principal,
  SERVICE_ROLES,
  SERVICE_USERNAME_PREFIX,
  type ServiceRole,
  serviceUsername,
} from './access.ts'
export { type BrokerDeps, type BrokerStats, createBroker, type RunningBroker } from './broker.ts'
export { type BrokerConfig, BrokerConfigError, type BrokerTls, loadConfig, type ServiceCredential } from './config.ts'
export { WS_PATH } from './listeners.ts'
export { MAX_PACKET_BYTES } from './packet-size.ts'
export { DEFAULT_RATE_LIMITS, MAX_THROTTLE_DELAY_MS, type RateLimit, type RateLimits } from './rate-limit.ts'
export { BROKER_STATUS_TOPIC } from './status.ts'
export { anyFilterCovers, filterCovers } from './topic-filter.ts'
