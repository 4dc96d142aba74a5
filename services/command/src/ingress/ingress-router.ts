import {
  type CommandFinished,
  type CommandOutputChunk,
  type CommandStarted,
  ContractError,
  type DeadLetter,
  dlqOf,
  type HostFacts,
  type MetricBatch,
  RecordCodec,
  type RecordName,
  type WebhookAlert,
} from '@nagare/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ZodError } from 'zod';
import { AlertService } from '../alert/alert.service';
import { CommandLifecycle } from '../command/command-lifecycle.service';
import { Metrics } from '../health/metrics';
import { HostService } from '../host/host.service';
import { Clock } from '../io/clock';
import type { RecordSink } from '../io/record-sink';
import { RECORD_SINK } from '../io/tokens';
import { RuleEvaluator } from '../rule-engine/rule-evaluator.service';
import { DomainError } from '../shared/decider';

/** One record read from a topic (what a kafkajs eachMessage gives, minus the client types). */
export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string>;
}

/** Feeds records to the router (kafkajs in production); started once the command side is rebuilt. */
export interface IngressConsumer {
  start(router: IngressRouter): Promise<void>;
  stop(): Promise<void>;
}

export const INGRESS_TOPICS = [
  'telemetry.inventory',
  'telemetry.metrics',
  'ingest.webhooks',
  'agent.command-output',
] as const;

const EXPECTED: Record<(typeof INGRESS_TOPICS)[number], RecordName[]> = {
  'telemetry.inventory': ['nagare.telemetry.HostFacts'],
  'telemetry.metrics': ['nagare.telemetry.MetricBatch'],
  'ingest.webhooks': ['nagare.ingest.WebhookAlert'],
  'agent.command-output': [
    'nagare.command.CommandStarted',
    'nagare.command.CommandOutputChunk',
    'nagare.command.CommandFinished',
  ],
};

/**
 * Routes ingress records to the services. A record that is bad (undecodable, invalid, or
 * refused by a domain rule) goes to `<topic>.dlq` with the reason and processing moves on;
 * infrastructure errors (event store, broker) are thrown so the consumer retries the record.
 */
@Injectable()
export class IngressRouter {
  private readonly log = new Logger(IngressRouter.name);

  constructor(
    private readonly codec: RecordCodec,
    private readonly hosts: HostService,
    private readonly alerts: AlertService,
    private readonly commands: CommandLifecycle,
    private readonly rules: RuleEvaluator,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @Inject(RECORD_SINK) private readonly sink: RecordSink,
  ) {}

  async handle(record: IncomingRecord): Promise<'handled' | 'dead-lettered'> {
    try {
      await this.route(record);
      this.metrics.ingressRecords.inc({ topic: record.topic, outcome: 'handled' });
      return 'handled';
    } catch (err) {
      const code = badRecordCode(err);
      if (!code) throw err;
      await this.deadLetter(record, code, (err as Error).message);
      this.metrics.ingressRecords.inc({ topic: record.topic, outcome: 'dead-lettered' });
      return 'dead-lettered';
    }
  }

  private async route(record: IncomingRecord): Promise<void> {
    const expected = EXPECTED[record.topic as keyof typeof EXPECTED];
    if (!expected)
      throw new DomainError('UNKNOWN_TOPIC', `the command service does not consume ${record.topic}`);
    if (!record.value) throw new DomainError('EMPTY_RECORD', 'record has no value');
    const decoded = await this.codec.decodeAs(record.value, ...expected);
    const name = decoded.name;
    const value = toPlain(decoded.value);
    const causationId = `${record.topic}:${record.partition}:${record.offset}`;
    switch (name) {
      case 'nagare.telemetry.HostFacts': {
        const facts = value as HostFacts;
        await this.hosts.reportFacts(facts, causationId);
        await this.hosts.seen(facts.hostId);
        return;
      }
      case 'nagare.telemetry.MetricBatch': {
        const batch = value as MetricBatch;
        await this.hosts.seen(batch.hostId);
        await this.rules.onMetrics(batch);
        return;
      }
      case 'nagare.ingest.WebhookAlert':
        await this.alerts.fromWebhook(value as WebhookAlert, causationId);
        return;
      case 'nagare.command.CommandStarted':
        await this.commands.recordStarted(value as CommandStarted, causationId);
        return;
      case 'nagare.command.CommandOutputChunk':
        await this.commands.recordOutput(value as CommandOutputChunk, causationId);
        return;
      case 'nagare.command.CommandFinished':
        await this.commands.recordFinished(value as CommandFinished, causationId);
        return;
    }
  }

  private async deadLetter(record: IncomingRecord, errorCode: string, reason: string): Promise<void> {
    this.log.warn(
      `${record.topic}@${record.partition}:${record.offset} → ${dlqOf(record.topic)}: ${errorCode} ${reason}`,
    );
    const letter: DeadLetter = {
      originalTopic: record.topic,
      originalPartition: record.partition,
      originalOffset: Number(record.offset),
      key: record.key,
      value: record.value,
      headers: record.headers ?? {},
      errorCode,
      reason: reason.slice(0, 4000),
      service: 'command',
      hostId: null,
      rejectedAt: this.clock.now(),
    };
    const value = await this.codec.encode(dlqOf(record.topic), 'nagare.dlq.DeadLetter', letter);
    await this.sink.send(dlqOf(record.topic), [{ key: record.key ?? Buffer.alloc(0), value }]);
  }
}

/**
 * avsc decodes records into instances of generated classes whose prototype methods are
 * enumerable; strict zod schemas (the event contracts) reject those as unknown keys. Deciders
 * and events get plain data.
 */
export function toPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(toPlain) as T;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = toPlain((value as Record<string, unknown>)[k]);
  return out as T;
}

/** The DeadLetter errorCode for errors caused by the record itself; null for everything else. */
export function badRecordCode(err: unknown): string | null {
  if (err instanceof ContractError) return err.code;
  // Giving up on a busy stream is not the record's fault: let the consumer retry it.
  if (err instanceof DomainError) return err.code === 'CONCURRENCY_CONFLICT' ? null : err.code;
  if (err instanceof ZodError) return 'SCHEMA_INVALID';
  // The event store refused the content (e.g. NUL characters in a string): retrying cannot help.
  if (err instanceof Error && err.name === 'EventStoreInputError') return 'EVENT_REJECTED';
  return null;
}
