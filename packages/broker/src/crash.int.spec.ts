import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '@nagare/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { BATCH, BATCH_LOG_OVERHEAD, batchProblem } from './protocol/recordBatch';

const runTs = path.join(__dirname, '../../../tools/run-ts.cjs');

function startChild(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [runTs, path.join(__dirname, 'testing/brokerProcess.ts'), dataDir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`broker child exited early (${code})`)));
  });
}

/** Every .log file must be a clean sequence of valid batches (CRC-32C included). */
function assertLogsClean(dataDir: string): number {
  let batches = 0;
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir)) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.log')) {
        const buf = fs.readFileSync(p);
        let pos = 0;
        while (pos < buf.length) {
          expect(batchProblem(buf, pos)).toBeUndefined();
          pos += buf.readInt32BE(pos + BATCH.batchLength) + BATCH_LOG_OVERHEAD;
          batches++;
        }
        expect(pos).toBe(buf.length);
      }
    }
  };
  walk(dataDir);
  return batches;
}

describe('kill -9 during a produce stream', () => {
  it('keeps every acknowledged record and no corrupt batch after restart', async () => {
    const dir = tempDir('nagare-crash-');
    let child: ChildProcess | undefined;
    try {
      const first = await startChild(dir.path);
      child = first.child;
      const kafka = new Kafka({
        clientId: 'crash',
        brokers: [`127.0.0.1:${first.port}`],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'stream', numPartitions: 2 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      const acked: { partition: number; offset: number; value: string }[] = [];
      let killed = false;
      const writers = [0, 1].map(async (partition) => {
        for (let n = 0; !killed; n++) {
          const values = Array.from({ length: 25 }, (_, i) => `p${partition}-${n}-${i}-${'x'.repeat(200)}`);
          try {
            const [meta] = await producer.send({
              topic: 'stream',
              acks: -1,
              messages: values.map((value) => ({ partition, value })),
            });
            values.forEach((value, i) => {
              acked.push({ partition, offset: Number(meta!.baseOffset) + i, value });
            });
          } catch {
            return; // the broker died mid-request: not acknowledged
          }
        }
      });
      await new Promise((r) => setTimeout(r, 1500));
      child.kill('SIGKILL');
      killed = true;
      await Promise.all(writers);
      await producer.disconnect().catch(() => {});
      await new Promise((r) => child!.once('exit', r));
      expect(acked.length).toBeGreaterThan(100);

      const second = await startChild(dir.path);
      child = second.child;
      const kafka2 = new Kafka({
        clientId: 'crash2',
        brokers: [`127.0.0.1:${second.port}`],
        logLevel: logLevel.NOTHING,
      });
      const consumer = kafka2.consumer({ groupId: 'crash-check', maxWaitTimeInMs: 50 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'stream', fromBeginning: true });
      const stored = new Map<string, string>();
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          stored.set(`${partition}:${message.offset}`, message.value!.toString());
        },
      });
      const deadline = Date.now() + 60_000;
      while (stored.size < acked.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await consumer.disconnect();
      const missing = acked.filter((a) => stored.get(`${a.partition}:${a.offset}`) !== a.value);
      expect(missing).toEqual([]);
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
      child = undefined;
      expect(assertLogsClean(dir.path)).toBeGreaterThan(0);
    } finally {
      child?.kill('SIGKILL');
      dir.cleanup();
    }
  }, 150_000);
});
