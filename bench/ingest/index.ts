// `pnpm bench ingest [agents] [series] [seconds] [runs]`: samples/s the ingest edge accepts
// (agent WebSocket frames in, Ack out after kafkajs produce with acks=all to the embedded
// broker) beside raw kafkajs produce of the same MetricBatch records to the same broker, in
// the same run.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { MemorySchemaRegistry, RecordCodec } from '@nagare/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { tempDir } from '../../packages/testkit/src/tmp';
import { runLoadgen } from '../../services/ingest/src/loadgen/loadgen';
import { startLocalTarget } from '../../services/ingest/src/loadgen/local-target';
import { header, median, row } from '../lib/report';

const root = path.join(__dirname, '..', '..');
const agents = Number(process.argv[2] ?? 20);
const series = Number(process.argv[3] ?? 50);
const seconds = Number(process.argv[4] ?? 8);
const runs = Number(process.argv[5] ?? 3);
const WINDOW = 8;

function startBrokerProcess(dataDir: string): Promise<{ child: ChildProcess; address: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'tools/run-ts.cjs'),
        path.join(root, 'packages/broker/src/testing/brokerProcess.ts'),
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout!.on('data', (d: Buffer) => {
      const m = /PORT (\d+)/.exec(d.toString());
      if (m) resolve({ child, address: `127.0.0.1:${m[1]}` });
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
}

async function createTopic(address: string, topic: string) {
  const admin = new Kafka({ brokers: [address], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 12 }] });
  await admin.disconnect();
}

/** The ingest edge: simulated agents in closed loop (WINDOW batches outstanding each). */
async function viaIngest(address: string) {
  const target = await startLocalTarget({ brokers: [address] });
  try {
    return await runLoadgen({
      url: target.url,
      tokens: target.tokens(agents),
      series,
      intervalMs: 0,
      window: WINDOW,
      durationMs: seconds * 1000,
    });
  } finally {
    await target.close();
  }
}

/**
 * Reference: the same records (one MetricBatch of `series` samples per host, Confluent wire
 * format, key = host id) produced straight to the broker with kafkajs, acks=all, idempotent,
 * in requests of `perRequest` records back to back: 1 is what one host's agent would do
 * alone; agents x WINDOW is the raw limit of this client and broker with everything batched.
 */
async function rawProduce(address: string, perRequest: number) {
  const codec = new RecordCodec(new MemorySchemaRegistry());
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: [address], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const samples = Array.from({ length: series }, (_, s) => ({
    name: s % 2 ? 'mem_used_bytes' : 'cpu_usage_percent',
    labels: { series: String(s), cpu: String(s % 16) },
    value: Math.random() * 100,
  }));
  let accepted = 0;
  let seq = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  // Lanes keep agents x WINDOW records outstanding in total, like the simulated agents.
  const lanes = Math.max(1, Math.floor((agents * WINDOW) / perRequest));
  const lane = async () => {
    while (performance.now() < deadline) {
      const messages = [];
      for (let i = 0; i < perRequest; i++) {
        const host = `host-${seq % agents}`;
        const value = await codec.encode('telemetry.metrics', 'nagare.telemetry.MetricBatch', {
          hostId: host,
          agentId: host,
          agentSequence: seq++,
          collectedAt: Date.now(),
          intervalMs: 1000,
          samples,
        });
        messages.push({ key: host, value });
      }
      await producer.send({ topic: 'telemetry.metrics', acks: -1, messages });
      accepted += perRequest * series;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const elapsed = (performance.now() - started) / 1000;
  await producer.disconnect();
  return accepted / elapsed;
}

async function main() {
  const dir = tempDir('nagare-bench-ingest-');
  const broker = await startBrokerProcess(dir.path);
  try {
    await createTopic(broker.address, 'telemetry.metrics');
    const ingest: number[] = [];
    const raw: number[] = [];
    const rawBatched: number[] = [];
    const p50: number[] = [];
    const p99: number[] = [];
    for (let r = 0; r < runs; r++) {
      const result = await viaIngest(broker.address);
      if (result.rejected > 0) throw new Error(`${result.rejected} batches rejected`);
      ingest.push(result.samplesPerSec);
      p50.push(result.ackP50Ms);
      p99.push(result.ackP99Ms);
      raw.push(await rawProduce(broker.address, 1));
      rawBatched.push(await rawProduce(broker.address, agents * WINDOW));
      console.error(
        `run ${r + 1}/${runs}: ingest ${Math.round(result.samplesPerSec)} samples/s (ack p50 ${result.ackP50Ms.toFixed(1)} ms, p99 ${result.ackP99Ms.toFixed(1)} ms), raw kafkajs 1/request ${Math.round(raw.at(-1)!)}, ${agents * WINDOW}/request ${Math.round(rawBatched.at(-1)!)} samples/s`,
      );
    }
    console.log(
      header(
        `ingest: ${agents} agents x ${series} samples/batch, closed loop (${WINDOW} in flight), ${seconds} s, median of ${runs}`,
      ),
    );
    console.log(row('vs raw kafkajs, 1 record per request', median(ingest), median(raw), 'samples/s'));
    console.log(
      row(
        `vs raw kafkajs, ${agents * WINDOW} records per request`,
        median(ingest),
        median(rawBatched),
        'samples/s',
      ),
    );
    console.log(
      `\nack latency through ingest: p50 ${median(p50).toFixed(1)} ms, p99 ${median(p99).toFixed(1)} ms (medians of runs)`,
    );
  } finally {
    broker.child.kill('SIGTERM');
    dir.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
