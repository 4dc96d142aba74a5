import type { RecordCodec } from '@nagare/contracts';
import { ContractError } from '@nagare/contracts';
import { deadLetterRecord, type Rejection } from '../edge/dead-letters';
import { IngestHttpError, statusForCode } from '../http/http-error';
import type { IngestMetrics } from '../metrics';
import type { RateLimiter } from '../ports/rate-limiter';
import type { OutRecord, RecordSink } from '../ports/record-sink';
import {
  normalizeAlertmanager,
  normalizeGeneric,
  normalizeZabbix,
  type WebhookAlertInput,
  WebhookPayloadError,
} from './normalize';
import type { WebhookFormat, WebhookSource } from './sources';

export const WEBHOOK_TOPIC = 'ingest.webhooks';

export interface WebhookServiceOptions {
  sources: WebhookSource[];
  sink: RecordSink;
  codec: RecordCodec;
  limiter: RateLimiter;
  metrics: IngestMetrics;
  now: () => number;
  maxBodyBytes: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Authenticates, normalizes and produces external alerts to ingest.webhooks. */
export class WebhookService {
  private readonly sources = new Map<string, WebhookSource>();

  constructor(private readonly o: WebhookServiceOptions) {
    for (const s of o.sources) this.sources.set(s.config.name, s);
  }

  async receive(
    format: WebhookFormat,
    sourceName: string,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): Promise<{ accepted: number; fingerprints: string[] }> {
    const source = this.sources.get(sourceName);
    // Unknown and wrong-format sources look alike, so names cannot be probed.
    if (!source || source.config.format !== format || !source.verify(headers, rawBody)) {
      this.o.metrics.connectionsRefused.inc({ code: 'WEBHOOK_UNAUTHENTICATED' });
      throw new IngestHttpError(401, 'UNAUTHENTICATED', 'unknown webhook source or bad credential');
    }
    const endpoint = `/api/v1/webhooks/${format}/${sourceName}`;
    const refuse = async (code: string, message: string): Promise<never> => {
      await this.deadLetter({
        originalTopic: WEBHOOK_TOPIC,
        key: sourceName,
        value: rawBody,
        headers: { endpoint, source: sourceName },
        code,
        reason: message,
      });
      throw new IngestHttpError(statusForCode(code), code, message);
    };
    if (rawBody.length > this.o.maxBodyBytes) {
      return refuse(
        'TOO_LARGE',
        `body of ${rawBody.length} bytes is over the ${this.o.maxBodyBytes} byte limit`,
      );
    }
    if ((await this.o.limiter.take(`webhook:${sourceName}`, 1)) < 1) {
      return refuse('RATE_LIMITED', `webhook source ${sourceName} is over its rate limit`);
    }
    let alerts: WebhookAlertInput[];
    try {
      const body = JSON.parse(rawBody.toString('utf8')) as unknown;
      const receivedAt = this.o.now();
      const ctx = { sourceName, receivedAt, hostLabel: source.config.hostLabel };
      alerts =
        format === 'alertmanager'
          ? normalizeAlertmanager(body, ctx)
          : format === 'zabbix'
            ? normalizeZabbix(body, { ...ctx, utcOffset: source.config.utcOffset })
            : normalizeGeneric(body, { ...ctx, mapping: source.config.mapping! });
    } catch (err) {
      if (err instanceof SyntaxError) return refuse('SCHEMA_INVALID', `body is not JSON: ${err.message}`);
      if (err instanceof WebhookPayloadError) return refuse('SCHEMA_INVALID', err.message);
      throw err;
    }
    const records: OutRecord[] = [];
    try {
      for (const a of alerts) {
        const key = `${sourceName}|${a.fingerprint}`;
        records.push({
          topic: WEBHOOK_TOPIC,
          key: Buffer.from(key, 'utf8'),
          value: await this.o.codec.encode(WEBHOOK_TOPIC, 'nagare.ingest.WebhookAlert', a),
        });
      }
    } catch (err) {
      if (err instanceof ContractError) return refuse('SCHEMA_INVALID', err.message);
      throw err;
    }
    await this.produce(records);
    for (const a of alerts) this.o.metrics.webhookAlerts.inc({ source: sourceName, status: a.status });
    return { accepted: alerts.length, fingerprints: alerts.map((a) => a.fingerprint) };
  }

  private async deadLetter(r: Rejection): Promise<void> {
    await this.produce([await deadLetterRecord(this.o.codec, this.o.metrics, r, this.o.now())]);
  }

  private async produce(records: OutRecord[]): Promise<void> {
    try {
      await this.o.sink.produce(records);
    } catch (err) {
      this.o.log('webhook produce failed', { error: (err as Error).message });
      throw new IngestHttpError(503, 'UNAVAILABLE', 'the log is unavailable; retry later');
    }
  }
}
