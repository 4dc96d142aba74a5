import { Controller, Get, HttpCode, Inject, Module, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { API } from '../common/api';
import { CurrentPrincipal, Doc, IdempotencyKey, Roles, ValidBody, ValidQuery } from '../common/decorators';
import type { Principal } from '../common/principal';
import { listParams, many, nextCursor, offsetOf } from '../common/query';
import { READ, WRITE } from '../common/roles';
import { IdPipe } from '../common/uuid.pipe';
import { AlertsService } from './alerts.service';

const alertsQuery = z.object({
  state: many(z.enum(['active', 'acknowledged', 'silenced', 'resolved'])),
  minSeverity: z.coerce.number().int().min(0).max(3).optional(),
  hostId: z.string().min(1).max(200).optional(),
  q: z.string().max(200).optional(),
  ...listParams,
});
const text = (max: number) => z.string().min(1).max(max);
const acknowledge = z.strictObject({ comment: z.string().max(2000).optional() });
const note = z.strictObject({ text: text(10_000) });
const escalate = z.strictObject({ severity: z.number().int().min(0).max(3), reason: text(2000) });
const silence = z.strictObject({
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(90 * 1440),
  reason: text(2000),
});
const resolve = z.strictObject({ reason: text(2000) });
const diagnose = z.strictObject({});

@Controller(`${API}/alerts`)
export class AlertsController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @Roles(...READ)
  @Doc({ summary: 'Alerts by state, severity, host and text' })
  async list(@ValidQuery(alertsQuery) q: z.output<typeof alertsQuery>) {
    const offset = offsetOf(q.cursor);
    const { rows, more } = await this.alerts.list({
      states: q.state,
      minSeverity: q.minSeverity,
      hostId: q.hostId,
      q: q.q,
      limit: q.limit,
      offset,
    });
    return { alerts: rows, nextCursor: nextCursor(more, offset, q.limit) };
  }

  @Get(':alertId')
  @Roles(...READ)
  @Doc({ summary: 'One alert with its timeline and diagnosis' })
  get(@Param('alertId', IdPipe) id: string) {
    return this.alerts.get(id);
  }

  @Post(':alertId/acknowledge')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Acknowledge an alert', status: 202 })
  acknowledge(
    @CurrentPrincipal() p: Principal,
    @Param('alertId', IdPipe) id: string,
    @ValidBody(acknowledge) b: z.output<typeof acknowledge>,
    @IdempotencyKey() key?: string,
  ) {
    return this.alerts.act(p, id, { kind: 'acknowledge', comment: b.comment }, key);
  }

  @Post(':alertId/notes')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Add a note to an alert', status: 202 })
  note(
    @CurrentPrincipal() p: Principal,
    @Param('alertId', IdPipe) id: string,
    @ValidBody(note) b: z.output<typeof note>,
    @IdempotencyKey() key?: string,
  ) {
    return this.alerts.act(p, id, { kind: 'notes', text: b.text }, key);
  }

  @Post(':alertId/escalate')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Raise the severity of an alert', status: 202 })
  escalate(
    @CurrentPrincipal() p: Principal,
    @Param('alertId', IdPipe) id: string,
    @ValidBody(escalate) b: z.output<typeof escalate>,
    @IdempotencyKey() key?: string,
  ) {
    return this.alerts.act(p, id, { kind: 'escalate', ...b }, key);
  }

  @Post(':alertId/silence')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Silence an alert for a while', status: 202 })
  silence(
    @CurrentPrincipal() p: Principal,
    @Param('alertId', IdPipe) id: string,
    @ValidBody(silence) b: z.output<typeof silence>,
    @IdempotencyKey() key?: string,
  ) {
    return this.alerts.act(p, id, { kind: 'silence', ...b }, key);
  }

  @Post(':alertId/resolve')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Resolve an alert by hand', status: 202 })
  resolve(
    @CurrentPrincipal() p: Principal,
    @Param('alertId', IdPipe) id: string,
    @ValidBody(resolve) b: z.output<typeof resolve>,
    @IdempotencyKey() key?: string,
  ) {
    return this.alerts.act(p, id, { kind: 'resolve', reason: b.reason }, key);
  }

  @Post(':alertId/diagnose')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Diagnose an alert (deterministic report from the read models)', status: 202 })
  diagnose(
    @CurrentPrincipal() p: Principal,
    @Param('alertId', IdPipe) id: string,
    @ValidBody(diagnose) _b: unknown,
    @IdempotencyKey() key?: string,
  ) {
    return this.alerts.act(p, id, { kind: 'diagnose' }, key);
  }
}

@Module({ controllers: [AlertsController], providers: [AlertsService] })
export class AlertsModule {}
