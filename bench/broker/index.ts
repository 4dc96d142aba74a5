// `pnpm bench broker [runs]`: produce and consume throughput of the embedded broker with
// kafkajs, @platformatic/kafka and kcat (librdkafka), each beside the same bytes pushed
// through a plain loopback TCP sink (and pulled from a plain TCP source) in the same run.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Decoder } from '../../packages/broker/src/protocol/decoder';
import { Encoder } from '../../packages/broker/src/protocol/encoder';
import { buildBatch, readBatchHeader } from '../../packages/broker/src/protocol/recordBatch';
import { header, median, row } from '../lib/report';

const root = path.join(__dirname, '..', '..');
const runs = Number(process.argv[2] ?? 3);

// ---- helpers ----

function startBroker(dataDir: string): Promise<{ child: ChildProcess; address: string }> {
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

/** A TCP sink (in its own process, like the broker) that discards everything, then says "done". */
const SINK = `
const net = require('net');
const s = net.createServer((c) => { c.setNoDelay(true); c.on('data', () => {}); c.on('end', () => c.end('done')); });
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));`;
/** A TCP source that sends argv[1] bytes in 64 KiB chunks to each connection. */
const SOURCE = `
const net = require('net');
const total = Number(process.argv[1]);
const chunk = Buffer.alloc(65536, 120);
const s = net.createServer((c) => {
  let left = total;
  const pump = () => { while (left > 0) { const n = Math.min(left, chunk.length); left -= n; if (!c.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return c.once('drain', pump); } c.end(); };
  pump();
});
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));`;

function startScript(code: string, args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (d: Buffer) => {
      const m = /PORT (\d+)/.exec(d.toString());
      if (m) resolve({ child, port: Number(m[1]) });
    });
  });
}

/** Seconds to push `total` bytes in `chunk`-sized writes into the sink, until it confirms. */
async function sinkSeconds(total: number, chunk: number): Promise<number> {
  const { child, port } = await startScript(SINK);
  const buf = Buffer.alloc(chunk, 120);
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.setNoDelay(true);
      let left = total;
      const pump = () => {
        while (left > 0) {
          left -= chunk;
          if (!c.write(buf)) return void c.once('drain', pump);
        }
        c.end();
      };
      pump();
    });
    c.on('data', () => {});
    c.on('close', () => resolve());
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  child.kill();
  return s;
}

/** Seconds to pull `total` bytes from a plain TCP source. */
async function sourceSeconds(total: number): Promise<number> {
  const { child, port } = await startScript(SOURCE, [String(total)]);
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('data', () => {});
    c.on('close', () => resolve());
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  child.kill();
  return s;
}

interface Sample {
  produce: number;
  consume: number;
}

async function kafkajsRun(address: string, topic: string, count: number, size: number): Promise<Sample> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [address], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(size, 'x');
  const perSend = 1000; // many messages per send, several sends in flight
  const messages = Array.from({ length: perSend }, () => ({ value }));
  let sent = 0;
  let t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (sent < count) {
        sent += perSend;
        await producer.send({ topic, acks: 1, messages });
      }
    }),
  );
  const produce = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 100, maxBytes: 16 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let got = 0;
  t0 = process.hrtime.bigint();
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        got += batch.messages.length;
        if (got >= sent) resolve();
      },
    });
  });
  await done;
  const consume = Number(process.hrtime.bigint() - t0) / 1e9;
  await consumer.disconnect();
  return { produce: sent / produce, consume: sent / consume };
}

/**
 * The broker's own ceiling: produce requests pre-encoded once (1000 records per batch) and
 * pipelined 16 deep over one socket, so the client costs almost nothing. Consume: Fetch
 * requests of up to 8 MiB, one after another.
 */
async function rawRun(address: string, topic: string, count: number, size: number): Promise<Sample> {
  const [host, port] = address.split(':') as [string, string];
  const perBatch = 1000;
  const batch = buildBatch(Array.from({ length: perBatch }, () => ({ value: Buffer.alloc(size, 'x') })));
  // One frame, written again and again (the broker patches its own copy of the batch).
  const frame = Buffer.from(
    new Encoder(batch.length + 256)
      .int32(0)
      .int16(0)
      .int16(7)
      .int32(1)
      .string('raw')
      .nullableString(null)
      .int16(1)
      .int32(30_000)
      .array([topic], (e, t) => e.string(t).array([0], (e, p) => e.int32(p).bytes(batch)))
      .frame(),
  );
  const produceFrame = (_id: number) => frame;
  const socket = net.connect(Number(port), host);
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  let chunks: Buffer[] = [];
  let buffered = 0;
  let onFrame: (frame: Buffer) => void = () => {};
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (buffered < 4) return;
      if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks)];
      const n = chunks[0]!.readInt32BE(0);
      if (buffered < 4 + n) return;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      onFrame(all.subarray(4, 4 + n));
      buffered -= 4 + n;
      chunks = buffered > 0 ? [all.subarray(4 + n)] : [];
    }
  });
  // Metadata with auto-create, then wait for the answer.
  await new Promise<void>((resolve) => {
    onFrame = () => resolve();
    socket.write(
      new Encoder()
        .int32(0)
        .int16(3)
        .int16(4)
        .int32(0)
        .string('raw')
        .array([topic], (e, t) => e.string(t))
        .bool(true)
        .frame(),
    );
  });
  const requests = Math.ceil(count / perBatch);
  let t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    let sentReq = 0;
    let done = 0;
    onFrame = () => {
      done++;
      if (sentReq < requests) socket.write(produceFrame(++sentReq));
      if (done === requests) resolve();
    };
    while (sentReq < Math.min(16, requests)) socket.write(produceFrame(++sentReq));
  });
  const produce = Number(process.hrtime.bigint() - t0) / 1e9;
  const total = requests * perBatch;
  t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    let offset = 0;
    const fetch = () =>
      socket.write(
        new Encoder()
          .int32(0)
          .int16(1)
          .int16(11)
          .int32(1)
          .string('raw')
          .int32(-1)
          .int32(100)
          .int32(1)
          .int32(8 << 20)
          .int8(0)
          .int32(0)
          .int32(-1)
          .array([topic], (e, t) =>
            e.string(t).array([0], (e, p) =>
              e
                .int32(p)
                .int32(-1)
                .int64(offset)
                .int64(-1)
                .int32(8 << 20),
            ),
          )
          .array([], () => {})
          .string('')
          .frame(),
      );
    onFrame = (frame) => {
      // Walk the response to the records of the single partition and count whole batches.
      const d = new Decoder(frame);
      d.int32(); // correlation
      d.int32();
      d.int16();
      d.int32();
      d.int32(); // topics
      d.string();
      d.int32(); // partitions
      d.int32();
      d.int16();
      d.int64();
      d.int64();
      d.int64();
      d.array(() => {});
      d.int32();
      const records = d.bytes();
      for (let pos = 0; pos + 61 <= records.length; ) {
        const h = readBatchHeader(records, pos);
        offset = h.baseOffset + h.lastOffsetDelta + 1;
        pos += h.size;
      }
      if (offset >= total) resolve();
      else fetch();
    };
    fetch();
  });
  const consume = Number(process.hrtime.bigint() - t0) / 1e9;
  socket.destroy();
  return { produce: total / produce, consume: total / consume };
}

