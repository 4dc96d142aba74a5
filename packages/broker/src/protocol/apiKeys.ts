/** API keys served, and the version ranges advertised (max = kafkajs 2.2.4's max; see docs/broker.md). */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
} as const;

export type ApiKeyValue = (typeof ApiKey)[keyof typeof ApiKey];

/**
 * Advertised [min, max] per key. Minimums stay low because librdkafka < 2.11.1 only enables
 * features (MsgVer2, groups, idempotence, zstd) when old versions are in range; clients pick
 * the max, so the old versions are never used by them.
 */
export const SUPPORTED_VERSIONS: Record<number, readonly [number, number]> = {
  [ApiKey.Produce]: [0, 7],
  [ApiKey.Fetch]: [0, 11],
  [ApiKey.ListOffsets]: [0, 3],
  [ApiKey.Metadata]: [0, 6],
  [ApiKey.OffsetCommit]: [0, 5],
  [ApiKey.OffsetFetch]: [1, 4],
  [ApiKey.FindCoordinator]: [0, 2],
  [ApiKey.JoinGroup]: [0, 5],
  [ApiKey.Heartbeat]: [0, 3],
  [ApiKey.LeaveGroup]: [0, 3],
  [ApiKey.SyncGroup]: [0, 3],
  [ApiKey.DescribeGroups]: [0, 2],
  [ApiKey.ListGroups]: [0, 2],
  [ApiKey.SaslHandshake]: [0, 1],
  [ApiKey.ApiVersions]: [0, 3],
  [ApiKey.CreateTopics]: [0, 3],
  [ApiKey.DeleteTopics]: [0, 1],
  [ApiKey.InitProducerId]: [0, 1],
  [ApiKey.DescribeConfigs]: [0, 2],
  [ApiKey.AlterConfigs]: [0, 1],
  [ApiKey.SaslAuthenticate]: [0, 1],
  [ApiKey.CreatePartitions]: [0, 1],
  [ApiKey.DeleteGroups]: [0, 1],
};

export const API_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ApiKey).map(([name, key]) => [key, name]),
);

export function isSupported(apiKey: number, version: number): boolean {
  const range = SUPPORTED_VERSIONS[apiKey];
  return range !== undefined && version >= range[0] && version <= range[1];
}
