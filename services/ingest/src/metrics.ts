import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Prometheus metrics of one ingest instance, registered in the service kit's per-instance
 * registry (served on /metrics beside the process and HTTP metrics).
 */
export class IngestMetrics {
  readonly frames;
  readonly samples;
  readonly deadLetters;
  readonly produceSeconds;
  readonly connections;
  readonly connectionsRefused;
  readonly webhookAlerts;
  readonly dispatch;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.frames = new Counter({
      name: 'nagare_ingest_frames_total',
      help: 'Agent records by endpoint and outcome',
      labelNames: ['endpoint', 'status', 'code'] as const,
      registers,
    });
    this.samples = new Counter({
      name: 'nagare_ingest_samples_accepted_total',
      help: 'Metric samples produced to telemetry.metrics',
      registers,
    });
    this.deadLetters = new Counter({
      name: 'nagare_ingest_dead_letters_total',
      help: 'Dead-letter records produced, by dead-letter topic and error code',
      labelNames: ['topic', 'code'] as const,
      registers,
    });
    this.produceSeconds = new Histogram({
      name: 'nagare_ingest_produce_seconds',
      help: 'Time from submitting a batch to the log until it acknowledged',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.connections = new Gauge({
      name: 'nagare_ingest_agent_connections',
      help: 'Agent WebSocket connections open on this instance',
      registers,
    });
    this.connectionsRefused = new Counter({
      name: 'nagare_ingest_connections_refused_total',
      help: 'Agent connections or requests refused before any frame, by reason',
      labelNames: ['code'] as const,
      registers,
    });
    this.webhookAlerts = new Counter({
      name: 'nagare_ingest_webhook_alerts_total',
      help: 'Webhook alerts produced to ingest.webhooks, by source name and status',
      labelNames: ['source', 'status'] as const,
      registers,
    });
    this.dispatch = new Counter({
      name: 'nagare_ingest_dispatch_total',
      help: 'Command dispatches and cancellations by outcome (delivered, held, forwarded, expired, invalid)',
      labelNames: ['outcome'] as const,
      registers,
    });
  }
}
