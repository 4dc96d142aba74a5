import { Controller, Get, HttpCode, Inject, Injectable, Module, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { API } from '../common/api';
import { ApiError } from '../common/api-error';
import { Doc, Roles, ValidBody, ValidQuery } from '../common/decorators';
import { epochMs, listParams, nextCursor, offsetOf } from '../common/query';
import { AUDIT } from '../common/roles';
import { IdPipe } from '../common/uuid.pipe';
import { type AuditQuery, ReadModelsRepository } from '../read-models/read-models.repository';
import { ms, type Row } from '../read-models/views';
import { foldStream } from './fold';

const eventsQuery = z.object({
  streamId: z.string().min(1).max(300).optional(),
  actor: z.string().min(1).max(200).optional(),
  hostId: z.string().min(1).max(200).optional(),
  type: z.string().min(1).max(200).optional(),
  from: epochMs.optional(),
  to: epochMs.optional(),
  ...listParams,
});
const stateQuery = z.object({ at: epochMs.optional() });
const verifyBody = z.strictObject({ streamId: z.string().min(1).max(300).optional() });

export function auditEvent(r: Row) {
  return {
    globalPosition: r.global_position === null ? null : Number(r.global_position),
    streamId: String(r.stream_id),
    streamVersion: Number(r.stream_version),
    type: String(r.event_type),
    occurredAt: ms(r.occurred_at),
    recordedAt: ms(r.recorded_at),
    actor: { kind: String(r.actor_kind), id: String(r.actor_id), name: r.actor_name ?? null },
    correlationId: r.correlation_id ?? null,
    causationId: r.causation_id ?? null,
    data: r.data,
  };
}

@Injectable()
export class AuditService {
  constructor(@Inject(ReadModelsRepository) private readonly readModels: ReadModelsRepository) {}

  async events(q: AuditQuery) {
    const rows = await this.readModels.auditEvents(q);
    return { rows: rows.slice(0, q.limit).map(auditEvent), more: rows.length > q.limit };
  }

  /** The stream's state as of `at`: every event recorded by then, folded in stream order. */
  async stateAt(streamId: string, at: number) {
    const rows = await this.readModels.streamEvents(streamId, at);
    if (rows.length === 0) throw ApiError.notFound('no events in this stream up to that time');
    return { streamId, version: Number(rows[rows.length - 1]?.stream_version), at, state: foldStream(rows) };
  }
}

@Controller(`${API}/audit`)
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get('events')
  @Roles(...AUDIT)
  @Doc({ summary: 'Domain events by stream, actor, host, type and time (audit read model)' })
  async events(@ValidQuery(eventsQuery) q: z.output<typeof eventsQuery>) {
    const offset = offsetOf(q.cursor);
    const { rows, more } = await this.audit.events({ ...q, offset });
    return { events: rows, nextCursor: nextCursor(more, offset, q.limit) };
  }

  @Get('streams/:streamId/state')
  @Roles(...AUDIT)
  @Doc({ summary: "A stream's state at time T (its events folded up to T)" })
  state(@Param('streamId', IdPipe) streamId: string, @ValidQuery(stateQuery) q: z.output<typeof stateQuery>) {
    return this.audit.stateAt(streamId, q.at ?? Date.now());
  }

  @Post('verify')
  @HttpCode(200)
  @Roles(...AUDIT)
  @Doc({ summary: 'Verify the event store hash chain (needs packages/event-store; not yet wired)' })
  verify(@ValidBody(verifyBody) _b: z.output<typeof verifyBody>) {
    // The hash chain lives in the event store (packages/event-store), which is not on main
    // yet; the read models carry no hashes, so an answer from them would prove nothing.
    throw new ApiError(
      501,
      'verify_unavailable',
      'hash-chain verification needs the event store, which this gateway is not connected to yet',
    );
  }
}

@Module({ controllers: [AuditController], providers: [AuditService] })
export class AuditModule {}
