import type { MetricBatch } from '@nagare/contracts';
import type { RuleDefinition } from '../alert-rule/alert-rule.decider';
import { cpuRule, t0 } from '../testing/fixtures';
import { type RuleDecision, RuleEngine, ruleFingerprint } from './rule-engine';

const STEP = 10_000;
const batch = (
  at: number,
  value: number,
  labels: Record<string, string> = { cpu: 'total' },
  hostId = 'host-1',
): MetricBatch => ({
  hostId,
  agentId: 'agent-1',
  agentSequence: at,
  collectedAt: at,
  intervalMs: STEP,
  samples: [{ name: 'cpu_usage_percent', labels, value }],
});

/** Feeds one value per STEP from `start`; returns what happened, as `raise@i` / `resolve@i`. */
function run(engine: RuleEngine, values: number[], start = t0, hostId = 'host-1'): string[] {
  const out: string[] = [];
  values.forEach((v, i) => {
    for (const d of engine.evaluate(batch(start + i * STEP, v, { cpu: 'total' }, hostId)))
      out.push(`${d.kind}@${i}`);
  });
  return out;
}

function engineWith(
  over: Partial<RuleDefinition> = {},
  hostLabels: Record<string, string> = { env: 'prod' },
): RuleEngine {
  const e = new RuleEngine();
  e.setHostLabels('host-1', hostLabels, t0);
  e.upsertRule({ ...cpuRule, forMs: 0, resolveThreshold: null, ...over }, t0);
  return e;
}

