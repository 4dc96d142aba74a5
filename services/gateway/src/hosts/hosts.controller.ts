import { Controller, Get, HttpCode, Inject, Param, Patch } from '@nestjs/common';
import { z } from 'zod';
import { API } from '../common/api';
import { CurrentPrincipal, Doc, IdempotencyKey, Roles, ValidBody, ValidQuery } from '../common/decorators';
import type { Principal } from '../common/principal';
import { labelParams, listParams, nextCursor, offsetOf } from '../common/query';
import { READ, WRITE } from '../common/roles';
import { IdPipe } from '../common/uuid.pipe';
import { HOST_SORT } from '../read-models/read-models.repository';
import { HostsService } from './hosts.service';

const hostsQuery = z.object({
  status: z.enum(['online', 'offline', 'decommissioned']).optional(),
  label: labelParams,
  q: z.string().max(200).optional(),
  sort: z.enum(Object.keys(HOST_SORT) as [string, ...string[]]).default('hostname'),
  order: z.enum(['asc', 'desc']).default('asc'),
  ...listParams,
});
const labelsBody = z.strictObject({ labels: z.record(z.string().min(1).max(128), z.string().max(1024)) });

@Controller(`${API}/hosts`)
export class HostsController {
  constructor(@Inject(HostsService) private readonly hosts: HostsService) {}

  @Get()
  @Roles(...READ)
  @Doc({
    summary: 'Hosts with latest metrics, sparkline and active alerts; filter by status/label/text, sort',
  })
  async list(@ValidQuery(hostsQuery) q: z.output<typeof hostsQuery>) {
    const offset = offsetOf(q.cursor);
    const { rows, more } = await this.hosts.list({
      status: q.status,
      labels: q.label,
      q: q.q,
      sort: q.sort,
      order: q.order,
      limit: q.limit,
      offset,
    });
    return { hosts: rows, nextCursor: nextCursor(more, offset, q.limit) };
  }

  @Get(':hostId')
  @Roles(...READ)
  @Doc({ summary: 'One host with facts, processes and containers' })
  get(@Param('hostId', IdPipe) id: string) {
    return this.hosts.get(id);
  }

  @Patch(':hostId/labels')
  @HttpCode(202)
  @Roles(...WRITE)
  @Doc({ summary: 'Replace the labels of a host (command service)', status: 202 })
  labels(
    @CurrentPrincipal() actor: Principal,
    @Param('hostId', IdPipe) id: string,
    @ValidBody(labelsBody) body: z.output<typeof labelsBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.hosts.changeLabels(actor, id, body.labels, key);
  }
}
