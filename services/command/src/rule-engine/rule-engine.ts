import type { Comparator, MetricBatch } from '@nagare/contracts';
import type { RuleDefinition } from '../alert-rule/alert-rule.decider';
import { matchesAll, selectorMatches } from '../shared/matchers';

/** What the engine wants done; the service turns these into RaiseAlert / ResolveAlert commands. */
export type RuleDecision =
  | {
      kind: 'raise';
      ruleId: string;
      fingerprint: string;
      hostId: string;
      labels: Record<string, string>;
      severity: number;
      title: string;
      description: string;
      value: number;
      threshold: number;
      /** When the condition started to hold (the start of the `for` period). */
      startsAt: number;
      at: number;
    }
  | {
      kind: 'resolve';
      ruleId: string;
      fingerprint: string;
      hostId: string;
      value: number | null;
      reason: string;
      at: number;
    };

/** An alert raised by a rule that is still active in the event store (restart rebuild). */
export interface ActiveRuleAlert {
  fingerprint: string;
  ruleId: string;
  hostId: string;
  labels: Record<string, string>;
  startsAt: number;
  /** Raise/resolve instants on this fingerprint, for flap damping. */
  transitions: readonly number[];
}

interface Series {
  ruleId: string;
  hostId: string;
  labels: Record<string, string>;
  phase: 'inactive' | 'pending' | 'firing';
  /** Start of the current pending/firing condition. */
  since: number;
  /** Firing, condition clear, but resolving would exceed the flap limit. */
  held: boolean;
  lastAt: number;
  transitions: number[];
}

const compare = (c: Comparator, value: number, threshold: number): boolean =>
  c === 'GT'
    ? value > threshold
    : c === 'GTE'
      ? value >= threshold
      : c === 'LT'
        ? value < threshold
        : value <= threshold;

/** Dedup identity of a rule alert: rule, host and the sample's labels in a stable order. */
export function ruleFingerprint(
  ruleId: string,
  hostId: string,
  labels: Readonly<Record<string, string>>,
): string {
  const l = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
  return `rule:${ruleId}|host:${hostId}|{${l}}`;
}

/**
 * Threshold rules over metric samples, per series (rule × host × sample labels):
 * inactive → pending (condition holds) → firing (held for `forMs`) → inactive when the value is
 * back on the healthy side of the resolve threshold (hysteresis) and resolving would not make
 * more than `flapMaxTransitions` raise/resolve transitions within `flapWindowMs` (flap damping
 * keeps it firing). Time is the batch's collectedAt, so evaluation is deterministic and replayable.
 */
export class RuleEngine {
  private readonly rules = new Map<string, RuleDefinition>();
  private readonly byMetric = new Map<string, Set<string>>();
  private readonly hostLabels = new Map<string, Record<string, string>>();
  private readonly series = new Map<string, Series>();

  get ruleCount(): number {
    return this.rules.size;
  }

  /** Series firing or pending (for /metrics and tests). */
  stats(): { firing: number; pending: number; held: number } {
    let firing = 0;
    let pending = 0;
    let held = 0;
    for (const s of this.series.values()) {
      if (s.phase === 'firing') firing++;
      if (s.phase === 'pending') pending++;
      if (s.held) held++;
    }
    return { firing, pending, held };
  }

  firingFingerprints(): string[] {
    return [...this.series].filter(([, s]) => s.phase === 'firing').map(([fp]) => fp);
  }

  isFiring(fingerprint: string): boolean {
    return this.series.get(fingerprint)?.phase === 'firing';
  }

  /** Defines or changes a rule. Pending series restart their `for`; a disabled rule resolves what it raised. */
  upsertRule(rule: RuleDefinition, at: number): RuleDecision[] {
    const before = this.rules.get(rule.ruleId);
    if (before) this.byMetric.get(before.metric)?.delete(rule.ruleId);
    this.rules.set(rule.ruleId, rule);
    const set = this.byMetric.get(rule.metric) ?? new Set<string>();
    this.byMetric.set(rule.metric, set);
    set.add(rule.ruleId);
    const out: RuleDecision[] = [];
    for (const [fp, s] of this.series) {
      if (s.ruleId !== rule.ruleId) continue;
      if (s.phase === 'pending') s.phase = 'inactive';
      if (s.phase !== 'firing') continue;
      // A firing series the rule no longer covers would never be evaluated again: resolve it.
      if (!rule.enabled) out.push(this.resolve(fp, s, null, at, 'rule disabled'));
      else if (
        !matchesAll(rule.matchers, s.labels) ||
        !selectorMatches(rule.hostSelector, this.hostLabels.get(s.hostId) ?? {})
      ) {
        out.push(this.resolve(fp, s, null, at, 'rule no longer matches'));
      }
    }
    return out;
  }

  /** A deleted rule resolves every alert it raised. */
  deleteRule(ruleId: string, at: number): RuleDecision[] {
    const rule = this.rules.get(ruleId);
    if (!rule) return [];
    this.rules.delete(ruleId);
    this.byMetric.get(rule.metric)?.delete(ruleId);
    const out: RuleDecision[] = [];
    for (const [fp, s] of this.series) {
      if (s.ruleId !== ruleId) continue;
      if (s.phase === 'firing') out.push(this.resolve(fp, s, null, at, 'rule deleted'));
      this.series.delete(fp);
    }
    return out;
  }

