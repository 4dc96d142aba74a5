import type { LabelMatcher } from '@nagare/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { Aggregates } from '../cqrs/aggregates';
import { Clock } from '../io/clock';
import type { CommandContext } from '../shared/decider';
import { DomainError } from '../shared/decider';
import { matchesAll } from '../shared/matchers';
import type { HandleOptions } from '../store/aggregate-store';
import { uuidFromParts, uuidv7 } from '../store/uuid';
import {
  type ActiveAlertView,
  CommandSideViews,
  type SilenceView,
  silenceLabelsOf,
} from '../views/command-side-views';

const SYSTEM = { kind: 'SYSTEM' as const, id: 'command-service', name: 'nagare-command' };

/** Silences: define, apply to matching active alerts (and to alerts raised later), expire on time. */
@Injectable()
export class SilenceService {
  private readonly log = new Logger(SilenceService.name);

  constructor(
    private readonly aggregates: Aggregates,
    private readonly views: CommandSideViews,
    private readonly clock: Clock,
  ) {}

  async define(
    def: { matchers: LabelMatcher[]; startsAt: number; endsAt: number; reason: string },
    c: CommandContext,
    o: HandleOptions = {},
  ) {
    // With an idempotency key, a retry names the same silence (and finds its events).
    const silenceId = o.idempotencyKey
      ? uuidFromParts('silence', c.actor.id, o.idempotencyKey)
      : uuidv7(c.at);
    const result = await this.aggregates.silence({ ...c, type: 'DefineSilence', silenceId, ...def }, o);
    const silence = this.views.silences.get(silenceId);
    if (silence) await this.applyToActive(silence);
    return result;
  }

  /** Silence events are immutable facts: a change lifts the old silence and defines its replacement. */
  async change(
    silenceId: string,
    def: { matchers: LabelMatcher[]; startsAt: number; endsAt: number; reason: string },
    c: CommandContext,
    o: HandleOptions = {},
  ) {
    if (!this.views.silences.has(silenceId)) {
      throw new DomainError('SILENCE_NOT_ACTIVE', `silence ${silenceId} is not in effect`);
    }
    const replacement = await this.define(def, c, o);
    await this.aggregates.silence(
      {
        ...c,
        type: 'ExpireSilence',
        silenceId,
        reason: `replaced by ${replacement.streamId.slice('silence-'.length)}`,
      },
      o.idempotencyKey ? { ...o, idempotencyKey: `${o.idempotencyKey}:expire` } : o,
    );
    return replacement;
  }

  /** Lifts a silence early. */
  expire(silenceId: string, reason: string, c: CommandContext, o?: HandleOptions) {
    if (!reason.trim()) throw new DomainError('REASON_REQUIRED', 'lifting a silence early needs a reason');
    return this.aggregates.silence({ ...c, type: 'ExpireSilence', silenceId, reason }, o);
  }

  /** Called after an alert is raised: every silence in effect that matches it silences it. */
  async silenceNewAlert(fingerprint: string): Promise<void> {
    const alert = this.views.activeAlerts.get(fingerprint);
    if (!alert) return;
    const now = this.clock.now();
    for (const s of this.views.silences.values()) {
      if (s.startsAt <= now && now < s.endsAt && matchesAll(s.matchers, silenceLabelsOf(alert)))
        await this.apply(s, alert, now);
    }
  }

  /** Timer: silences whose end has passed expire. */
  async tick(now = this.clock.now()): Promise<void> {
    for (const s of [...this.views.silences.values()]) {
      if (s.endsAt <= now) {
        await this.aggregates
          .silence({ actor: SYSTEM, at: now, type: 'ExpireSilence', silenceId: s.silenceId, reason: null })
          .catch((err: Error) => this.log.warn(`could not expire silence ${s.silenceId}: ${err.message}`));
      }
    }
  }

  private async applyToActive(s: SilenceView): Promise<void> {
    const now = this.clock.now();
    if (now < s.startsAt || now >= s.endsAt) return;
    for (const alert of [...this.views.activeAlerts.values()]) {
      if (matchesAll(s.matchers, silenceLabelsOf(alert))) await this.apply(s, alert, now);
    }
  }

  private async apply(s: SilenceView, alert: ActiveAlertView, now: number): Promise<void> {
    const causationId = `silence:${s.silenceId}`;
    await this.aggregates.alert(
      {
        actor: SYSTEM,
        at: now,
        type: 'SilenceAlert',
        alertId: alert.alertId,
        silenceId: s.silenceId,
        until: s.endsAt,
      },
      { causationId },
    );
    await this.aggregates.silence(
      {
        actor: SYSTEM,
        at: now,
        type: 'SuppressAlert',
        silenceId: s.silenceId,
        alertId: alert.alertId,
        fingerprint: alert.fingerprint,
      },
      { causationId },
    );
  }
}
