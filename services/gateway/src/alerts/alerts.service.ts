import { Inject, Injectable } from '@nestjs/common';
import { CommandClient } from '../command-client/command-client';
import { ApiError } from '../common/api-error';
import type { Principal } from '../common/principal';
import { type AlertQuery, ReadModelsRepository } from '../read-models/read-models.repository';
import { alertSummary, ms, type Row, timelineEntry } from '../read-models/views';

export type AlertAction =
  | { kind: 'acknowledge'; comment?: string }
  | { kind: 'notes'; text: string }
  | { kind: 'escalate'; severity: number; reason: string }
  | { kind: 'silence'; durationMinutes: number; reason: string }
  | { kind: 'resolve'; reason: string }
  | { kind: 'diagnose' };

@Injectable()
export class AlertsService {
  constructor(
    @Inject(ReadModelsRepository) private readonly readModels: ReadModelsRepository,
    @Inject(CommandClient) private readonly commands: CommandClient,
  ) {}

  async list(q: AlertQuery, now = Date.now()) {
    const rows = await this.readModels.alerts(q, now);
    return { rows: rows.slice(0, q.limit).map((r) => alertSummary(r, now)), more: rows.length > q.limit };
  }

  async get(alertId: string, now = Date.now()) {
    const row = await this.readModels.alert(alertId);
    if (!row) throw ApiError.notFound('no such alert');
    const timeline = (await this.readModels.timeline('alert', alertId)).map(timelineEntry);
    const out: Record<string, unknown> = { alert: alertSummary(row, now), timeline };
    if (row.diagnosis) out.diagnosis = row.diagnosis;
    return out;
  }

  async act(actor: Principal, alertId: string, action: AlertAction, idempotencyKey?: string) {
    const path = `/commands/alerts/${encodeURIComponent(alertId)}`;
    let out: { version: number };
    switch (action.kind) {
      case 'acknowledge':
        out = await this.commands.post(`${path}/acknowledge`, { comment: action.comment ?? null }, actor, {
          idempotencyKey,
        });
        break;
      case 'notes':
        out = await this.commands.post(`${path}/notes`, { text: action.text }, actor, { idempotencyKey });
        break;
      case 'escalate':
        out = await this.commands.post(
          `${path}/escalate`,
          { toSeverity: action.severity, reason: action.reason },
          actor,
          {
            idempotencyKey,
          },
        );
        break;
      case 'silence':
        out = await this.commands.post(
          `${path}/silence`,
          { durationMs: action.durationMinutes * 60_000, reason: action.reason },
          actor,
          { idempotencyKey },
        );
        break;
      case 'resolve':
        out = await this.commands.post(`${path}/resolve`, { reason: action.reason }, actor, {
          idempotencyKey,
        });
        break;
      case 'diagnose':
        out = await this.commands.post(`${path}/diagnosis`, await this.diagnose(alertId), actor, {
          idempotencyKey,
        });
        break;
    }
    return { alertId, version: out.version };
  }

  /**
   * The deterministic diagnosis (design.md: used when no AI key is configured): what the
   * read models know about the alert, its host's current figures and related alerts.
   */
  async diagnose(alertId: string) {
    const row = await this.readModels.alert(alertId);
    if (!row) throw ApiError.notFound('no such alert');
    const related = row.host_id
      ? (
          await this.readModels.alerts(
            { states: [], hostId: String(row.host_id), limit: 20, offset: 0 },
            Date.now(),
          )
        ).filter((r: Row) => r.alert_id !== alertId)
      : [];
    const causes: string[] = [];
    if (row.value !== null && row.threshold !== null && row.value !== undefined) {
      causes.push(`value ${row.value} crossed threshold ${row.threshold}`);
    }
    for (const r of related.slice(0, 5)) {
      causes.push(
        `related alert on the same host: ${r.title} (severity ${r.severity}, ${r.state}, since ${new Date(ms(r.started_at) ?? 0).toISOString()})`,
      );
    }
    return {
      summary: `${row.title ?? 'alert'} on ${row.hostname ?? row.host_id ?? 'an unknown host'} (severity ${row.severity})`,
      likelyCauses: causes,
      suggestedActions: [
        row.host_id
          ? `inspect host ${row.host_id} metrics around ${new Date(ms(row.started_at) ?? Date.now()).toISOString()}`
          : 'inspect the alert source',
      ],
      engine: 'deterministic',
      sources: [`alert:${alertId}`, ...related.slice(0, 5).map((r: Row) => `alert:${r.alert_id}`)],
    };
  }
}