describe('RuleEngine', () => {
  it('raises immediately without a for duration, and auto-resolves', () => {
    expect(run(engineWith(), [50, 95, 96, 50])).toEqual(['raise@1', 'resolve@3']);
  });

  it('raises only after the condition held for the whole for duration', () => {
    const e = engineWith({ forMs: 30_000 });
    // Holds from i=1; 30 s later is i=4. A dip at i=6 restarts the pending period.
    expect(run(e, [50, 95, 95, 95, 95, 95])).toEqual(['raise@4']);
    const e2 = engineWith({ forMs: 30_000 });
    expect(run(e2, [95, 95, 50, 95, 95, 95, 95])).toEqual(['raise@6']);
  });

  it('reports the start of the condition as startsAt and the crossing value', () => {
    const e = engineWith({ forMs: 20_000 });
    const ds: RuleDecision[] = [];
    for (let i = 0; i < 4; i++) ds.push(...e.evaluate(batch(t0 + i * STEP, 91 + i)));
    expect(ds).toEqual([
      expect.objectContaining({
        kind: 'raise',
        startsAt: t0,
        at: t0 + 2 * STEP,
        value: 93,
        threshold: 90,
        severity: 2,
      }),
    ]);
    expect(ds[0]!.fingerprint).toBe(ruleFingerprint('rule-cpu', 'host-1', { cpu: 'total' }));
  });

  it('uses the resolve threshold for hysteresis', () => {
    const e = engineWith({ resolveThreshold: 80 });
    // 85 is below the raise threshold but above the resolve threshold: still firing.
    expect(run(e, [95, 85, 88, 85, 79])).toEqual(['raise@0', 'resolve@4']);
  });

  it('supports LT rules with hysteresis above', () => {
    const e = engineWith({ comparator: 'LT', threshold: 10, resolveThreshold: 20 });
    expect(run(e, [50, 5, 15, 25])).toEqual(['raise@1', 'resolve@3']);
  });

  it('holds a flapping alert raised, then resolves when the window calms down', () => {
    const e = engineWith({ flapMaxTransitions: 3, flapWindowMs: 60_000 });
    // raise@0 resolve@1 raise@2; resolving at 3 would be the 4th transition in 60 s: held.
    expect(run(e, [95, 50, 95, 50, 50, 50, 50, 50])).toEqual([
      'raise@0',
      'resolve@1',
      'raise@2',
      'resolve@7',
    ]);
    expect(e.stats()).toEqual({ firing: 0, pending: 0, held: 0 });
  });

  it('keeps a non-auto-resolving alert raised until it ends elsewhere', () => {
    const e = engineWith({ autoResolve: false });
    expect(run(e, [95, 10, 10])).toEqual(['raise@0']);
    e.alertEnded(ruleFingerprint('rule-cpu', 'host-1', { cpu: 'total' }), t0 + 3 * STEP);
    expect(run(e, [95], t0 + 4 * STEP)).toEqual(['raise@0']);
  });

  it('applies label matchers (EQ, NEQ, RE, NRE) to sample labels', () => {
    const cases: [RuleDefinition['matchers'], Record<string, string>, boolean][] = [
      [[{ label: 'cpu', op: 'EQ', value: 'total' }], { cpu: 'total' }, true],
      [[{ label: 'cpu', op: 'EQ', value: 'total' }], { cpu: '0' }, false],
      [[{ label: 'cpu', op: 'NEQ', value: 'total' }], { cpu: '0' }, true],
      [[{ label: 'cpu', op: 'RE', value: '[0-9]+' }], { cpu: '12' }, true],
      [[{ label: 'cpu', op: 'RE', value: '[0-9]+' }], { cpu: 'x12' }, false],
      [[{ label: 'cpu', op: 'NRE', value: 'tot.*' }], { cpu: 'total' }, false],
      [[{ label: 'mode', op: 'EQ', value: '' }], { cpu: 'total' }, true],
    ];
    for (const [matchers, labels, fires] of cases) {
      const e = engineWith({ matchers });
      expect(e.evaluate(batch(t0, 99, labels)).length).toBe(fires ? 1 : 0);
    }
  });

  it('evaluates only hosts whose labels match the host selector', () => {
    expect(run(engineWith({}, { env: 'dev' }), [95])).toEqual([]);
    const e = engineWith();
    expect(run(e, [95])).toEqual(['raise@0']);
    // The host leaves the selection: its alert resolves.
    expect(e.setHostLabels('host-1', { env: 'dev' }, t0 + STEP).map((d) => d.kind)).toEqual(['resolve']);
  });

  it('keeps one series per host and label set', () => {
    const e = engineWith({ matchers: [] });
    e.setHostLabels('host-2', { env: 'prod' }, t0);
    const ds = [
      ...e.evaluate(batch(t0, 95, { cpu: '0' })),
      ...e.evaluate(batch(t0, 95, { cpu: '1' })),
      ...e.evaluate(batch(t0, 95, { cpu: '0' }, 'host-2')),
      ...e.evaluate(batch(t0 + STEP, 95, { cpu: '0' })),
    ];
    expect(ds.map((d) => d.kind)).toEqual(['raise', 'raise', 'raise']);
  });

  it('ignores samples older than the last evaluated one (redelivery)', () => {
    const e = engineWith();
    expect(e.evaluate(batch(t0 + STEP, 95))).toHaveLength(1);
    expect(e.evaluate(batch(t0, 10))).toEqual([]);
    expect(e.isFiring(ruleFingerprint('rule-cpu', 'host-1', { cpu: 'total' }))).toBe(true);
  });

  it('resolves what a rule raised when it is disabled, no longer matches or is deleted', () => {
    const e = engineWith();
    run(e, [95]);
    expect(
      e
        .upsertRule({ ...cpuRule, forMs: 0, enabled: false }, t0 + STEP)
        .map((d) => (d.kind === 'resolve' ? d.reason : d.kind)),
    ).toEqual(['rule disabled']);
    const e2 = engineWith();
    run(e2, [95]);
    expect(
      e2
        .upsertRule({ ...cpuRule, matchers: [{ label: 'cpu', op: 'EQ', value: '0' }] }, t0 + STEP)
        .map((d) => (d.kind === 'resolve' ? d.reason : d.kind)),
    ).toEqual(['rule no longer matches']);
    const e3 = engineWith();
    run(e3, [95]);
    expect(
      e3.deleteRule('rule-cpu', t0 + STEP).map((d) => (d.kind === 'resolve' ? d.reason : d.kind)),
    ).toEqual(['rule deleted']);
    expect(run(e3, [99], t0 + 2 * STEP)).toEqual([]);
  });

  it('restarted from the active alerts, neither raises twice nor loses the alert', () => {
    const values = [95, 95, 95, 85, 70, 95];
    const rule = { forMs: 10_000, resolveThreshold: 80 };
    const continuous = run(engineWith(rule), values);
    expect(continuous).toEqual(['raise@1', 'resolve@4']);

    // Crash after i=2: a new engine learns from the event store that the alert is active.
    const before = engineWith(rule);
    const ds: RuleDecision[] = [];
    values.slice(0, 3).forEach((v, i) => {
      ds.push(...before.evaluate(batch(t0 + i * STEP, v)));
    });
    const raised = ds.find((d) => d.kind === 'raise')!;
    const after = engineWith(rule);
    after.restoreActive({
      fingerprint: raised.fingerprint,
      ruleId: 'rule-cpu',
      hostId: 'host-1',
      labels: { cpu: 'total' },
      startsAt: t0,
      transitions: [raised.at],
    });
    expect(run(after, values.slice(3), t0 + 3 * STEP)).toEqual(['resolve@1']);
  });
});
