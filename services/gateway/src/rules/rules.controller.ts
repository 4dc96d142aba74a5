import { randomUUID } from 'node:crypto';
import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Param,
  Post,
  Put,
} from '@nestjs/common';
import { z } from 'zod';
import { CommandClient } from '../command-client/command-client';
import { API } from '../common/api';
import { CurrentPrincipal, Doc, IdempotencyKey, Roles, ValidBody } from '../common/decorators';
import type { Principal } from '../common/principal';
import { ADMIN, READ, WRITE } from '../common/roles';
import { IdPipe } from '../common/uuid.pipe';
import { ReadModelsRepository } from '../read-models/read-models.repository';
import { ms, type Row } from '../read-models/views';

const matcher = z.strictObject({
  label: z.string().min(1).max(128),
  op: z.enum(['EQ', 'NEQ', 'RE', 'NRE']),
  value: z.string().max(1024),
});
/** AlertRuleDefined data without ruleId; the command service validates the semantics. */
const ruleBody = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).nullable().default(null),
  metric: z.string().min(1).max(200),
  matchers: z.array(matcher).max(50).default([]),
  hostSelector: z.record(z.string(), z.string()).default({}),
  comparator: z.enum(['GT', 'GTE', 'LT', 'LTE']),
  threshold: z.number(),
  resolveThreshold: z.number().nullable().default(null),
  forMs: z.number().int().min(0).default(0),
  severity: z.number().int().min(0).max(3),
  autoResolve: z.boolean().default(true),
  flapWindowMs: z.number().int().min(0).default(600_000),
  flapMaxTransitions: z.number().int().min(0).default(4),
  enabled: z.boolean().default(true),
});
const silenceBody = z
  .strictObject({
    matchers: z.array(matcher).min(1).max(50),
    startsAt: z.number().int().min(0).optional(),
    endsAt: z.number().int().min(0).optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(90 * 1440)
      .optional(),
    reason: z.string().min(1).max(2000),
  })
  .refine(
    (b) => (b.endsAt === undefined) !== (b.durationMinutes === undefined),
    'give exactly one of endsAt and durationMinutes',
  );
const deleteBody = z.strictObject({ reason: z.string().max(2000).optional() }).optional();

/** Streams fold: rows in (stream, version) order → one state per stream. */
function byStream(rows: Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const id = String(r.stream_id);
    let list = out.get(id);
    if (!list) {
      list = [];
      out.set(id, list);
    }
    list.push(r);
  }
  return out;
}

@Injectable()
export class RulesService {
  constructor(
    @Inject(ReadModelsRepository) private readonly readModels: ReadModelsRepository,
    @Inject(CommandClient) private readonly commands: CommandClient,
  ) {}

  /** Current rules: the latest full definition of each rule stream that was not deleted. */
  async rules() {
    const streams = byStream(await this.readModels.streamsByPrefix('events.rules', 'rule-'));
    const rules: Row[] = [];
    for (const events of streams.values()) {
      const last = events[events.length - 1] as Row;
      if (last.event_type === 'AlertRuleDeleted') continue;
      const def = [...events]
        .reverse()
        .find((e) => e.event_type === 'AlertRuleDefined' || e.event_type === 'AlertRuleChanged');
      if (def) rules.push({ ...(def.data as Row), version: Number(last.stream_version) });
    }
    return { rules: rules.sort((a, b) => String(a.name).localeCompare(String(b.name))) };
  }

  async silences(now = Date.now()) {
    const streams = byStream(await this.readModels.streamsByPrefix('events.rules', 'silence-'));
    const silences = [];
    for (const [streamId, events] of streams) {
      const defined = [...events].reverse().find((e) => e.event_type === 'SilenceDefined');
      if (!defined) continue;
      const d = defined.data as Row;
      const expired = events.some(
        (e) => e.event_type === 'SilenceExpired' && Number(e.stream_version) > Number(defined.stream_version),
      );
      const startsAt = ms(d.startsAt) ?? 0;
      const endsAt = ms(d.endsAt) ?? 0;
      silences.push({
        silenceId: String(d.silenceId ?? streamId.slice('silence-'.length)),
        matchers: d.matchers ?? [],
        startsAt,
        endsAt,
        reason: d.reason ?? null,
        createdBy: { kind: defined.actor_kind, id: defined.actor_id, name: defined.actor_name ?? null },
        active: !expired && startsAt <= now && now < endsAt,
        suppressedCount: events.filter((e) => e.event_type === 'SilenceSuppressed').length,
      });
    }
    return { silences: silences.sort((a, b) => b.startsAt - a.startsAt) };
  }

