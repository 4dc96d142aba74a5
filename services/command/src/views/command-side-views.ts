import type { AlertRaised, CommandRequested, LabelMatcher } from '@nagare/contracts';
import type { RuleDefinition } from '../alert-rule/alert-rule.decider';
import type { EventData } from '../shared/decider';
import { fromStoredData } from '../store/event-codec';
import type { EventStorePort, RecordedEvent } from '../store/event-store.port';

export interface HostView {
  hostId: string;
  hostname: string;
  labels: Record<string, string>;
  status: 'online' | 'offline' | 'decommissioned';
}

export interface ActiveAlertView {
  alertId: string;
  fingerprint: string;
  origin: 'RULE' | 'WEBHOOK';
  ruleId: string | null;
  hostId: string | null;
  severity: number;
  title: string;
  labels: Record<string, string>;
  startsAt: number;
  silencedUntil: number | null;
}

export interface SilenceView {
  silenceId: string;
  matchers: LabelMatcher[];
  startsAt: number;
  endsAt: number;
}

export interface OpenCommandView {
  commandId: string;
  hostId: string;
  status: 'awaiting_approval' | 'ready' | 'dispatched' | 'started';
  timeoutMs: number;
  /** Agents refuse a dispatch after this. */
  dispatchExpiresAt: number | null;
  startedAt: number | null;
}

/**
 * What the command side needs to know across aggregates, folded from the event store: hosts
 * (fan-out, host selectors, liveness), active alerts (silences, rule-engine restart), silences,
 * rules and open commands (timeouts, dispatch recovery). Built by reading the whole log at
 * start, then kept current from every append this service makes.
 */
export class CommandSideViews {
  readonly hosts = new Map<string, HostView>();
  readonly activeAlerts = new Map<string, ActiveAlertView>();
  /** Raise/resolve instants per fingerprint (bounded), for flap damping after a restart. */
  readonly alertTransitions = new Map<string, number[]>();
  readonly silences = new Map<string, SilenceView>();
  readonly rules = new Map<string, RuleDefinition>();
  readonly openCommands = new Map<string, OpenCommandView>();
  private position = 0n;

  get lastPosition(): bigint {
    return this.position;
  }

  /** Reads the global log from the start (or where it stopped) in batches. */
  async catchUp(store: EventStorePort, batchSize = 1000): Promise<number> {
    let n = 0;
    for (;;) {
      const batch = await store.readAll({ after: this.position, maxCount: batchSize });
      if (batch.length === 0) return n;
      this.apply(batch);
      n += batch.length;
    }
  }

  apply(events: readonly RecordedEvent[]): void {
    for (const e of events) {
      if (e.globalPosition > this.position) this.position = e.globalPosition;
      this.applyOne(
        e.type,
        fromStoredData(e.type, e.data) as Record<string, unknown>,
        e.occurredAt.getTime(),
      );
    }
  }

  private applyOne(type: string, d: Record<string, unknown>, at: number): void {
    const s = (k: string) => d[k] as string;
    switch (type) {
      case 'HostRegistered':
        this.hosts.set(s('hostId'), {
          hostId: s('hostId'),
          hostname: s('hostname'),
          labels: d.labels as Record<string, string>,
          status: 'online',
        });
        return;
      case 'HostFactsUpdated': {
        const h = this.hosts.get(s('hostId'));
        if (h) h.hostname = (d.facts as { hostname: string }).hostname;
        return;
      }
      case 'HostLabelsChanged': {
        const h = this.hosts.get(s('hostId'));
        if (h) h.labels = d.labels as Record<string, string>;
        return;
      }
      case 'HostWentOffline':
      case 'HostCameOnline':
      case 'HostDecommissioned': {
        const h = this.hosts.get(s('hostId'));
        if (h)
          h.status =
            type === 'HostWentOffline' ? 'offline' : type === 'HostCameOnline' ? 'online' : 'decommissioned';
        return;
      }
      case 'AlertRaised': {
        const r = d as unknown as EventData<AlertRaised>;
        this.activeAlerts.set(r.fingerprint, {
          alertId: r.alertId,
          fingerprint: r.fingerprint,
          origin: r.origin,
          ruleId: r.ruleId,
          hostId: r.hostId,
          severity: r.severity,
          title: r.title,
          labels: r.labels,
          startsAt: r.startsAt,
          silencedUntil: null,
        });
        this.transition(r.fingerprint, at);
        return;
      }
      case 'AlertEscalated':
      case 'AlertSilenced':
      case 'AlertResolved': {
        const alert = this.alertById(s('alertId'));
        if (!alert) return;
        if (type === 'AlertEscalated') alert.severity = d.toSeverity as number;
        if (type === 'AlertSilenced') alert.silencedUntil = d.until as number;
        if (type === 'AlertResolved') {
          this.activeAlerts.delete(alert.fingerprint);
          this.transition(alert.fingerprint, at);
        }
        return;
      }
      case 'AlertRuleDefined':
      case 'AlertRuleChanged':
        this.rules.set(s('ruleId'), d as unknown as RuleDefinition);
        return;
      case 'AlertRuleDeleted':
        this.rules.delete(s('ruleId'));
        return;
      case 'SilenceDefined':
        this.silences.set(s('silenceId'), {
          silenceId: s('silenceId'),
          matchers: d.matchers as LabelMatcher[],
          startsAt: d.startsAt as number,
          endsAt: d.endsAt as number,
        });
        return;
      case 'SilenceExpired':
        this.silences.delete(s('silenceId'));
        return;
      case 'CommandRequested': {
        const r = d as unknown as EventData<CommandRequested>;
        this.openCommands.set(r.commandId, {
          commandId: r.commandId,
          hostId: r.hostId,
          status: r.requiresApproval ? 'awaiting_approval' : 'ready',
          timeoutMs: r.timeoutMs,
          dispatchExpiresAt: null,
          startedAt: null,
        });
        return;
      }
      case 'CommandApproved':
      case 'CommandDispatched':
      case 'CommandStarted': {
        const c = this.openCommands.get(s('commandId'));
        if (!c) return;
        if (type === 'CommandApproved') c.status = 'ready';
        if (type === 'CommandDispatched') {
          c.status = 'dispatched';
          c.dispatchExpiresAt = d.expiresAt as number;
        }
        if (type === 'CommandStarted') {
          c.status = 'started';
          c.startedAt = d.startedAt as number;
        }
        return;
      }
      case 'CommandRejected':
      case 'CommandCompleted':
      case 'CommandFailed':
      case 'CommandTimedOut':
      case 'CommandCancelled':
        this.openCommands.delete(s('commandId'));
        return;
    }
  }

  alertById(alertId: string): ActiveAlertView | undefined {
    for (const a of this.activeAlerts.values()) if (a.alertId === alertId) return a;
    return undefined;
  }

  private transition(fingerprint: string, at: number): void {
    const list = this.alertTransitions.get(fingerprint) ?? [];
    list.push(at);
    if (list.length > 64) list.shift();
    this.alertTransitions.set(fingerprint, list);
  }
}

/** Labels silences match on: the alert's labels plus alertname, host, severity and fingerprint. */
export const silenceLabelsOf = (a: ActiveAlertView): Record<string, string> => ({
  ...a.labels,
  alertname: a.title,
  host: a.hostId ?? '',
  severity: String(a.severity),
  fingerprint: a.fingerprint,
  ...(a.ruleId !== null && { rule: a.ruleId }),
});
