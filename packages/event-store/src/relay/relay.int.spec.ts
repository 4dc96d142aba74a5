import { createTestDatabase, describeWithServer, type TestDatabase, waitFor } from '@nagare/testkit';
import type { ProducerBatch } from 'kafkajs';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { PostgresCheckpointStore } from './checkpoints';
import { Relay, topicsFromTable } from './relay';

interface Sent {
  topic: string;
  key: string;
  eventId: string;
  type: string;
  headers: Record<string, string>;
}

/** Records what the relay hands to kafkajs' sendBatch; `failNext` makes the next sends throw. */
class RecordingProducer {
  sent: Sent[] = [];
  failNext = 0;
  calls = 0;
  async sendBatch(batch: ProducerBatch) {
    this.calls++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('broker unavailable');
    }
    expect(batch.acks).toBe(-1);
    for (const tm of batch.topicMessages ?? []) {
      for (const m of tm.messages) {
        const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
        const value = JSON.parse(String(m.value));
        this.sent.push({
          topic: tm.topic,
          key: String(m.key),
          eventId: value.eventId,
          type: value.type,
          headers,
        });
      }
    }
    return [];
  }
}

describeWithServer('postgres', 'Relay (checkpointing, topic mapping, retries)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let checkpoints: PostgresCheckpointStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_relay');
    store = new PostgresEventStore({ connectionString: db.url, pollIntervalMs: 50 });
    checkpoints = new PostgresCheckpointStore({ connectionString: db.url });
  });
  afterAll(async () => {
    await store.close();
    await checkpoints.close();
    await db.drop();
  });

  it('produces each event to its category topic keyed by stream id, in order, then checkpoints', async () => {
    await store.append('host-1', 'any', [{ type: 'HostRegistered', data: {} }]);
    await store.append('alert-9', 'any', [
      { type: 'AlertRaised', data: {} },
      { type: 'AlertAcknowledged', data: {} },
    ]);
    await store.append('unmapped-1', 'any', [{ type: 'Ignored', data: {} }]);
    await store.append('host-1', 'any', [{ type: 'LabelsChanged', data: {} }]);
    const producer = new RecordingProducer();
    const relay = new Relay({ store, checkpoints, producer, name: 'r1' });
    await relay.start();
    await waitFor(() => producer.sent.length >= 4, { what: 'four records' });
    expect(producer.sent.map((s) => [s.topic, s.key, s.type])).toEqual([
      ['events.hosts', 'host-1', 'HostRegistered'],
      ['events.hosts', 'host-1', 'LabelsChanged'],
      ['events.alerts', 'alert-9', 'AlertRaised'],
      ['events.alerts', 'alert-9', 'AlertAcknowledged'],
    ]);
    expect(producer.sent[0]!.headers).toMatchObject({
      'event-id': producer.sent[0]!.eventId,
      'event-type': 'HostRegistered',
      'schema-version': '1',
    });
    const head = await store.headPosition();
    await waitFor(async () => (await checkpoints.load('r1')) === head, { what: 'checkpoint at head' });

    // Live: a new event flows through and moves the checkpoint.
    const r = await store.append('command-5', 'any', [{ type: 'CommandRequested', data: {} }]);
    await waitFor(async () => (await checkpoints.load('r1')) === r.positions[0], { what: 'live checkpoint' });
    expect(producer.sent.at(-1)).toMatchObject({ topic: 'events.commands', key: 'command-5' });
    await relay.stop();
  });

  it('does not advance the checkpoint past an unacknowledged batch; retries; resumes after a restart', async () => {
    const start = await store.headPosition();
    await checkpoints.store('r2', start);
    const producer = new RecordingProducer();
    producer.failNext = 3;
    const errors: unknown[] = [];
    const relay = new Relay({
      store,
      checkpoints,
      producer,
      name: 'r2',
      retryDelayMs: 20,
      onError: (e) => errors.push(e),
      topicFor: topicsFromTable({ rule: 'custom.rules' }),
    });
    await store.append('rule-1', 'any', [{ type: 'RuleDefined', data: {} }]);
    await relay.start();
    await waitFor(() => producer.calls >= 2, { what: 'failed sends' });
    expect(await checkpoints.load('r2')).toBe(start);
    await waitFor(() => producer.sent.length === 1, { what: 'the retried send' });
    expect(errors).toHaveLength(3);
    expect(producer.sent[0]).toMatchObject({ topic: 'custom.rules', key: 'rule-1' });
    await relay.stop();

    // Appended while the relay is down: the next relay starts from the checkpoint, no repeats.
    await store.append('rule-1', 'any', [{ type: 'RuleChanged', data: {} }]);
    const again = new Relay({
      store,
      checkpoints,
      producer,
      name: 'r2',
      topicFor: topicsFromTable({ rule: 'custom.rules' }),
    });
    await again.start();
    await waitFor(() => producer.sent.length === 2, { what: 'the event appended while down' });
    expect(producer.sent.map((s) => s.type)).toEqual(['RuleDefined', 'RuleChanged']);
    await again.stop();
  });

  it('keeps relaying after its database connections are killed', async () => {
    const start = await store.headPosition();
    await checkpoints.store('r3', start);
    const producer = new RecordingProducer();
    const errors: unknown[] = [];
    const relayStore = new PostgresEventStore({ connectionString: db.url, pollIntervalMs: 50 });
    const relay = new Relay({
      store: relayStore,
      checkpoints,
      producer,
      name: 'r3',
      retryDelayMs: 20,
      onError: (e) => errors.push(e),
    });
    await relay.start();
    await store.append('asset-1', 'any', [{ type: 'RackPlaced', data: {} }]);
    await waitFor(() => producer.sent.length === 1, { what: 'first record' });
    const { Client } = await import('pg');
    const killer = new Client({ connectionString: db.url });
    await killer.connect();
    await killer.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await killer.end();
    const r = await store.append('asset-1', 'any', [{ type: 'RackMoved', data: {} }]);
    await waitFor(async () => (await checkpoints.load('r3')) >= r.positions[0]!, {
      what: 'relay after the kill',
      timeoutMs: 20_000,
    });
    expect(producer.sent.map((x) => x.type)).toEqual(['RackPlaced', 'RackMoved']);
    await relay.stop();
    await relayStore.close();
  });
});
