import { Controller, Get, HttpCode, Inject, Module, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { API } from '../common/api';
import { CurrentPrincipal, Doc, IdempotencyKey, Roles, ValidBody, ValidQuery } from '../common/decorators';
import type { Principal } from '../common/principal';
import { boolParam, listParams, many, nextCursor, offsetOf } from '../common/query';
import { APPROVE, OUTPUT, READ, WRITE } from '../common/roles';
import { IdPipe } from '../common/uuid.pipe';
import { CommandsService } from './commands.service';

const STATES = [
  'awaiting_approval',
  'approved',
  'rejected',
  'dispatched',
  'running',
  'completed',
  'failed',
  'timed_out',
  'cancelled',
] as const;
const commandsQuery = z.object({
  state: many(z.enum(STATES)),
  hostId: z.string().min(1).max(200).optional(),
  requestedBy: z.string().min(1).max(200).optional(),
  awaitingApproval: boolParam.optional(),
  ...listParams,
});
const commandRequest = z
  .strictObject({
    hostId: z.string().min(1).max(200).optional(),
    hostSelector: z
      .strictObject({ labels: z.record(z.string().min(1).max(128), z.string().max(1024)) })
      .optional(),
    argv: z.array(z.string().max(8192)).min(1).max(256),
    shell: z.boolean().optional(),
    cwd: z.string().max(4096).optional(),
    timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
    reason: z.string().min(1).max(2000),
  })
  .refine(
    (r) => (r.hostId === undefined) !== (r.hostSelector === undefined),
    'give exactly one of hostId and hostSelector',
  );
const comment = z.strictObject({ comment: z.string().max(2000).optional() });
const reason = z.strictObject({ reason: z.string().min(1).max(2000) });
const optionalReason = z.strictObject({ reason: z.string().max(2000).optional() });

@Controller(`${API}/commands`)
export class CommandsController {
  constructor(@Inject(CommandsService) private readonly commands: CommandsService) {}

  @Post('policy-check')
  @HttpCode(200)
  @Roles(...WRITE)
  @Doc({ summary: 'Would this request be allowed, and would it need approval? (no effect)' })
  policyCheck(
    @CurrentPrincipal() p: Principal,
    @ValidBody(commandRequest) b: z.output<typeof commandRequest>,
  ) {
    return this.commands.policyCheck(p, b);
  }

  @Post()
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Request a command on one host or every host matching labels', status: 202 })
  request(
    @CurrentPrincipal() p: Principal,
    @ValidBody(commandRequest) b: z.output<typeof commandRequest>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.request(p, b, key);
  }

  @Get()
  @Roles(...READ)
  @Doc({ summary: 'Commands by state, host and requester' })
  async list(@ValidQuery(commandsQuery) q: z.output<typeof commandsQuery>) {
    const offset = offsetOf(q.cursor);
    const { rows, more } = await this.commands.list({
      states: q.state,
      hostId: q.hostId,
      requestedBy: q.requestedBy,
      awaitingApproval: q.awaitingApproval,
      limit: q.limit,
      offset,
    });
    return { commands: rows, nextCursor: nextCursor(more, offset, q.limit) };
  }

  @Get(':commandId')
  @Roles(...OUTPUT)
  @Doc({ summary: 'One command with its timeline and output' })
  get(@Param('commandId', IdPipe) id: string) {
    return this.commands.get(id);
  }

  @Post(':commandId/approve')
  @HttpCode(202)
  @Roles(...APPROVE)
  @Doc({ summary: 'Approve a command (not your own)', status: 202 })
  approve(
    @CurrentPrincipal() p: Principal,
    @Param('commandId', IdPipe) id: string,
    @ValidBody(comment) b: z.output<typeof comment>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.transition(p, id, 'approve', { comment: b.comment ?? null }, key);
  }

  @Post(':commandId/reject')
  @HttpCode(202)
  @Roles(...APPROVE)
  @Doc({ summary: 'Reject a command', status: 202 })
  reject(
    @CurrentPrincipal() p: Principal,
    @Param('commandId', IdPipe) id: string,
    @ValidBody(reason) b: z.output<typeof reason>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.transition(p, id, 'reject', { reason: b.reason }, key);
  }

  @Post(':commandId/cancel')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Cancel a command that has not finished', status: 202 })
  cancel(
    @CurrentPrincipal() p: Principal,
    @Param('commandId', IdPipe) id: string,
    @ValidBody(optionalReason) b: z.output<typeof optionalReason>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.transition(p, id, 'cancel', { reason: b.reason ?? null }, key);
  }
}

@Module({ controllers: [CommandsController], providers: [CommandsService] })
export class CommandsModule {}
