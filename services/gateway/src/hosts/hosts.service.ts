import { Inject, Injectable } from '@nestjs/common';
import { CommandClient } from '../command-client/command-client';
import { ApiError } from '../common/api-error';
import type { Principal } from '../common/principal';
import { type HostQuery, ReadModelsRepository } from '../read-models/read-models.repository';
import { SnapshotsRepository } from '../read-models/snapshots.repository';
import {
  CPU_IDLE_SPARK,
  cpuSpark,
  type HostSummary,
  hostSummary,
  latestFrom,
  type Row,
} from '../read-models/views';

@Injectable()
export class HostsService {
  constructor(
    @Inject(ReadModelsRepository) private readonly readModels: ReadModelsRepository,
    @Inject(SnapshotsRepository) private readonly snapshots: SnapshotsRepository,
    @Inject(CommandClient) private readonly commands: CommandClient,
  ) {}

  /** Rows → summaries with sparklines (Redis) and active alert counts (one query for the page). */
  async summaries(rows: Row[]): Promise<HostSummary[]> {
    const ids = rows.map((r) => String(r.host_id));
    const [sparks, alerts] = await Promise.all([
      this.snapshots.sparklines(ids, CPU_IDLE_SPARK, 60),
      this.readModels.activeAlertsByHost(ids),
    ]);
    return rows.map((r) => {
      const id = String(r.host_id);
      return hostSummary(r, cpuSpark(sparks.get(id) ?? []), alerts.get(id));
    });
  }

  async list(q: HostQuery): Promise<{ rows: HostSummary[]; more: boolean }> {
    const rows = await this.readModels.hosts(q);
    const more = rows.length > q.limit;
    return { rows: await this.summaries(rows.slice(0, q.limit)), more };
  }

  async get(hostId: string) {
    const row = await this.readModels.host(hostId);
    if (!row) throw ApiError.notFound('no such host');
    const [summary] = await this.summaries([row]);
    // The snapshot is fresher than host_metrics_latest when Redis is configured.
    const snap = await this.snapshots.hostMetrics(hostId);
    const latest = latestFrom((snap?.value ?? row.latest_metrics) as Row | null, true);
    return {
      host: {
        ...(summary as HostSummary),
        latest,
        facts: row.facts ?? null,
        // No agent collector reports processes or containers yet (no topic carries them).
        processes: [],
        containers: [],
      },
    };
  }

  async changeLabels(
    actor: Principal,
    hostId: string,
    labels: Record<string, string>,
    idempotencyKey?: string,
  ) {
    const out = await this.commands.post(
      `/commands/hosts/${encodeURIComponent(hostId)}/labels`,
      { labels },
      actor,
      {
        idempotencyKey,
      },
    );
    return { hostId, version: out.version };
  }
}
