import { MemorySchemaRegistry, RecordCodec } from '@nagare/contracts';
import { createTestDatabase, describeWithServer, type TestDatabase, tempDir } from '@nagare/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { createProjections } from '../projections/registry';
import { openReadModels } from '../read-models';
import { domainEvent, hostFacts } from '../testing/fixtures';
import { Progress } from './progress';
import { rebuildProjection } from './rebuild';
import { TopicSource } from './topic-source';

describeWithServer('postgres', 'rebuild --from topics through kafkajs against the embedded broker', () => {
  let db: TestDatabase;
  let pool: Pool;
  const dir = tempDir('nagare-broker-');
  let broker: { brokers: string[]; stop(): Promise<void> };

  beforeAll(async () => {
    const { startBroker } = require('@nagare/broker');
    db = await createTestDatabase('projector_topics');
    pool = new Pool({ connectionString: db.url, max: 4 });
    broker = await startBroker({
      dataDir: dir.path,
      port: 0,
      initialRebalanceDelayMs: 0,
      topics: [{ name: 'events.hosts', partitions: 3 }],
    });
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await broker?.stop();
    await db?.drop();
    dir.cleanup();
  });

  it('reads every partition to its end offset, swaps the tables in and hands the offsets to the live consumer', async () => {
    const codec = new RecordCodec(new MemorySchemaRegistry());
    const kafka = new Kafka({ clientId: 'topics-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const messages = [];
    for (let h = 0; h < 12; h++) {
      const hostId = `host-${h}`;
      const events = [
        domainEvent('nagare.events.hosts.HostRegistered', hostId, 0, {
          hostId,
          agentId: 'a',
          hostname: hostId,
          labels: {},
          facts: hostFacts,
        }),
        domainEvent('nagare.events.hosts.HostLabelsChanged', hostId, 1, {
          hostId,
          labels: { n: String(h) },
          previous: {},
        }),
        domainEvent('nagare.events.hosts.HostWentOffline', hostId, 2, { hostId, lastSeenAt: 1, graceMs: 1 }),
      ];
      for (const e of events)
        messages.push({ key: hostId, value: await codec.encode('events.hosts', e.name, e.value as never) });
    }
    await producer.send({ topic: 'events.hosts', messages });
    await producer.disconnect();

    const models = await openReadModels({ pool, schema: 'topics', timescale: 'off' });
    const fresh = createProjections();
    const out: string[] = [];
    const report = await rebuildProjection({
      pool,
      schema: 'topics',
      mode: models.mode,
      projections: fresh,
      projection: fresh.hosts,
      source: new TopicSource(kafka, codec, fresh.hosts.topics),
      progress: new Progress('rebuild hosts', undefined, {
        isTTY: false,
        write: (s: string) => out.push(s),
      } as never),
    });
    expect(report.records).toBe(36);
    expect(out[out.length - 1]).toMatch(/36\/36 events/);
    const { rows } = await pool.query(
      `SELECT status, count(*)::int AS n, max(version)::int AS v FROM topics.hosts GROUP BY 1`,
    );
    expect(rows).toEqual([{ status: 'offline', n: 12, v: 2 }]);
    const offsets = await models.runner('hosts').storedOffsets();
    expect([...offsets.values()].reduce((a, b) => a + b, 0)).toBe(36);
  }, 60_000);
});