  async defineRule(actor: Principal, rule: z.output<typeof ruleBody>, key?: string) {
    const ruleId = randomUUID();
    const out = await this.commands.post('/commands/rules', { ...rule, ruleId }, actor, {
      idempotencyKey: key,
    });
    return { ruleId, version: out.version };
  }

  async changeRule(actor: Principal, ruleId: string, rule: z.output<typeof ruleBody>, key?: string) {
    const out = await this.commands.post(
      `/commands/rules/${encodeURIComponent(ruleId)}/change`,
      rule,
      actor,
      { idempotencyKey: key },
    );
    return { ruleId, version: out.version };
  }

  async deleteRule(actor: Principal, ruleId: string, reason: string | undefined, key?: string) {
    const out = await this.commands.post(
      `/commands/rules/${encodeURIComponent(ruleId)}/delete`,
      { reason: reason ?? null },
      actor,
      {
        idempotencyKey: key,
      },
    );
    return { ruleId, version: out.version };
  }

  async defineSilence(actor: Principal, b: z.output<typeof silenceBody>, key?: string) {
    const body = {
      matchers: b.matchers,
      ...(b.startsAt !== undefined ? { startsAt: b.startsAt } : {}),
      ...(b.endsAt !== undefined
        ? { endsAt: b.endsAt }
        : { durationMs: (b.durationMinutes as number) * 60_000 }),
      reason: b.reason,
    };
    const out = await this.commands.post('/commands/silences', body, actor, { idempotencyKey: key });
    return { silenceId: out.streamId.replace(/^silence-/, ''), version: out.version };
  }

  async expireSilence(actor: Principal, silenceId: string, key?: string) {
    const out = await this.commands.post(
      `/commands/silences/${encodeURIComponent(silenceId)}/expire`,
      { reason: 'deleted through the API' },
      actor,
      { idempotencyKey: key },
    );
    return { silenceId, version: out.version };
  }
}

@Controller(API)
export class RulesController {
  constructor(@Inject(RulesService) private readonly rules: RulesService) {}

  @Get('rules')
  @Roles(...READ)
  @Doc({ summary: 'Alert rules (folded from the rule streams in the audit read model)' })
  list() {
    return this.rules.rules();
  }

  @Post('rules')
  @HttpCode(201)
  @Roles(...ADMIN)
  @Doc({ summary: 'Define an alert rule', status: 201 })
  define(
    @CurrentPrincipal() p: Principal,
    @ValidBody(ruleBody) b: z.output<typeof ruleBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.rules.defineRule(p, b, key);
  }

  @Put('rules/:ruleId')
  @HttpCode(202)
  @Roles(...ADMIN)
  @Doc({ summary: 'Change an alert rule (full definition)', status: 202 })
  change(
    @CurrentPrincipal() p: Principal,
    @Param('ruleId', IdPipe) id: string,
    @ValidBody(ruleBody) b: z.output<typeof ruleBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.rules.changeRule(p, id, b, key);
  }

  @Delete('rules/:ruleId')
  @HttpCode(202)
  @Roles(...ADMIN)
  @Doc({ summary: 'Delete an alert rule', status: 202 })
  remove(
    @CurrentPrincipal() p: Principal,
    @Param('ruleId', IdPipe) id: string,
    @ValidBody(deleteBody) b: z.output<typeof deleteBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.rules.deleteRule(p, id, b?.reason, key);
  }

  @Get('silences')
  @Roles(...READ)
  @Doc({ summary: 'Silences with their state and suppressed alert count' })
  silences() {
    return this.rules.silences();
  }

  @Post('silences')
  @HttpCode(201)
  @Roles(...WRITE)
  @Doc({ summary: 'Define a silence', status: 201 })
  defineSilence(
    @CurrentPrincipal() p: Principal,
    @ValidBody(silenceBody) b: z.output<typeof silenceBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.rules.defineSilence(p, b, key);
  }

  @Delete('silences/:silenceId')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'End a silence now', status: 202 })
  expireSilence(
    @CurrentPrincipal() p: Principal,
    @Param('silenceId', IdPipe) id: string,
    @IdempotencyKey() key?: string,
  ) {
    return this.rules.expireSilence(p, id, key);
  }
}

@Module({ controllers: [RulesController], providers: [RulesService] })
export class RulesModule {}
