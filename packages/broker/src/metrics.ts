import http from 'node:http';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { BrokerCore } from './broker';

/** Prometheus metrics of one broker (own registry: several brokers may share a process). */
export function createMetrics(core: BrokerCore): {
  registry: Registry;
  observe: (api: string, s: number) => void;
} {
  const registry = new Registry();
  const latency = new Histogram({
    name: 'nagare_broker_request_duration_seconds',
    help: 'Time to serve a request, by API (Fetch includes its long-poll wait)',
    labelNames: ['api'],
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'nagare_broker_log_end_offset',
    help: 'Next offset to be written, per partition',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const log of core.topics.logs())
        this.set({ topic: log.topic, partition: log.partition }, log.logEndOffset);
    },
  });
  new Gauge({
    name: 'nagare_broker_log_start_offset',
    help: 'First offset still stored, per partition',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const log of core.topics.logs())
        this.set({ topic: log.topic, partition: log.partition }, log.logStartOffset);
    },
  });
  new Gauge({
    name: 'nagare_broker_log_size_bytes',
    help: 'Bytes stored, per partition',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const log of core.topics.logs())
        this.set({ topic: log.topic, partition: log.partition }, log.sizeBytes);
    },
  });
  new Gauge({
    name: 'nagare_broker_consumer_group_lag',
    help: 'Log end offset minus committed offset, per group and partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const group of core.offsets.groupIds()) {
        for (const [topic, partition, c] of core.offsets.all(group)) {
          const log = core.topics.get(topic)?.partitions[partition];
          if (log) this.set({ group, topic, partition }, Math.max(0, log.logEndOffset - c.offset));
        }
      }
    },
  });
  return { registry, observe: (api, s) => latency.observe({ api }, s) };
}

/** Serves GET /metrics on host:port. */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch((err: Error) => res.writeHead(500).end(`${err.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
