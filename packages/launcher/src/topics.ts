import {
  HttpSchemaRegistry,
  loadTopicDefinitions,
  registrySchema,
  subjectFor,
  type TopicDefinition,
  topicCatalog,
} from '@nagare/contracts';
import { Kafka, logLevel } from 'kafkajs';

export interface ApplyTopicsOptions {
  brokers: string[];
  /** Schema registry base URL; schemas are registered when given. */
  registryUrl?: string;
  definitions?: TopicDefinition[];
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface ApplyTopicsReport {
  created: string[];
  partitionsAdded: string[];
  configsChanged: string[];
  unchanged: string[];
  schemasRegistered: number;
}

/**
 * Brings a Kafka-compatible cluster to redpanda/topics.yaml: creates missing topics, adds
 * partitions (never removes them), aligns configs, and registers every record schema under
 * its topic's subjects. Safe to run again: a second run changes nothing.
 */
export async function applyTopics(options: ApplyTopicsOptions): Promise<ApplyTopicsReport> {
  const log = options.log ?? (() => {});
  const definitions = options.definitions ?? loadTopicDefinitions();
  const kafka = new Kafka({
    clientId: 'nagare-topics',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const report: ApplyTopicsReport = {
    created: [],
    partitionsAdded: [],
    configsChanged: [],
    unchanged: [],
    schemasRegistered: 0,
  };
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const existing = new Set(await admin.listTopics());
    const present = definitions.filter((d) => existing.has(d.name));
    const metadata = present.length
      ? (await admin.fetchTopicMetadata({ topics: present.map((d) => d.name) })).topics
      : [];
    const missing = definitions.filter((d) => !existing.has(d.name));
    if (missing.length > 0) {
      log(`creating ${missing.length} topics`);
      if (!options.dryRun) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((d) => ({
            topic: d.name,
            numPartitions: d.partitions,
            replicationFactor: Math.min(d.replicationFactor, brokers.length),
            configEntries: Object.entries(d.config).map(([name, value]) => ({ name, value })),
          })),
        });
      }
      report.created.push(...missing.map((d) => d.name));
    }
    const grow = present.filter((d) => {
      const have = metadata.find((m) => m.name === d.name)?.partitions.length ?? 0;
      return have < d.partitions;
    });
    if (grow.length > 0 && !options.dryRun) {
      await admin.createPartitions({
        topicPartitions: grow.map((d) => ({ topic: d.name, count: d.partitions })),
      });
    }
    report.partitionsAdded.push(...grow.map((d) => d.name));
    if (present.length > 0) {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((d) => ({ type: 2, name: d.name })),
      });
      const drift = present.filter((d) => {
        const entries = described.resources.find((r) => r.resourceName === d.name)?.configEntries ?? [];
        return Object.entries(d.config).some(
          ([name, value]) => entries.find((e) => e.configName === name)?.configValue !== value,
        );
      });
      if (drift.length > 0 && !options.dryRun) {
        await admin.alterConfigs({
          validateOnly: false,
          resources: drift.map((d) => ({
            type: 2,
            name: d.name,
            configEntries: Object.entries(d.config).map(([name, value]) => ({ name, value })),
          })),
        });
      }
      report.configsChanged.push(...drift.map((d) => d.name));
      report.unchanged.push(
        ...present.filter((d) => !grow.includes(d) && !drift.includes(d)).map((d) => d.name),
      );
    }
  } finally {
    await admin.disconnect();
  }
  if (options.registryUrl && !options.dryRun) {
    const registry = new HttpSchemaRegistry(options.registryUrl);
    for (const topic of topicCatalog) {
      for (const record of topic.values) {
        await registry.register(subjectFor(topic.name, record), registrySchema(record));
        report.schemasRegistered++;
      }
    }
  }
  log(
    `topics: ${report.created.length} created, ${report.partitionsAdded.length} grown, ${report.configsChanged.length} reconfigured, ${report.unchanged.length} unchanged; ${report.schemasRegistered} schemas registered`,
  );
  return report;
}
