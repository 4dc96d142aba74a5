import type { MetricBatch, RecordInput } from '@nagare/contracts';
import { AlertService } from '../alert/alert.service';
import { HostService } from '../host/host.service';
import { SilenceService } from '../silence/silence.service';
import { alice, cpuRule, t0 } from '../testing/fixtures';
import { type Harness, hostFacts, startHarness } from '../testing/harness';
import { CommandSideViews } from '../views/command-side-views';
import { RuleEvaluator } from './rule-evaluator.service';

const STEP = 10_000;
const admin = { actor: alice, roles: ['admin' as const], at: t0 };
const metrics = (
  i: number,
  value: number,
  hostId = 'host-1',
): RecordInput<'nagare.telemetry.MetricBatch'> => ({
  hostId,
  agentId: `agent-${hostId}`,
  agentSequence: i,
  collectedAt: t0 + i * STEP,
  intervalMs: STEP,
  samples: [{ name: 'cpu_usage_percent', labels: { cpu: 'total' }, value }],
});

async function setUp(h: Harness) {
  await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('host-1'));
  await h.get(HostService).changeLabels('host-1', { env: 'prod' }, admin);
  await h.get(RuleEvaluator).defineRule({ ...cpuRule, forMs: 20_000, resolveThreshold: 80 }, admin);
}

const alertTypes = async (h: Harness) => (await h.types('alert')).filter((t) => t !== 'AlertSilenced');

describe('RuleEvaluator on telemetry.metrics', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('raises after the for duration and resolves below the resolve threshold, as events', async () => {
    h = await startHarness();
    await setUp(h);
    const values = [95, 95, 95, 85, 70];
    for (const [i, v] of values.entries())
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, v));
    const events = await h.store.readAll({ category: 'alert' });
    expect(events.map((e) => e.type)).toEqual(['AlertRaised', 'AlertResolved']);
    expect(events[0]!.data).toMatchObject({
      origin: 'RULE',
      ruleId: 'rule-cpu',
      hostId: 'host-1',
      startsAt: t0,
      value: 95,
      threshold: 90,
    });
    expect(events[0]!.occurredAt.getTime()).toBe(t0 + 2 * STEP);
    expect(events[1]!.data).toMatchObject({ resolution: 'AUTO', value: 70, endsAt: t0 + 4 * STEP });
  });

  it('restarted in the middle, neither loses nor double-raises the alert', async () => {
    h = await startHarness();
    await setUp(h);
    for (let i = 0; i < 4; i++)
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, 95));
    await h.close();
    h = await startHarness({ store: h.store, registry: h.registry, clock: h.clock });
    // Still above: no second raise. The consumer may redeliver the last batch: no effect either.
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(3, 95));
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(4, 96));
    expect(await alertTypes(h)).toEqual(['AlertRaised']);
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(5, 50));
    expect(await alertTypes(h)).toEqual(['AlertRaised', 'AlertResolved']);
  });

  it('restarted while pending, raises once after a full for period on the new samples', async () => {
    h = await startHarness();
    await setUp(h);
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(0, 95));
    await h.close();
    h = await startHarness({ store: h.store, registry: h.registry, clock: h.clock });
    for (let i = 1; i <= 3; i++)
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, 95));
    const events = await h.store.readAll({ category: 'alert' });
    expect(events.map((e) => e.type)).toEqual(['AlertRaised']);
    expect(events[0]!.data).toMatchObject({ startsAt: t0 + STEP });
  });

  it('keeps flap damping across a restart (transitions come from the alert stream)', async () => {
    h = await startHarness();
    await setUp(h);
    await h
      .get(RuleEvaluator)
      .changeRule(
        { ...cpuRule, forMs: 0, resolveThreshold: null, flapMaxTransitions: 3, flapWindowMs: 120_000 },
        admin,
      );
    for (const [i, v] of [95, 50, 95].entries())
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, v));
    await h.close();
    h = await startHarness({ store: h.store, registry: h.registry, clock: h.clock });
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(3, 50));
    expect(await alertTypes(h)).toEqual(['AlertRaised', 'AlertResolved', 'AlertRaised']);
  });

  it('raises again after an operator resolved the alert while the condition holds', async () => {
    h = await startHarness();
    await setUp(h);
    for (let i = 0; i < 3; i++)
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, 95));
    const alertId = [...h.get(CommandSideViews).activeAlerts.values()][0]!.alertId;
    await h
      .get(AlertService)
      .resolve(alertId, 'rebooted', { actor: alice, roles: ['operator'], at: t0 + 3 * STEP });
    for (let i = 3; i < 6; i++)
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, 95));
    expect(await alertTypes(h)).toEqual(['AlertRaised', 'AlertResolved', 'AlertRaised']);
  });

  it('after a restart, resolves rule alerts left active when their rule was deleted or disabled before the crash', async () => {
    h = await startHarness();
    await setUp(h);
    await h.get(RuleEvaluator).defineRule({ ...cpuRule, ruleId: 'rule-2', forMs: 0 }, admin);
    for (let i = 0; i < 3; i++)
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, 95));
    expect(h.get(CommandSideViews).activeAlerts.size).toBe(2);
    // The rule events are in the store, but the process died before resolving their alerts.
    await h.store.append('rule-rule-cpu', 'any', [
      { type: 'AlertRuleDeleted', data: { ruleId: 'rule-cpu', reason: null } },
    ]);
    await h.store.append('rule-rule-2', 'any', [
      { type: 'AlertRuleChanged', data: { ...cpuRule, ruleId: 'rule-2', enabled: false } },
    ]);
    await h.close();
    h = await startHarness({ store: h.store, registry: h.registry, clock: h.clock });
    expect(h.get(CommandSideViews).activeAlerts.size).toBe(0);
    const resolved = (await h.store.readAll({ category: 'alert' })).filter((e) => e.type === 'AlertResolved');
    expect(resolved.map((e) => (e.data as { reason: string }).reason).sort()).toEqual([
      'rule deleted',
      'rule disabled',
    ]);
  });

  it('resolves the alerts of a deleted rule', async () => {
    h = await startHarness();
    await setUp(h);
    for (let i = 0; i < 3; i++)
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, 95));
    await h.get(RuleEvaluator).deleteRule('rule-cpu', 'obsolete', admin);
    const events = await h.store.readAll({ category: 'alert' });
    expect(events.map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([
      ['AlertRaised', undefined],
      ['AlertResolved', 'rule deleted'],
    ]);
  });

  it('silences rule alerts that match an active silence, when raised and when the silence is defined', async () => {
    h = await startHarness();
    await setUp(h);
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('host-2'));
    await h.get(HostService).changeLabels('host-2', { env: 'prod' }, admin);
    await h.get(SilenceService).define(
      {
        matchers: [{ label: 'host', op: 'EQ', value: 'host-1' }],
        startsAt: t0,
        endsAt: t0 + 3_600_000,
        reason: 'maintenance',
      },
      admin,
    );
    for (let i = 0; i < 3; i++) {
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, 95));
      await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(i, 95, 'host-2'));
    }
    const active = [...h.get(CommandSideViews).activeAlerts.values()];
    expect(active.map((a) => [a.hostId, a.silencedUntil])).toEqual([
      ['host-1', t0 + 3_600_000],
      ['host-2', null],
    ]);
    expect(await h.types('silence')).toEqual(['SilenceDefined', 'SilenceSuppressed']);
    // A later silence on host-2 applies to its already-active alert.
    await h.get(SilenceService).define(
      {
        matchers: [{ label: 'host', op: 'RE', value: 'host-[2]' }],
        startsAt: t0,
        endsAt: t0 + 60_000,
        reason: 'deploy',
      },
      admin,
    );
    expect([...h.get(CommandSideViews).activeAlerts.values()].map((a) => a.silencedUntil)).toEqual([
      t0 + 3_600_000,
      t0 + 60_000,
    ]);
    await h.tick(t0 + 60_000);
    expect((await h.types('silence')).filter((t) => t === 'SilenceExpired')).toHaveLength(1);
  });
});

