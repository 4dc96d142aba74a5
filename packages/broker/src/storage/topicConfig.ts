/** Topic configs the broker honours; any other name is rejected with INVALID_CONFIG. */
export interface TopicConfig {
  'cleanup.policy': 'delete' | 'compact' | 'compact,delete';
  'retention.ms': number;
  'retention.bytes': number;
  'segment.bytes': number;
  'segment.ms': number;
  'max.message.bytes': number;
  'message.timestamp.type': 'CreateTime' | 'LogAppendTime';
  'delete.retention.ms': number;
  'min.cleanable.dirty.ratio': number;
}

export const DEFAULT_TOPIC_CONFIG: TopicConfig = {
  'cleanup.policy': 'delete',
  'retention.ms': 7 * 24 * 3600_000,
  'retention.bytes': -1,
  'segment.bytes': 1 << 30,
  'segment.ms': 7 * 24 * 3600_000,
  'max.message.bytes': 1024 * 1024 + 12,
  'message.timestamp.type': 'CreateTime',
  'delete.retention.ms': 24 * 3600_000,
  'min.cleanable.dirty.ratio': 0.5,
};

/** Validates string configs (as sent by CreateTopics) into a partial TopicConfig, or returns an error text. */
export function parseTopicConfigs(
  entries: { name: string; value: string | null }[],
): { config: Partial<TopicConfig> } | { error: string } {
  const config: Record<string, unknown> = {};
  for (const { name, value } of entries) {
    if (!(name in DEFAULT_TOPIC_CONFIG)) return { error: `unknown or unsupported config ${name}` };
    if (value === null) continue;
    const def = DEFAULT_TOPIC_CONFIG[name as keyof TopicConfig];
    if (typeof def === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) return { error: `config ${name} needs a number, got ${value}` };
      config[name] = n;
    } else if (name === 'cleanup.policy') {
      const v = value
        .split(',')
        .map((s) => s.trim())
        .sort()
        .join(',');
      if (!['delete', 'compact', 'compact,delete'].includes(v))
        return { error: `bad cleanup.policy ${value}` };
      config[name] = v;
    } else if (name === 'message.timestamp.type') {
      if (value !== 'CreateTime' && value !== 'LogAppendTime') return { error: `bad ${name} ${value}` };
      config[name] = value;
    }
  }
  return { config: config as Partial<TopicConfig> };
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Kafka's topic name rule; it also keeps names safe as directory names. */
export function topicNameProblem(name: string): string | undefined {
  if (!TOPIC_NAME.test(name)) return `invalid topic name ${JSON.stringify(name)}`;
  if (name === '.' || name === '..') return `invalid topic name ${name}`;
  return undefined;
}
