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
}

/** Runs the broker until SIGINT/SIGTERM; prints where it listens. */
export async function runBrokerCli(opts: BrokerCliOptions): Promise<BrokerHandle> {
  const broker = await startBroker({
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
  if (broker.metricsPort !== undefined)
    console.log(`metrics on http://${opts.host}:${broker.metricsPort}/metrics`);
  const shutdown = () => {
    broker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return broker;
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
      });
    });
}
