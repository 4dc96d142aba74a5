import type { MetricBatch } from '@nagare/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { AlertService } from '../alert/alert.service';
import type { RuleDefinition } from '../alert-rule/alert-rule.decider';
import { Aggregates } from '../cqrs/aggregates';
import { Clock } from '../io/clock';
import type { CommandContext } from '../shared/decider';
import type { HandleOptions } from '../store/aggregate-store';
import { fromStoredData } from '../store/event-codec';
import type { RecordedEvent } from '../store/event-store.port';
import { CommandSideViews } from '../views/command-side-views';
import { type RuleDecision, RuleEngine } from './rule-engine';

/**
 * Runs the rule engine on telemetry.metrics and turns its decisions into alert commands.
 * Restart: rules and host labels come from the event store, and every active RULE alert is
 * restored as firing (with its raise/resolve history for flap damping), so nothing is raised
 * twice or lost. `for` periods that were pending at the crash start again on the next samples.
 */
@Injectable()
export class RuleEvaluator {
  private readonly log = new Logger(RuleEvaluator.name);
  readonly engine = new RuleEngine();

  constructor(
    private readonly alerts: AlertService,
    private readonly aggregates: Aggregates,
    private readonly views: CommandSideViews,
    private readonly clock: Clock,
  ) {}

  /**
   * Restores the engine from the views, then settles what a crash may have left half done: a
   * rule alert whose rule was deleted, disabled or changed so that it no longer covers the
   * series is resolved now (the resolution normally follows the rule event in the same process).
   */
  async rebuild(): Promise<void> {
    const now = this.clock.now();
    for (const h of this.views.hosts.values()) this.engine.setHostLabels(h.hostId, h.labels, now);
    for (const r of this.views.rules.values()) this.engine.upsertRule(r, now);
    const orphans: RuleDecision[] = [];
    for (const a of this.views.activeAlerts.values()) {
      if (a.origin !== 'RULE' || !a.ruleId || !a.hostId) continue;
      const restored = {
        fingerprint: a.fingerprint,
        ruleId: a.ruleId,
        hostId: a.hostId,
        labels: a.labels,
        startsAt: a.startsAt,
        transitions: this.views.alertTransitions.get(a.fingerprint) ?? [],
      };
      if (this.views.rules.has(a.ruleId)) this.engine.restoreActive(restored);
      else {
        orphans.push({
          kind: 'resolve',
          ruleId: a.ruleId,
          fingerprint: a.fingerprint,
          hostId: a.hostId,
          value: null,
          reason: 'rule deleted',
          at: now,
        });
      }
    }
    // Re-applying each rule to the restored series resolves those it no longer covers.
    for (const r of this.views.rules.values()) orphans.push(...this.engine.upsertRule(r, now));
    await this.apply(orphans);
  }

  async onMetrics(batch: MetricBatch): Promise<number> {
    const decisions = this.engine.evaluate(batch);
    await this.apply(decisions);
    return decisions.length;
  }

  /** Keeps the engine in step with what this service appended (rules, host labels, manual resolutions). */
  async onAppended(events: readonly RecordedEvent[]): Promise<void> {
    const decisions: RuleDecision[] = [];
    for (const e of events) {
      const d = fromStoredData(e.type, e.data) as Record<string, unknown>;
      const at = e.occurredAt.getTime();
      switch (e.type) {
        case 'AlertRuleDefined':
        case 'AlertRuleChanged':
          decisions.push(...this.engine.upsertRule(d as unknown as RuleDefinition, at));
          break;
        case 'AlertRuleDeleted':
          decisions.push(...this.engine.deleteRule(d.ruleId as string, at));
          break;
        case 'HostRegistered':
        case 'HostLabelsChanged':
          decisions.push(
            ...this.engine.setHostLabels(d.hostId as string, d.labels as Record<string, string>, at),
          );
          break;
        case 'AlertResolved':
          if (d.resolution !== 'AUTO') {
            // Resolved by hand: whatever the engine holds firing without an active alert starts over.
            for (const fp of this.engine.firingFingerprints()) {
              if (!this.views.activeAlerts.has(fp)) this.engine.alertEnded(fp, at);
            }
          }
          break;
      }
    }
    await this.apply(decisions);
  }

  defineRule(rule: RuleDefinition, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.rule({ ...c, type: 'DefineAlertRule', ...rule }, o);
  }

  changeRule(rule: RuleDefinition, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.rule({ ...c, type: 'ChangeAlertRule', ...rule }, o);
  }

  deleteRule(ruleId: string, reason: string | null, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.rule({ ...c, type: 'DeleteAlertRule', ruleId, reason }, o);
  }

  private async apply(decisions: readonly RuleDecision[]): Promise<void> {
    for (const d of decisions) {
      try {
        if (d.kind === 'raise') await this.alerts.raiseFromRule(d);
        else await this.alerts.resolveFromRule(d);
      } catch (err) {
        this.log.error(`rule ${d.ruleId}: could not ${d.kind} ${d.fingerprint}: ${(err as Error).message}`);
        throw err;
      }
    }
  }
}
