import { Body, Controller, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { WebhookFormat } from '../webhooks/sources';
import type { WebhookService } from '../webhooks/webhook.service';
import type { AgentHttpService } from './agent-http.service';
import { IngestHttpError } from './http-error';

export const AGENT_HTTP = Symbol('AgentHttpService');
export const WEBHOOKS = Symbol('WebhookService');

const body = (b: unknown): Buffer => (Buffer.isBuffer(b) ? b : Buffer.alloc(0));
type Hdrs = Record<string, string | string[] | undefined>;

/** Agent endpoints that do not need a socket; every route is one call into AgentHttpService. */
@Controller('api/v1')
export class AgentController {
  constructor(@Inject(AGENT_HTTP) private readonly agents: AgentHttpService) {}

  @Post('agents/enroll')
  @HttpCode(201)
  enroll(@Body() raw: unknown) {
    return this.agents.enroll(body(raw));
  }

  @Post('hosts/register')
  @HttpCode(200)
  register(@Headers() h: Hdrs, @Body() raw: unknown) {
    return this.agents.record(
      h.authorization,
      h['content-type'] as string,
      body(raw),
      '/api/v1/hosts/register',
      ['nagare.telemetry.HostFacts'],
    );
  }

  @Post('metrics/batch')
  @HttpCode(200)
  metrics(@Headers() h: Hdrs, @Body() raw: unknown) {
    return this.agents.record(
      h.authorization,
      h['content-type'] as string,
      body(raw),
      '/api/v1/metrics/batch',
      ['nagare.telemetry.MetricBatch'],
    );
  }

  @Post('events')
  @HttpCode(200)
  events(@Headers() h: Hdrs, @Body() raw: unknown) {
    return this.agents.record(h.authorization, h['content-type'] as string, body(raw), '/api/v1/events', [
      'nagare.command.CommandStarted',
      'nagare.command.CommandOutputChunk',
      'nagare.command.CommandFinished',
    ]);
  }

  @Post('commands/:id/result')
  @HttpCode(200)
  result(@Param('id') id: string, @Headers() h: Hdrs, @Body() raw: unknown) {
    return this.agents.record(
      h.authorization,
      h['content-type'] as string,
      body(raw),
      `/api/v1/commands/${id}/result`,
      ['nagare.command.CommandFinished'],
      (_name, record) =>
        record.commandId === id
          ? undefined
          : `body commandId ${String(record.commandId)} differs from the path ${id}`,
    );
  }
}

@Controller('api/v1/webhooks')
export class WebhookController {
  constructor(@Inject(WEBHOOKS) private readonly webhooks: WebhookService) {}

  @Post(':format/:source')
  @HttpCode(202)
  receive(
    @Param('format') format: string,
    @Param('source') source: string,
    @Headers() h: Hdrs,
    @Body() raw: unknown,
  ) {
    const f = WebhookFormat.safeParse(format);
    if (!f.success) throw new IngestHttpError(404, 'NOT_FOUND', `no webhook format ${format}`);
    return this.webhooks.receive(f.data, source, h, body(raw));
  }
}