  /** Host labels for host selectors; a host that stops matching resolves what the rule raised on it. */
  setHostLabels(hostId: string, labels: Record<string, string>, at: number): RuleDecision[] {
    this.hostLabels.set(hostId, labels);
    const out: RuleDecision[] = [];
    for (const [fp, s] of this.series) {
      if (s.hostId !== hostId) continue;
      const rule = this.rules.get(s.ruleId);
      if (!rule || selectorMatches(rule.hostSelector, labels)) continue;
      if (s.phase === 'firing') out.push(this.resolve(fp, s, null, at, 'host no longer selected'));
      this.series.delete(fp);
    }
    return out;
  }

  /** Restart: an alert the event store says is active is firing again, without raising it twice. */
  restoreActive(alert: ActiveRuleAlert): void {
    this.series.set(alert.fingerprint, {
      ruleId: alert.ruleId,
      hostId: alert.hostId,
      labels: alert.labels,
      phase: 'firing',
      since: alert.startsAt,
      held: false,
      lastAt: Number.NEGATIVE_INFINITY,
      transitions: [...alert.transitions],
    });
  }

  /** The alert ended outside the engine (resolved by hand): the series starts over. */
  alertEnded(fingerprint: string, at: number): void {
    const s = this.series.get(fingerprint);
    if (s?.phase === 'firing') {
      s.phase = 'inactive';
      s.held = false;
      s.transitions.push(at);
    }
  }

  evaluate(batch: MetricBatch): RuleDecision[] {
    const out: RuleDecision[] = [];
    const at = batch.collectedAt;
    const hostLabels = this.hostLabels.get(batch.hostId) ?? {};
    for (const sample of batch.samples) {
      const ruleIds = this.byMetric.get(sample.name);
      if (!ruleIds || ruleIds.size === 0) continue;
      for (const ruleId of ruleIds) {
        const rule = this.rules.get(ruleId)!;
        if (
          !rule.enabled ||
          !selectorMatches(rule.hostSelector, hostLabels) ||
          !matchesAll(rule.matchers, sample.labels)
        ) {
          continue;
        }
        const d = this.step(rule, batch.hostId, sample.labels, sample.value, at);
        if (d) out.push(d);
      }
    }
    return out;
  }

  private step(
    rule: RuleDefinition,
    hostId: string,
    labels: Record<string, string>,
    value: number,
    at: number,
  ): RuleDecision | null {
    const fp = ruleFingerprint(rule.ruleId, hostId, labels);
    let s = this.series.get(fp);
    const holds = compare(rule.comparator, value, rule.threshold);
    if (!s) {
      if (!holds) return null; // nothing to remember for a healthy series
      s = {
        ruleId: rule.ruleId,
        hostId,
        labels,
        phase: 'inactive',
        since: at,
        held: false,
        lastAt: at,
        transitions: [],
      };
      this.series.set(fp, s);
    } else if (at < s.lastAt) {
      return null; // older than what we evaluated (redelivery): the state already reflects it
    }
    s.lastAt = at;
    switch (s.phase) {
      case 'inactive':
        if (!holds) return this.forgetIfIdle(fp, s, rule, at);
        s.phase = 'pending';
        s.since = at;
        return this.maybeRaise(fp, s, rule, value, at);
      case 'pending':
        if (!holds) {
          s.phase = 'inactive';
          return this.forgetIfIdle(fp, s, rule, at);
        }
        return this.maybeRaise(fp, s, rule, value, at);
      case 'firing': {
        const clear = !compare(rule.comparator, value, rule.resolveThreshold ?? rule.threshold);
        if (!clear || !rule.autoResolve) {
          s.held = false;
          return null;
        }
        const recent = s.transitions.filter((t) => t >= at - rule.flapWindowMs).length;
        if (recent + 1 > rule.flapMaxTransitions) {
          s.held = true; // flapping: keep it raised until the window calms down
          return null;
        }
        return this.resolve(fp, s, value, at, `${rule.metric} back to ${value}`);
      }
    }
  }

  private maybeRaise(
    fp: string,
    s: Series,
    rule: RuleDefinition,
    value: number,
    at: number,
  ): RuleDecision | null {
    if (at - s.since < rule.forMs) return null;
    s.phase = 'firing';
    s.held = false;
    s.transitions.push(at);
    this.trim(s, rule, at);
    return {
      kind: 'raise',
      ruleId: rule.ruleId,
      fingerprint: fp,
      hostId: s.hostId,
      labels: s.labels,
      severity: rule.severity,
      title: rule.name,
      description: rule.description ?? `${rule.metric} ${rule.comparator} ${rule.threshold}`,
      value,
      threshold: rule.threshold,
      startsAt: s.since,
      at,
    };
  }

  private resolve(fp: string, s: Series, value: number | null, at: number, reason: string): RuleDecision {
    s.phase = 'inactive';
    s.held = false;
    s.transitions.push(at);
    return { kind: 'resolve', ruleId: s.ruleId, fingerprint: fp, hostId: s.hostId, value, reason, at };
  }

  private trim(s: Series, rule: RuleDefinition, at: number): void {
    const from = at - rule.flapWindowMs;
    while (s.transitions.length > 0 && s.transitions[0]! < from) s.transitions.shift();
  }

  /** Healthy series with no recent transitions are dropped, so memory follows what is interesting. */
  private forgetIfIdle(fp: string, s: Series, rule: RuleDefinition, at: number): null {
    this.trim(s, rule, at);
    if (s.phase === 'inactive' && s.transitions.length === 0) this.series.delete(fp);
    return null;
  }
}
