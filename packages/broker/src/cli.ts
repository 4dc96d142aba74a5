import { loadTopicDefinitions } from '@nagare/contracts';
import { type RunningSchemaRegistry, startSchemaRegistry } from '@nagare/schema-registry';
import type { Command } from 'commander';
import { type BrokerHandle, startBroker } from './startBroker';
import type { FsyncPolicy } from './storage/partitionLog';

export interface BrokerCliOptions {
  dataDir: string;
  port: number;
  host: string;
  metricsPort?: number;
  partitions: number;
  fsync: FsyncPolicy;
  autoCreateTopics: boolean;
  rebalanceDelayMs: number;
  /** Serve the Confluent-compatible schema registry from this process (undefined = don't). */
  registryPort?: number;
  registryDataDir?: string;
  /** Topic definitions (redpanda/topics.yaml) created at start when missing. */
  topicsFile?: string;
}

/** Runs the broker (and the schema registry beside it) until SIGINT/SIGTERM; prints where they listen. */
export async function runBrokerCli(
  opts: BrokerCliOptions,
): Promise<BrokerHandle & { registry?: RunningSchemaRegistry }> {
  const topics = opts.topicsFile
    ? loadTopicDefinitions(opts.topicsFile).map((t) => ({
        name: t.name,
        partitions: t.partitions,
        configs: t.config,
      }))
    : undefined;
  const broker = await startBroker({
    topics,
    dataDir: opts.dataDir,
    port: opts.port,
    host: opts.host,
    metricsPort: opts.metricsPort,
    defaultPartitions: opts.partitions,
    fsync: opts.fsync,
    autoCreateTopics: opts.autoCreateTopics,
    initialRebalanceDelayMs: opts.rebalanceDelayMs,
    log: (msg) => console.error(`[broker] ${msg}`),
  });
  console.log(`nagare broker listening on ${broker.brokers.join(',')} (data in ${opts.dataDir})`);
  const registry =
    opts.registryPort === undefined
      ? undefined
      : await startSchemaRegistry({
          dataDir: opts.registryDataDir ?? `${opts.dataDir}-registry`,
          port: opts.registryPort,
          host: opts.host,
        });
  if (registry) console.log(`schema registry on ${registry.url}`);
  if (broker.metricsPort !== undefined)
    console.log(`metrics on http://${opts.host}:${broker.metricsPort}/metrics`);
  const shutdown = () => {
    Promise.all([broker.stop(), registry?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return Object.assign(broker, { registry });
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a non-negative integer, got ${v}`);
  return n;
};

/** `nagare broker --data-dir D --port P`. */
export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('run the embedded single-node Kafka-protocol broker')
    .option('--data-dir <dir>', 'where topics and offsets are stored', '.data/broker')
    .option('--port <port>', 'Kafka port (0 = any free port)', int('--port'), 9092)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--metrics-port <port>', 'serve Prometheus /metrics on this port', int('--metrics-port'))
    .option('--partitions <n>', 'partitions of auto-created topics', int('--partitions'), 1)
    .option('--fsync <policy>', 'batch | interval | none', 'interval')
    .option('--no-auto-create-topics', 'never create topics on a Metadata request for an unknown one')
    .option(
      '--registry-port <port>',
      'schema registry HTTP port (0 = any free port)',
      int('--registry-port'),
      8081,
    )
    .option('--no-registry', 'do not serve the schema registry')
    .option('--registry-data-dir <dir>', 'where registered schemas are kept (default: <data-dir>-registry)')
    .option(
      '--topics <file>',
      'create the topics of this definitions file at start (e.g. redpanda/topics.yaml)',
    )
    .option(
      '--rebalance-delay-ms <ms>',
      'initial consumer-group rebalance delay',
      int('--rebalance-delay-ms'),
      3000,
    )
    .action(async (o: Record<string, unknown>) => {
      if (!['batch', 'interval', 'none'].includes(o.fsync as string)) {
        throw new Error(`--fsync must be batch, interval or none, got ${String(o.fsync)}`);
      }
      await runBrokerCli({
        dataDir: o.dataDir as string,
        port: o.port as number,
        host: o.host as string,
        metricsPort: o.metricsPort as number | undefined,
        partitions: o.partitions as number,
        fsync: o.fsync as FsyncPolicy,
        autoCreateTopics: o.autoCreateTopics as boolean,
        rebalanceDelayMs: o.rebalanceDelayMs as number,
        registryPort: o.registry === false ? undefined : (o.registryPort as number),
        registryDataDir: o.registryDataDir as string | undefined,
        topicsFile: o.topics as string | undefined,
      });
    });
}
