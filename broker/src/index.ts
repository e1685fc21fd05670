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
export { type BrokerConfig, BrokerConfigError, loadConfig, type ServiceCredential } from './config.ts'
export { WS_PATH } from './listeners.ts'
export { MAX_PACKET_BYTES } from './packet-size.ts'
export { anyFilterCovers, filterCovers } from './topic-filter.ts'
