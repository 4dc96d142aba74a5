import type { Actor, LabelMatcher, WebhookAlert } from '@nagare/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { Aggregates } from '../cqrs/aggregates';
import { Clock } from '../io/clock';
import type { RuleDecision } from '../rule-engine/rule-engine';
import { type CommandContext, DomainError } from '../shared/decider';
import { SilenceService } from '../silence/silence.service';
import type { HandleOptions } from '../store/aggregate-store';
import { uuidv7 } from '../store/uuid';
import { CommandSideViews } from '../views/command-side-views';
import { alertStreamIdForAlert, type RaiseAlert } from './alert.decider';

export const SYSTEM_ACTOR: Actor = { kind: 'SYSTEM', id: 'command-service', name: 'nagare-command' };

/** Alert lifecycle: raised by rules and webhooks (deduplicated), handled by operators. */
@Injectable()
export class AlertService {
  private readonly log = new Logger(AlertService.name);

  constructor(
    private readonly aggregates: Aggregates,
    private readonly views: CommandSideViews,
    private readonly silences: SilenceService,
    private readonly clock: Clock,
  ) {}

  /** Raises (no-op when the fingerprint is already active) and applies matching silences. */
  async raise(raise: RaiseAlert, context: CommandContext, options: HandleOptions = {}) {
    const result = await this.aggregates.alert({ ...context, type: 'RaiseAlert', ...raise }, options);
    const raised = result.events.find((e) => e.type === 'AlertRaised');
    if (raised && !result.replayed) {
      await this.silences.silenceNewAlert(raised.data.fingerprint).catch((err: Error) => {
        // The alert is raised; a silence that failed to apply is retried when the silence is next evaluated.
        this.log.warn(`could not apply silences to ${raised.data.alertId}: ${err.message}`);
      });
    }
    return result;
  }

  raiseFromRule(d: Extract<RuleDecision, { kind: 'raise' }>) {
    return this.raise(
      {
        fingerprint: d.fingerprint,
        origin: 'RULE',
        ruleId: d.ruleId,
        sourceName: null,
        hostId: d.hostId,
        severity: d.severity,
        title: d.title,
        description: d.description,
        labels: d.labels,
        annotations: {},
        value: d.value,
        threshold: d.threshold,
        startsAt: d.startsAt,
      },
      { actor: SYSTEM_ACTOR, at: d.at },
      { causationId: `rule:${d.ruleId}`, correlationId: uuidv7(d.at) },
    );
  }

  resolveFromRule(d: Extract<RuleDecision, { kind: 'resolve' }>) {
    return this.aggregates.alert(
      {
        actor: SYSTEM_ACTOR,
        at: d.at,
        type: 'ResolveAlert',
        alertId: this.views.activeAlerts.get(d.fingerprint)?.alertId ?? null,
        fingerprint: d.fingerprint,
        resolution: 'AUTO',
        reason: d.reason,
        value: d.value,
        endsAt: d.at,
      },
      { causationId: `rule:${d.ruleId}` },
    );
  }

  /** A normalized webhook alert: FIRING raises, RESOLVED resolves, by the source's fingerprint. */
  fromWebhook(w: WebhookAlert, causationId: string) {
    const fingerprint = `webhook:${w.sourceName}|${w.fingerprint}`;
    const actor: Actor = { kind: 'SYSTEM', id: `webhook:${w.sourceName}`, name: w.source };
    if (w.status === 'FIRING') {
      return this.raise(
        {
          fingerprint,
          origin: 'WEBHOOK',
          ruleId: null,
          sourceName: w.sourceName,
          hostId: w.hostId,
          severity: w.severity,
          title: w.title,
          description: w.description,
          labels: w.labels,
          annotations: w.generatorUrl ? { ...w.annotations, generatorUrl: w.generatorUrl } : w.annotations,
          value: null,
          threshold: null,
          startsAt: w.startsAt,
        },
        { actor, at: w.receivedAt },
        { causationId },
      );
    }
    return this.aggregates.alert(
      {
        actor,
        at: w.receivedAt,
        type: 'ResolveAlert',
        alertId: null,
        fingerprint,
        resolution: 'WEBHOOK',
        reason: null,
        value: null,
        endsAt: w.endsAt ?? w.receivedAt,
      },
      { causationId },
    );
  }

  acknowledge(alertId: string, comment: string | null, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.alert({ ...c, type: 'AcknowledgeAlert', alertId, comment }, o);
  }

  addNote(alertId: string, text: string, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.alert({ ...c, type: 'AddAlertNote', alertId, noteId: uuidv7(c.at), text }, o);
  }

  escalate(alertId: string, toSeverity: number, reason: string, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.alert({ ...c, type: 'EscalateAlert', alertId, toSeverity, reason }, o);
  }

  resolve(alertId: string, reason: string | null, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.alert(
      { ...c, type: 'ResolveAlert', alertId, resolution: 'MANUAL', reason, value: null, endsAt: c.at },
      o,
    );
  }

  diagnose(
    diagnosis: {
      alertId: string;
      summary: string;
      likelyCauses: string[];
      suggestedActions: string[];
      engine: string;
      sources: string[];
    },
    c: CommandContext,
    o?: HandleOptions,
  ) {
    return this.aggregates.alert({ ...c, type: 'DiagnoseAlert', ...diagnosis }, o);
  }

  /**
   * Silences an alert: defines a silence (by default matching this alert's fingerprint) for
   * `durationMs`, which then silences every active alert it matches, this one included.
   */
  async silence(
    alertId: string,
    input: { durationMs: number; matchers?: LabelMatcher[]; reason: string },
    c: CommandContext,
    o: HandleOptions = {},
  ) {
    alertStreamIdForAlert(alertId); // refuses malformed ids up front
    const alert = this.views.alertById(alertId);
    if (!alert)
      throw new DomainError('ALERT_NOT_ACTIVE', `alert ${alertId} is not active; nothing to silence`);
    const matchers = input.matchers?.length
      ? input.matchers
      : [{ label: 'fingerprint', op: 'EQ' as const, value: alert.fingerprint }];
    const now = this.clock.now();
    return this.silences.define(
      { matchers, startsAt: now, endsAt: now + input.durationMs, reason: input.reason },
      c,
      o,
    );
  }
}
