import { spawn } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { testBroker } from './testing/helpers';

type Broker = Awaited<ReturnType<typeof testBroker>>;

describe('@platformatic/kafka (ESM, in a child process)', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await testBroker({ topics: [{ name: 'plt', partitions: 3 }] });
  });
  afterAll(async () => {
    await broker.cleanup();
  });

  it('produces and consumes through a consumer group', async () => {
    const script = path.join(__dirname, 'testing/platformatic-client.mjs');
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [script, broker.brokers[0]!, 'plt', '500'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => {
        stdout += d;
      });
      p.stderr.on('data', (d) => {
        stderr += d;
      });
      p.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`))));
    });
    expect(JSON.parse(out.trim())).toEqual({ consumed: 500 });
    const offsets = broker.core.topics.get('plt')!.partitions.reduce((n, log) => n + log.logEndOffset, 0);
    expect(offsets).toBe(500);
  }, 40_000);
});

describe('SASL', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await testBroker({ sasl: { users: { alice: 's3cret' }, scramIterations: 4096 } });
  });
  afterAll(async () => {
    await broker.cleanup();
  });

  const client = (mechanism: 'plain' | 'scram-sha-256', password: string) =>
    new Kafka({
      clientId: 'sasl',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      sasl: { mechanism, username: 'alice', password } as never,
    });

  it.each(['plain', 'scram-sha-256'] as const)('accepts the right password with %s', async (mechanism) => {
    const producer = client(mechanism, 's3cret').producer();
    await producer.connect();
    const [meta] = await producer.send({ topic: `sasl-${mechanism}`, messages: [{ value: 'ok' }] });
    expect(meta!.errorCode).toBe(0);
    await producer.disconnect();
  });

  it.each(['plain', 'scram-sha-256'] as const)('rejects a wrong password with %s', async (mechanism) => {
    const admin = client(mechanism, 'wrong').admin();
    await expect(admin.connect()).rejects.toThrow(/SASL|auth/i);
  });

  it('refuses requests before authentication', async () => {
    const kafka = new Kafka({
      clientId: 'nosasl',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await expect(admin.listTopics()).rejects.toThrow();
  });
});

describe('Prometheus metrics', () => {
  it('exposes partition offsets, group lag and request latencies', async () => {
    const broker = await testBroker({ metricsPort: 0 });
    try {
      const kafka = new Kafka({ clientId: 'metrics', brokers: broker.brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'measured', messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
      await producer.disconnect();
      // (kafkajs admin.setOffsets waits out a 5 s fetch; commit through the broker's own store instead.)
      broker.core.offsets.commit('lagging', [{ topic: 'measured', partition: 0, offset: 1, metadata: null }]);
      const res = await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).toContain('nagare_broker_log_end_offset{topic="measured",partition="0"} 3');
      expect(text).toContain(
        'nagare_broker_consumer_group_lag{group="lagging",topic="measured",partition="0"} 2',
      );
      expect(text).toMatch(/nagare_broker_request_duration_seconds_count\{api="Produce"\} [1-9]/);
    } finally {
      await broker.cleanup();
    }
  });
});
