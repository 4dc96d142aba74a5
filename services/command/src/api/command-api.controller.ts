import type { AlertRuleDefined } from '@nagare/contracts';
import { domainEventContract, LabelMatcher } from '@nagare/contracts';
import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AlertService } from '../alert/alert.service';
import { CommandLifecycle } from '../command/command-lifecycle.service';
import { HostService } from '../host/host.service';
import { Clock } from '../io/clock';
import { RuleEvaluator } from '../rule-engine/rule-evaluator.service';
import type { CommandContext, DomainEvent } from '../shared/decider';
import { SilenceService } from '../silence/silence.service';
import type { HandleResult } from '../store/aggregate-store';
import { toStoredData } from '../store/event-codec';
import { type Caller, CurrentCaller, InternalAuthGuard, parseBody, requireRole } from './request-context';

const text = (max: number) => z.string().max(max);
const Labels = z.record(z.string().max(128), z.string().max(1024));

const Acknowledge = z.strictObject({ comment: text(2000).nullable().default(null) });
const Note = z.strictObject({ text: text(10_000) });
const Escalate = z.strictObject({ toSeverity: z.number().int(), reason: text(2000) });
const Resolve = z.strictObject({ reason: text(2000).nullable().default(null) });
const Diagnose = z.strictObject({
  summary: text(10_000),
  likelyCauses: z.array(text(2000)).max(50).default([]),
  suggestedActions: z.array(text(2000)).max(50).default([]),
  engine: text(200),
  sources: z.array(text(2000)).max(100).default([]),
});
const SilenceAlert = z.strictObject({
  durationMs: z
    .number()
    .int()
    .min(1000)
    .max(90 * 86_400_000),
  matchers: z.array(LabelMatcher).max(50).optional(),
  reason: text(2000),
});
const RequestCommand = z.strictObject({
  hostIds: z.array(z.string().max(200)).max(10_000).optional(),
  hostSelector: Labels.optional(),
  argv: z.array(z.string()).min(1),
  shell: z.boolean().optional(),
  cwd: z.string().max(4096).nullable().optional(),
  env: Labels.optional(),
  timeoutMs: z.number().int().optional(),
  outputCapBytes: z.number().int().optional(),
  reason: text(2000),
});
const Comment = z.strictObject({ comment: text(2000).nullable().default(null) });
const Reason = z.strictObject({ reason: text(2000) });
const OptionalReason = z.strictObject({ reason: text(2000).nullable().default(null) });
/** A rule definition as the API takes it: the AlertRuleDefined data (ruleId from the path on change). */
const RuleBody = (domainEventContract('AlertRuleDefined').data as unknown as z.ZodObject).omit({
  ruleId: true,
});
const DefineRule = RuleBody.extend({ ruleId: z.string() });
const SilenceBody = z
  .strictObject({
    matchers: z.array(LabelMatcher).min(1).max(50),
    startsAt: z.number().int().min(0).optional(),
    endsAt: z.number().int().min(0).optional(),
    durationMs: z.number().int().min(1000).optional(),
    reason: text(2000),
  })
  .refine(
    (b) => (b.endsAt === undefined) !== (b.durationMs === undefined),
    'give either endsAt or durationMs',
  );
const HostLabels = z.strictObject({ labels: Labels });

/** What every command route answers: the events it appended (or had appended, for a replayed key). */
function outcome(result: HandleResult<DomainEvent, unknown>) {
  return {
    streamId: result.streamId,
    version: result.version,
    replayed: result.replayed,
    events: result.events.map((e) => ({ type: e.type, data: toStoredData(e) })),
  };
}

const OPERATORS = ['operator', 'approver', 'admin'] as const;

/**
 * Internal command API for the gateway (docs/command-service.md). Thin: parse, check the role,
 * call the service; the deciders and the command policy decide.
 */
@Controller('commands')
@UseGuards(InternalAuthGuard)
export class CommandApiController {
  constructor(
    private readonly alerts: AlertService,
    private readonly commands: CommandLifecycle,
    private readonly rules: RuleEvaluator,
    private readonly silences: SilenceService,
    private readonly hosts: HostService,
    private readonly clock: Clock,
  ) {}

  private ctx(caller: Caller): CommandContext {
    return { actor: caller.actor, roles: caller.roles, at: this.clock.now() };
  }

  @Post('alerts/:alertId/acknowledge')
  @HttpCode(200)
  async acknowledge(
    @Param('alertId') alertId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    requireRole(caller, ...OPERATORS);
    const b = parseBody(Acknowledge, body);
    return outcome(await this.alerts.acknowledge(alertId, b.comment, this.ctx(caller), caller.options));
  }

