import type { HostFacts } from '@nagare/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../alert/alert.service';
import { CONFIG, type CommandServiceConfig } from '../config/config';
import { Aggregates } from '../cqrs/aggregates';
import { Clock } from '../io/clock';
import type { CommandContext } from '../shared/decider';
import type { HandleOptions } from '../store/aggregate-store';
import { CommandSideViews } from '../views/command-side-views';

/**
 * Hosts: registered and updated from telemetry.inventory, labelled by operators, and marked
 * offline when no telemetry arrives within the grace period (online again on the next record).
 */
@Injectable()
export class HostService {
  private readonly log = new Logger(HostService.name);
  /** Last telemetry per host, by this service's clock (agent clocks may be skewed). */
  private readonly lastSeen = new Map<string, number>();

  constructor(
    private readonly aggregates: Aggregates,
    private readonly views: CommandSideViews,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: CommandServiceConfig,
  ) {}

  /**
   * After a restart nobody knows when hosts were last seen: every host the store says is
   * online gets a full grace period from now, so a restart never marks the fleet offline.
   */
  rebuild(now = this.clock.now()): void {
    for (const h of this.views.hosts.values()) if (h.status === 'online') this.lastSeen.set(h.hostId, now);
  }

  reportFacts(facts: HostFacts, causationId: string) {
    return this.aggregates.host(
      {
        actor: { kind: 'AGENT', id: facts.agentId, name: null },
        at: this.clock.now(),
        type: 'ReportHostFacts',
        facts,
      },
      { causationId },
    );
  }

  /** Any telemetry from a host: it is alive. */
  async seen(hostId: string, now = this.clock.now()): Promise<void> {
    this.lastSeen.set(hostId, now);
    if (this.views.hosts.get(hostId)?.status === 'offline') {
      await this.aggregates.host({ actor: SYSTEM_ACTOR, at: now, type: 'MarkHostOnline', hostId });
    }
  }

  /** Timer: online hosts silent for longer than the grace period go offline. */
  async tick(now = this.clock.now()): Promise<void> {
    const grace = this.config.hostOfflineGraceMs;
    for (const h of this.views.hosts.values()) {
      if (h.status !== 'online') continue;
      const last = this.lastSeen.get(h.hostId);
      if (last === undefined) {
        this.lastSeen.set(h.hostId, now);
        continue;
      }
      if (now - last <= grace) continue;
      await this.aggregates
        .host({
          actor: SYSTEM_ACTOR,
          at: now,
          type: 'MarkHostOffline',
          hostId: h.hostId,
          lastSeenAt: last,
          graceMs: grace,
        })
        .catch((err: Error) => this.log.warn(`could not mark ${h.hostId} offline: ${err.message}`));
    }
  }

  changeLabels(hostId: string, labels: Record<string, string>, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.host({ ...c, type: 'ChangeHostLabels', hostId, labels }, o);
  }

  decommission(hostId: string, reason: string, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.host({ ...c, type: 'DecommissionHost', hostId, reason }, o);
  }
}