describe('host liveness', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('marks a silent host offline after the grace period and online when telemetry returns', async () => {
    h = await startHarness();
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('host-1'));
    await h.tick(t0 + 60_000);
    expect(await h.types('host')).toEqual(['HostRegistered']);
    h.clock.set(t0 + 60_001);
    await h.tick();
    expect((await h.types('host')).at(-1)).toBe('HostWentOffline');
    h.clock.set(t0 + 120_000);
    await h.feed('telemetry.metrics', 'nagare.telemetry.MetricBatch', metrics(0, 1) as MetricBatch);
    const events = await h.store.readStream('host-host-1');
    expect(events.map((e) => e.type)).toEqual(['HostRegistered', 'HostWentOffline', 'HostCameOnline']);
    expect(events[1]!.data).toMatchObject({ lastSeenAt: t0, graceMs: 60_000 });
    expect(events[2]!.data).toMatchObject({ offlineSince: t0 });
  });

  it('gives every online host a fresh grace period after a restart', async () => {
    h = await startHarness();
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('host-1'));
    await h.close();
    h.clock.set(t0 + 3_600_000);
    h = await startHarness({ store: h.store, registry: h.registry, clock: h.clock });
    await h.tick(t0 + 3_600_000 + 30_000);
    expect(await h.types('host')).toEqual(['HostRegistered']);
    await h.tick(t0 + 3_600_000 + 60_001);
    expect((await h.types('host')).at(-1)).toBe('HostWentOffline');
  });
});