  @Post('alerts/:alertId/notes')
  @HttpCode(200)
  async note(@Param('alertId') alertId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, ...OPERATORS);
    const b = parseBody(Note, body);
    return outcome(await this.alerts.addNote(alertId, b.text, this.ctx(caller), caller.options));
  }

  @Post('alerts/:alertId/escalate')
  @HttpCode(200)
  async escalate(@Param('alertId') alertId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, ...OPERATORS);
    const b = parseBody(Escalate, body);
    return outcome(
      await this.alerts.escalate(alertId, b.toSeverity, b.reason, this.ctx(caller), caller.options),
    );
  }

  @Post('alerts/:alertId/silence')
  @HttpCode(200)
  async silence(@Param('alertId') alertId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, ...OPERATORS);
    const b = parseBody(SilenceAlert, body);
    return outcome(await this.alerts.silence(alertId, b, this.ctx(caller), caller.options));
  }

  @Post('alerts/:alertId/resolve')
  @HttpCode(200)
  async resolve(@Param('alertId') alertId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, ...OPERATORS);
    const b = parseBody(Resolve, body);
    return outcome(await this.alerts.resolve(alertId, b.reason, this.ctx(caller), caller.options));
  }

  @Post('alerts/:alertId/diagnosis')
  @HttpCode(200)
  async diagnose(@Param('alertId') alertId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, ...OPERATORS);
    const b = parseBody(Diagnose, body);
    return outcome(await this.alerts.diagnose({ alertId, ...b }, this.ctx(caller), caller.options));
  }

  @Post('commands')
  @HttpCode(200)
  async request(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, ...OPERATORS);
    return this.commands.request(parseBody(RequestCommand, body), this.ctx(caller), caller.options);
  }

  @Post('commands/policy-check')
  @HttpCode(200)
  async policyCheck(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, ...OPERATORS);
    return this.commands.checkPolicy(parseBody(RequestCommand, body), this.ctx(caller));
  }

  @Post('commands/:commandId/approve')
  @HttpCode(200)
  async approve(
    @Param('commandId') commandId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const b = parseBody(Comment, body);
    return outcome(await this.commands.approve(commandId, b.comment, this.ctx(caller), caller.options));
  }

  @Post('commands/:commandId/reject')
  @HttpCode(200)
  async reject(
    @Param('commandId') commandId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const b = parseBody(Reason, body);
    return outcome(await this.commands.reject(commandId, b.reason, this.ctx(caller), caller.options));
  }

  @Post('commands/:commandId/cancel')
  @HttpCode(200)
  async cancel(
    @Param('commandId') commandId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const b = parseBody(OptionalReason, body);
    return outcome(await this.commands.cancel(commandId, b.reason, this.ctx(caller), caller.options));
  }

  @Post('rules')
  @HttpCode(200)
  async defineRule(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, 'admin');
    const b = parseBody(DefineRule, body) as Omit<AlertRuleDefined, 'meta'>;
    return outcome(await this.rules.defineRule(b, this.ctx(caller), caller.options));
  }

  @Post('rules/:ruleId/change')
  @HttpCode(200)
  async changeRule(@Param('ruleId') ruleId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, 'admin');
    const b = parseBody(RuleBody, body) as Omit<AlertRuleDefined, 'meta' | 'ruleId'>;
    return outcome(await this.rules.changeRule({ ...b, ruleId }, this.ctx(caller), caller.options));
  }

  @Post('rules/:ruleId/delete')
  @HttpCode(200)
  async deleteRule(@Param('ruleId') ruleId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, 'admin');
    const b = parseBody(OptionalReason, body);
    return outcome(await this.rules.deleteRule(ruleId, b.reason, this.ctx(caller), caller.options));
  }

  @Post('silences')
  @HttpCode(200)
  async defineSilence(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, ...OPERATORS);
    return outcome(
      await this.silences.define(
        this.silenceWindow(parseBody(SilenceBody, body)),
        this.ctx(caller),
        caller.options,
      ),
    );
  }

  @Post('silences/:silenceId/change')
  @HttpCode(200)
  async changeSilence(
    @Param('silenceId') silenceId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    requireRole(caller, ...OPERATORS);
    const def = this.silenceWindow(parseBody(SilenceBody, body));
    return outcome(await this.silences.change(silenceId, def, this.ctx(caller), caller.options));
  }

  @Post('silences/:silenceId/expire')
  @HttpCode(200)
  async expireSilence(
    @Param('silenceId') silenceId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    requireRole(caller, ...OPERATORS);
    const b = parseBody(Reason, body);
    return outcome(await this.silences.expire(silenceId, b.reason, this.ctx(caller), caller.options));
  }

  @Post('hosts/:hostId/labels')
  @HttpCode(200)
  async labels(@Param('hostId') hostId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    requireRole(caller, 'admin');
    const b = parseBody(HostLabels, body);
    return outcome(await this.hosts.changeLabels(hostId, b.labels, this.ctx(caller), caller.options));
  }

  @Post('hosts/:hostId/decommission')
  @HttpCode(200)
  async decommission(
    @Param('hostId') hostId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    requireRole(caller, 'admin');
    const b = parseBody(Reason, body);
    return outcome(await this.hosts.decommission(hostId, b.reason, this.ctx(caller), caller.options));
  }

  private silenceWindow(b: z.output<typeof SilenceBody>) {
    const startsAt = b.startsAt ?? this.clock.now();
    return { matchers: b.matchers, startsAt, endsAt: b.endsAt ?? startsAt + b.durationMs!, reason: b.reason };
  }
}
