import { startBroker } from '@nagare/broker';
import { topicCatalog } from '@nagare/contracts';
import { startSchemaRegistry } from '@nagare/schema-registry';
import { tempDir } from '@nagare/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { applyTopics } from './topics';

describe('applyTopics', () => {
  it('creates every catalog topic with its configs, registers the schemas, and is idempotent', async () => {
    const dir = tempDir('nagare-topics-');
    const broker = await startBroker({ dataDir: `${dir.path}/broker`, port: 0, initialRebalanceDelayMs: 0 });
    const registry = await startSchemaRegistry({ dataDir: `${dir.path}/registry` });
    try {
      const first = await applyTopics({ brokers: broker.brokers, registryUrl: registry.url });
      expect(first.created.sort()).toEqual(topicCatalog.map((t) => t.name).sort());
      expect(first.schemasRegistered).toBe(topicCatalog.reduce((n, t) => n + t.values.length, 0));

      const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const meta = await admin.fetchTopicMetadata({ topics: ['telemetry.metrics', 'telemetry.inventory'] });
      expect(meta.topics.find((t) => t.name === 'telemetry.metrics')!.partitions).toHaveLength(12);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: 'telemetry.inventory' }],
      });
      const entry = (n: string) =>
        configs.resources[0]!.configEntries.find((e) => e.configName === n)?.configValue;
      expect(entry('cleanup.policy')).toBe('compact');
      await admin.disconnect();

      const second = await applyTopics({ brokers: broker.brokers, registryUrl: registry.url });
      expect(second).toMatchObject({ created: [], partitionsAdded: [], configsChanged: [] });
      expect(second.unchanged).toHaveLength(topicCatalog.length);
      const subjects = (await (await fetch(`${registry.url}/subjects`)).json()) as string[];
      expect(subjects).toContain('telemetry.metrics-nagare.telemetry.MetricBatch');
    } finally {
      await registry.close();
      await broker.stop();
      dir.cleanup();
    }
  }, 60_000);
});