function platformaticRun(address: string, topic: string, count: number, size: number): Sample {
  const r = spawnSync(
    process.execPath,
    [path.join(__dirname, 'platformatic.mjs'), address, topic, String(count), String(size)],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`platformatic bench failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    produced: number;
    produceMs: number;
    consumeMs: number;
  };
  return { produce: o.produced / (o.produceMs / 1000), consume: o.produced / (o.consumeMs / 1000) };
}

function kcatRun(address: string, topic: string, file: string, count: number): Sample {
  let t0 = process.hrtime.bigint();
  const p = spawnSync(
    'kcat',
    [
      '-b',
      address,
      '-P',
      '-t',
      topic,
      '-p',
      '0',
      '-l',
      file,
      '-X',
      'linger.ms=5',
      '-X',
      'batch.num.messages=10000',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const produce = Number(process.hrtime.bigint() - t0) / 1e9;
  if (p.status !== 0) throw new Error(`kcat produce failed: ${p.stderr}`);
  t0 = process.hrtime.bigint();
  const c = spawnSync(
    'kcat',
    ['-b', address, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\\n'],
    {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 1 << 28,
    },
  );
  const consume = Number(process.hrtime.bigint() - t0) / 1e9;
  const lines = c.stdout.trim().split('\n').length;
  if (lines !== count) throw new Error(`kcat consumed ${lines} of ${count}`);
  return { produce: count / produce, consume: count / consume };
}

// ---- main ----

async function main(): Promise<void> {
  const hasKcat = spawnSync('kcat', ['-V']).status === 0;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nagare-bench-broker-'));
  const { child, address } = await startBroker(dataDir);
  try {
    const scenarios = [
      { size: 100, count: 200_000 },
      { size: 1024, count: 50_000 },
    ];
    for (const { size, count } of scenarios) {
      const bytes = count * size;
      const results: Record<string, Sample[]> = {
        kafkajs: [],
        platformatic: [],
        kcat: [],
        'raw pipelined': [],
      };
      const sink: number[] = [];
      const source: number[] = [];
      const file = path.join(dataDir, `lines-${size}.txt`);
      fs.writeFileSync(file, `${'x'.repeat(size - 1)}\n`.repeat(count));
      for (let r = 0; r < runs; r++) {
        sink.push(count / (await sinkSeconds(bytes, size * 100)));
        source.push(count / (await sourceSeconds(bytes)));
        results.kafkajs!.push(await kafkajsRun(address, `kjs-${size}-${r}`, count, size));
        results.platformatic!.push(platformaticRun(address, `plt-${size}-${r}`, count, size));
        if (hasKcat) results.kcat!.push(kcatRun(address, `kcat-${size}-${r}`, file, count));
        results['raw pipelined']!.push(await rawRun(address, `raw-${size}-${r}`, count, size));
      }
      const ref = { produce: median(sink), consume: median(source) };
      const block = ['', header(`broker, ${size} B records (${count} per run, median of ${runs})`)];
      for (const [client, samples] of Object.entries(results)) {
        if (samples.length === 0) {
          block.push(`| ${client} | skipped: kcat not installed | | |`);
          continue;
        }
        const p = median(samples.map((s) => s.produce));
        const c = median(samples.map((s) => s.consume));
        block.push(row(`${client} produce msgs/s`, p, ref.produce, 'msg/s'));
        block.push(row(`${client} produce MB/s`, (p * size) / 1e6, (ref.produce * size) / 1e6, 'MB/s'));
        block.push(row(`${client} consume msgs/s`, c, ref.consume, 'msg/s'));
        block.push(row(`${client} consume MB/s`, (c * size) / 1e6, (ref.consume * size) / 1e6, 'MB/s'));
      }
      console.log(block.join('\n'));
    }
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    '\nreference: the same bytes pushed into (produce) or pulled from (consume) a plain loopback TCP socket',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
