export type { SaslMechanism, SaslOptions } from './auth/sasl';
export { BrokerCore } from './broker';
export { type BrokerCliOptions, registerBrokerCommand, runBrokerCli } from './cli';
export { ApiKey, SUPPORTED_VERSIONS } from './protocol/apiKeys';
export { crc32c } from './protocol/crc32c';
export { buildBatch, decodeRecords, readBatchHeader } from './protocol/recordBatch';
export { type BrokerHandle, type BrokerOptions, startBroker, type TopicSpec } from './startBroker';
export type { FsyncPolicy } from './storage/partitionLog';
