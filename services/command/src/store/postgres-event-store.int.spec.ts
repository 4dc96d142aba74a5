import { PostgresEventStore } from '@nagare/event-store';
import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { alertDecider, alertStreamIdForFingerprint } from '../alert/alert.decider';
import { AlertService } from '../alert/alert.service';
import { HostService } from '../host/host.service';
import { RuleEvaluator } from '../rule-engine/rule-evaluator.service';
import { alice, cpuRule, ctx, system, t0 } from '../testing/fixtures';
import { type Harness, hostFacts, startHarness } from '../testing/harness';
import { CommandSideViews } from '../views/command-side-views';
import { AggregateStore } from './aggregate-store';
import type { EventStorePort } from './event-store.port';

describeWithServer('postgres', 'command side on the PostgreSQL event store', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('command');
    store = new PostgresEventStore({ connectionString: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('is an EventStorePort: optimistic concurrency, one raise among racing writers, bytes and actors round-trip', async () => {
    const port: EventStorePort = store;
    const raise = {
      ...ctx(system),
      type: 'RaiseAlert' as const,
      fingerprint: 'pg-fp',
      origin: 'WEBHOOK' as const,
      ruleId: null,
      sourceName: 'ci',
      hostId: null,
      severity: 1,
      title: 'x',
      description: null,
      labels: {},
      annotations: {},
      value: null,
      threshold: null,
      startsAt: t0,
    };
    const writers = Array.from({ length: 4 }, () => new AggregateStore(port));
    const results = await Promise.all(
      writers.map((w) => w.handle(alertDecider, alertStreamIdForFingerprint('pg-fp'), raise)),
    );
    expect(results.filter((r) => r.events.length === 1)).toHaveLength(1);
    const [e] = await store.readStream(alertStreamIdForFingerprint('pg-fp'));
    expect(e!.metadata.actor).toEqual({ type: 'system', id: 'command-service' });
  });

  it('rebuilds after a restart from PostgreSQL: no double raise, and the alert resolves later', async () => {
    const metrics = (i: number, value: number) => ({
      hostId: 'pg-host',
      agentId: 'agent-pg-host',
      agentSequence: i,
      collectedAt: t0 + i * 10_000,
      intervalMs: 10_000,
      samples: [{ name: 'cpu_usage_percent', labels: { cpu: 'total' }, value }],
    });
    let h: Harness = await startHarness({ store: store as never });
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('pg-host'));
    const admin = { actor: alice, roles: ['admin' as const], at: t0 };
    await h.get(HostService).changeLabels('pg-host', { env: 'prod' }, admin);
    await h.get(RuleEvaluator).defineRule({ ...cpuRule, ruleId: 'pg-rule', forMs: 0 }, admin);
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(0, 95));
    await h.close();
    h = await startHarness({ store: store as never, registry: h.registry, clock: h.clock });
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(1, 99));
    const active = [...h.get(CommandSideViews).activeAlerts.values()].filter((a) => a.ruleId === 'pg-rule');
    expect(active).toHaveLength(1);
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(2, 10));
    const types = (await store.readAll({ category: 'alert', maxCount: 1000 }))
      .filter((e) => (e.data as { alertId: string }).alertId.startsWith(active[0]!.alertId.split('.')[0]!))
      .map((e) => e.type);
    expect(types).toEqual(['AlertRaised', 'AlertResolved']);
    expect(h.get(AlertService)).toBeDefined();
    await h.close();
  });
});
