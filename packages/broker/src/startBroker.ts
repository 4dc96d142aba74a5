import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { SaslOptions } from './auth/sasl';
import { BrokerCore } from './broker';
import { createMetrics, serveMetrics } from './metrics';
import { Connection, DEFAULT_MAX_REQUEST_BYTES } from './server';
import type { FsyncPolicy } from './storage/partitionLog';

export interface TopicSpec {
  name: string;
  partitions?: number;
  configs?: Record<string, string>;
}

export interface BrokerOptions {
  dataDir: string;
  /** 0 = a free port (read it back from the handle). */
  port?: number;
  host?: string;
  /** Address written into Metadata; defaults to host (or 127.0.0.1 when host is a wildcard). */
  advertisedHost?: string;
  autoCreateTopics?: boolean;
  defaultPartitions?: number;
  /** Kafka's group.initial.rebalance.delay.ms (3000); use 0 in tests. */
  initialRebalanceDelayMs?: number;
  /** 'batch': fsync after every append; 'interval': every fsyncIntervalMs; 'none': leave it to the OS. */
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  sasl?: SaslOptions;
  /** Topics created at start when missing. */
  topics?: TopicSpec[];
  /** Serve Prometheus /metrics on this port (0 = a free one). */
  metricsPort?: number;
  /** How often retention and compaction run. */
  maintenanceIntervalMs?: number;
  maxRequestBytes?: number;
  nodeId?: number;
  log?: (msg: string) => void;
}

export interface BrokerHandle {
  port: number;
  host: string;
  brokers: string[];
  metricsPort?: number;
  core: BrokerCore;
  /** Runs retention and compaction now (also run on a timer). */
  maintain(): void;
  stop(): Promise<void>;
}

/** Starts a broker in this process. */
export async function startBroker(options: BrokerOptions): Promise<BrokerHandle> {
  const host = options.host ?? '127.0.0.1';
  const advertisedHost = options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  fs.mkdirSync(options.dataDir, { recursive: true });
  const clusterFile = path.join(options.dataDir, 'cluster-id');
  if (!fs.existsSync(clusterFile)) fs.writeFileSync(clusterFile, randomBytes(16).toString('base64url'));
  const clusterId = fs.readFileSync(clusterFile, 'utf8').trim();

  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9092, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  const core = new BrokerCore({
    dataDir: options.dataDir,
    nodeId: options.nodeId ?? 1,
    advertisedHost,
    advertisedPort: port,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 1,
    initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 3000,
    fsync: options.fsync ?? 'interval',
    sasl: options.sasl,
    clusterId,
  });
  for (const t of options.topics ?? []) {
    if (core.topics.get(t.name)) continue;
    const r = core.createTopic(
      t.name,
      t.partitions ?? core.opts.defaultPartitions,
      Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    );
    if (r.errorCode !== 0) throw new Error(`cannot create topic ${t.name}: ${r.errorMessage}`);
  }

  const metrics = createMetrics(core);
  let metricsServer: http.Server | undefined;
  if (options.metricsPort !== undefined)
    metricsServer = await serveMetrics(metrics.registry, host, options.metricsPort);

  const connections = new Set<Connection>();
  server.on('connection', (socket) => {
    const conn = new Connection(socket, core, options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES, {
      observe: metrics.observe,
      log: options.log,
    });
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });

  const maintain = () => {
    try {
      core.maintain();
    } catch (err) {
      options.log?.(`maintenance failed: ${(err as Error).message}`);
    }
  };
  const timers = [setInterval(maintain, options.maintenanceIntervalMs ?? 60_000).unref()];
  if ((options.fsync ?? 'interval') === 'interval') {
    timers.push(setInterval(() => core.flush(), options.fsyncIntervalMs ?? 1000).unref());
  }

  let stopped: Promise<void> | undefined;
  return {
    port,
    host,
    brokers: [`${advertisedHost}:${port}`],
    metricsPort: metricsServer ? (metricsServer.address() as net.AddressInfo).port : undefined,
    core,
    maintain,
    stop() {
      stopped ??= (async () => {
        for (const t of timers) clearInterval(t);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of connections) c.close();
        await closed;
        if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
        core.close();
      })();
      return stopped;
    },
  };
}
