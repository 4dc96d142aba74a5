import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { schemasDir } from '../avro/schemas-dir';
import { topicCatalog } from './catalog';

/**
 * redpanda/topics.yaml: what `nagare topics apply` creates on any Kafka-compatible broker
 * (Redpanda in production, the embedded broker locally). Rendered from the topic catalog;
 * a test keeps the committed file equal to the rendering.
 */
export const TopicDefinition = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9._-]+$/),
  partitions: z.number().int().min(1).max(1000),
  replicationFactor: z.number().int().min(1).max(7),
  config: z.record(z.string(), z.string()),
});
export type TopicDefinition = z.infer<typeof TopicDefinition>;
const TopicFile = z.strictObject({ topics: z.array(TopicDefinition).min(1) });

export const topicDefinitionsFile = (): string => path.join(schemasDir(), '..', 'redpanda', 'topics.yaml');

export function catalogTopicDefinitions(): TopicDefinition[] {
  return topicCatalog.map((t) => ({
    name: t.name,
    partitions: t.partitions,
    replicationFactor: 3,
    config: {
      'cleanup.policy': t.cleanupPolicy,
      'retention.ms': String(t.retentionMs),
      ...(t.name === 'agent.command-output' || t.name.endsWith('.dlq')
        ? { 'max.message.bytes': '4194304' }
        : {}),
    },
  }));
}

export function renderTopicDefinitions(): string {
  const lines = [
    '# Nagare topics: partitions, replication and configs for any Kafka-compatible broker.',
    '# Rendered from packages/contracts/src/topics/catalog.ts by `pnpm docs:topics`; a test keeps them equal.',
    '# Apply with `pnpm nagare topics apply --brokers HOST:PORT --registry URL` (replication is',
    '# clamped to the number of brokers, so the same file serves the embedded single-node broker).',
    'topics:',
  ];
  for (const t of catalogTopicDefinitions()) {
    lines.push(
      `  - name: ${t.name}`,
      `    partitions: ${t.partitions}`,
      `    replicationFactor: ${t.replicationFactor}`,
    );
    lines.push('    config:');
    for (const [k, v] of Object.entries(t.config)) lines.push(`      ${k}: "${v}"`);
  }
  return `${lines.join('\n')}\n`;
}

export function loadTopicDefinitions(file = topicDefinitionsFile()): TopicDefinition[] {
  const parsed = TopicFile.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data.topics;
}
