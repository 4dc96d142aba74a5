import { loadTopicDefinitions, topicDefinitionsFile } from '@nagare/contracts';
import { applyTopics } from '@nagare/launcher';
import type { Command } from 'commander';

/** `nagare topics apply|list`: topic definitions (redpanda/topics.yaml) on any Kafka-compatible broker. */
export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('topic definitions on any Kafka-compatible broker');
  topics
    .command('apply')
    .description('create missing topics, grow partitions, align configs and register the schemas')
    .option(
      '--brokers <list>',
      'bootstrap brokers, comma-separated',
      process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    )
    .option('--registry <url>', 'schema registry URL (omit to skip schemas)', process.env.SCHEMA_REGISTRY_URL)
    .option('--file <path>', 'topic definitions', topicDefinitionsFile())
    .option('--dry-run', 'report what would change, change nothing')
    .action(async (o: { brokers: string; registry?: string; file: string; dryRun?: boolean }) => {
      const report = await applyTopics({
        brokers: o.brokers.split(',').map((b) => b.trim()),
        registryUrl: o.registry,
        definitions: loadTopicDefinitions(o.file),
        dryRun: o.dryRun,
        log: (line) => console.log(line),
      });
      for (const [what, names] of [
        ['created', report.created],
        ['partitions added', report.partitionsAdded],
        ['configs changed', report.configsChanged],
      ] as const) {
        if (names.length) console.log(`  ${what}: ${names.join(', ')}`);
      }
    });
  topics
    .command('list')
    .description('print the topic definitions')
    .option('--file <path>', 'topic definitions', topicDefinitionsFile())
    .action((o: { file: string }) => {
      for (const t of loadTopicDefinitions(o.file)) {
        console.log(
          `${t.name.padEnd(28)} partitions=${String(t.partitions).padEnd(3)} ${Object.entries(t.config)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
        );
      }
    });
}
