import { Inject, Injectable } from '@nestjs/common';
import { CommandClient } from '../command-client/command-client';
import { ApiError } from '../common/api-error';
import type { Principal } from '../common/principal';
import { type CommandQuery, ReadModelsRepository } from '../read-models/read-models.repository';
import { commandSummary, ms, timelineEntry } from '../read-models/views';

export interface CommandRequest {
  hostId?: string;
  hostSelector?: { labels: Record<string, string> };
  argv: string[];
  shell?: boolean;
  cwd?: string;
  timeoutSeconds?: number;
  reason: string;
}

const toInternal = (r: CommandRequest) => ({
  ...(r.hostId ? { hostIds: [r.hostId] } : { hostSelector: r.hostSelector?.labels ?? {} }),
  argv: r.argv,
  shell: r.shell ?? false,
  cwd: r.cwd ?? null,
  ...(r.timeoutSeconds !== undefined ? { timeoutMs: r.timeoutSeconds * 1000 } : {}),
  reason: r.reason,
});

@Injectable()
export class CommandsService {
  constructor(
    @Inject(ReadModelsRepository) private readonly readModels: ReadModelsRepository,
    @Inject(CommandClient) private readonly commands: CommandClient,
  ) {}

  async list(q: CommandQuery) {
    const rows = await this.readModels.commands(q);
    return { rows: rows.slice(0, q.limit).map(commandSummary), more: rows.length > q.limit };
  }

  async get(commandId: string) {
    const row = await this.readModels.command(commandId);
    if (!row) throw ApiError.notFound('no such command');
    const [timeline, output] = await Promise.all([
      this.readModels.timeline('command', commandId),
      this.readModels.commandOutput(commandId),
    ]);
    return {
      command: commandSummary(row),
      timeline: timeline.map(timelineEntry),
      output: output.map((o) => ({
        seq: Number(o.seq),
        stream: String(o.stream),
        // Lossy UTF-8 for display; the bytes stay verbatim in the read model for auditors.
        text: (o.data as Buffer).toString('utf8'),
        at: ms(o.recorded_at),
      })),
    };
  }

  /** Forwarded to the command service, which owns the policy; answered in the contract's shape. */
  async policyCheck(actor: Principal, request: CommandRequest) {
    const out = await this.commands.post<{
      allowed: boolean;
      requiresApproval: boolean;
      hosts: {
        hostId: string;
        allowed: boolean;
        policy: string;
        requiresApproval: boolean;
        reason?: string;
      }[];
    }>('/commands/commands/policy-check', toInternal(request), actor);
    const refused = out.hosts.find((h) => !h.allowed);
    return {
      allowed: out.allowed,
      requiresApproval: out.requiresApproval,
      policy: (refused ?? out.hosts[0])?.policy ?? null,
      reason: refused?.reason ?? null,
      hosts: out.hosts,
    };
  }

  async request(actor: Principal, request: CommandRequest, idempotencyKey?: string) {
    const out = await this.commands.post<{
      requestId: string;
      commands: { commandId: string; hostId: string; policy: string; requiresApproval: boolean }[];
    }>('/commands/commands', toInternal(request), actor, { idempotencyKey });
    return {
      requestId: out.requestId,
      commands: out.commands.map((c) => ({
        commandId: c.commandId,
        hostId: c.hostId,
        state: c.requiresApproval ? 'awaiting_approval' : 'approved',
        requiresApproval: c.requiresApproval,
        policy: c.policy,
      })),
    };
  }

  async transition(
    actor: Principal,
    commandId: string,
    action: 'approve' | 'reject' | 'cancel',
    body: Record<string, unknown>,
    idempotencyKey?: string,
  ) {
    const out = await this.commands.post(
      `/commands/commands/${encodeURIComponent(commandId)}/${action}`,
      body,
      actor,
      {
        idempotencyKey,
      },
    );
    return { commandId, version: out.version };
  }
}
