import { decodeAvro } from '@nagare/contracts';
import { waitFor } from '@nagare/testkit';
import { MemoryRecordSink, type OutRecord } from '../ports/record-sink';
import { hostFacts, metricBatch } from '../testing/fixtures';
import { startTestIngest, type TestIngest } from '../testing/harness';

type DeadLetter = {
  errorCode: string;
  reason: string;
  value: Buffer | null;
  hostId: string | null;
  key: Buffer | null;
};

const batchFrame = (seq: number, at = Date.now(), samples = 3, hostId = '') => ({
  body: { 'nagare.telemetry.MetricBatch': { ...metricBatch(seq, at, samples), hostId } },
});

describe('agent WebSocket endpoint', () => {
  let t: TestIngest;
  beforeEach(async () => {
    t = await startTestIngest({ maxFrameBytes: 4096, heartbeatMs: 60_000 });
  });
  afterEach(() => t.close());

  it('welcomes an enrolled agent with its identity, watermark and the signing key', async () => {
    const agent = await t.enroll();
    const w = await t.connect(agent.credential).welcome;
    expect(w).toMatchObject({
      agentId: agent.agentId,
      hostId: agent.hostId,
      lastAckedSequence: -1,
      heartbeatMs: 60_000,
      signingPublicKey: 'test-public-key',
    });
  });

  it('refuses the upgrade without a valid credential', async () => {
    await expect(t.connect('ngc_not-a-credential').welcome).rejects.toThrow(/401/);
    await expect(t.connect('').welcome).rejects.toThrow(/401/);
  });

  it('produces a batch stamped with the credential identity, keyed by host, then acks it', async () => {
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    const ack = await c.send(batchFrame(1), 1);
    expect(ack).toEqual({ sequence: 1, status: 'ACCEPTED', reason: null });
    const [rec] = await t.values<{ hostId: string; agentId: string; samples: unknown[] }>(
      'telemetry.metrics',
    );
    expect(rec?.key).toBe(agent.hostId);
    expect(rec?.value.hostId).toBe(agent.hostId);
    expect(rec?.value.agentId).toBe(agent.agentId);
    expect(rec?.value.samples).toHaveLength(3);
    // facts and command output go to their own topics, command output keyed by command id
    await c.send({ body: { 'nagare.telemetry.HostFacts': hostFacts(2, Date.now()) } }, 2);
    await c.send(
      {
        body: {
          'nagare.command.CommandOutputChunk': {
            commandId: 'cmd-7',
            hostId: '',
            agentId: '',
            agentSequence: 3,
            stream: 'STDOUT',
            seq: 0,
            data: Buffer.from('hello\n'),
            at: Date.now(),
          },
        },
      },
      3,
    );
    expect((await t.values('telemetry.inventory')).map((r) => r.key)).toEqual([agent.hostId]);
    expect((await t.values('agent.command-output')).map((r) => r.key)).toEqual(['cmd-7']);
  });

  it('acknowledges only after the log acknowledged the produce', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const producing = new Promise<void>((r) => {
      entered = r;
    });
    class GatedSink extends MemoryRecordSink {
      override async produce(records: readonly OutRecord[]) {
        entered();
        await gate;
        return super.produce(records);
      }
    }
    await t.close();
    t = await startTestIngest({}, { sink: new GatedSink() });
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    let acked = false;
    const ack = c.send(batchFrame(1), 1).then((a) => {
      acked = true;
      return a;
    });
    // The produce has started and is held by the gate: no Ack may have been sent yet.
    await producing;
    await new Promise((r) => setImmediate(r));
    expect(acked).toBe(false);
    expect(t.sink.records).toHaveLength(0);
    release();
    expect((await ack).status).toBe('ACCEPTED');
    expect(t.sink.topic('telemetry.metrics')).toHaveLength(1);
  });

  it('stops reading a connection with maxInFlight unanswered frames, then drains it in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    class GatedSink extends MemoryRecordSink {
      override async produce(records: readonly OutRecord[]) {
        await gate;
        return super.produce(records);
      }
    }
    await t.close();
    t = await startTestIngest({ maxInFlight: 4, maxFrameBytes: 1024 * 1024 }, { sink: new GatedSink() });
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    // 40 frames of ~60 KB: far more than the socket may have unanswered.
    const acks = Array.from({ length: 40 }, (_, i) => c.send(batchFrame(i + 1, Date.now(), 2500), i + 1));
    await waitFor(() => (t.ingest.sockets.agent(agent.hostId)?.inFlight ?? 0) >= 4);
    // Let the client's writes settle: the server keeps the TCP socket paused meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    const read = t.ingest.sockets.agent(agent.hostId)!.inFlight;
    // Bounded: the limit plus what was already parsed from the last TCP read.
    expect(read).toBeLessThan(12);
    release();
    const done = await Promise.all(acks);
    expect(done.map((a) => a.status)).toEqual(Array(40).fill('ACCEPTED'));
    const seqs = (await t.values<{ agentSequence: number }>('telemetry.metrics')).map(
      (r) => r.value.agentSequence,
    );
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('answers a replayed sequence with DUPLICATE, does not produce it again, and dead-letters it', async () => {
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    expect((await c.send(batchFrame(5), 5)).status).toBe('ACCEPTED');
    expect((await c.send(batchFrame(5), 5)).status).toBe('DUPLICATE');
    expect((await c.send(batchFrame(4), 4)).status).toBe('DUPLICATE');
    expect(t.sink.topic('telemetry.metrics')).toHaveLength(1);
    const dlq = await t.values<DeadLetter>('telemetry.metrics.dlq');
    expect(dlq.map((d) => d.value.errorCode)).toEqual(['DUPLICATE_SEQUENCE', 'DUPLICATE_SEQUENCE']);
    // the watermark survives a reconnect
    c.close();
    await c.closed;
    expect((await t.connect(agent.credential).welcome).lastAckedSequence).toBe(5);
  });

  it('refuses an agent speaking for another host and dead-letters the original bytes', async () => {
    const a = await t.enroll('web-1');
    const b = await t.enroll('web-2');
    const c = t.connect(a.credential);
    await c.welcome;
    const ack = await c.send(batchFrame(1, Date.now(), 3, b.hostId), 1);
    expect(ack.status).toBe('REJECTED');
    expect(ack.reason).toMatch(/^HOST_MISMATCH/);
    expect(t.sink.topic('telemetry.metrics')).toHaveLength(0);
    const [dl] = await t.values<DeadLetter>('telemetry.metrics.dlq');
    expect(dl?.value.errorCode).toBe('HOST_MISMATCH');
    expect(dl?.value.hostId).toBe(a.hostId);
    const original = decodeAvro('nagare.agent.AgentFrame', dl!.value.value!);
    expect(original.body).toMatchObject({ 'nagare.telemetry.MetricBatch': { hostId: b.hostId } });
  });

  it('refuses stale and far-future records', async () => {
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    const stale = await c.send(batchFrame(1, Date.now() - 2 * 3_600_000), 1);
    const future = await c.send(batchFrame(2, Date.now() + 10 * 60_000), 2);
    expect([stale.reason?.split(':')[0], future.reason?.split(':')[0]]).toEqual([
      'STALE_TIMESTAMP',
      'FUTURE_TIMESTAMP',
    ]);
    expect(t.sink.topic('telemetry.metrics')).toHaveLength(0);
    const dlq = await t.values<DeadLetter>('telemetry.metrics.dlq');
    expect(dlq.map((d) => d.value.errorCode)).toEqual(['STALE_TIMESTAMP', 'FUTURE_TIMESTAMP']);
  });

  it('refuses an oversized frame with TOO_LARGE and keeps serving the connection', async () => {
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    const big = await c.send(batchFrame(1, Date.now(), 400), 1);
    expect(big.status).toBe('REJECTED');
    expect(big.reason).toMatch(/^TOO_LARGE/);
    expect((await c.send(batchFrame(2), 2)).status).toBe('ACCEPTED');
    const [dl] = await t.values<DeadLetter>('telemetry.metrics.dlq');
    expect(dl?.value.errorCode).toBe('TOO_LARGE');
    expect(dl?.value.value?.length).toBeGreaterThan(4096);
  });

  it('answers malformed bytes with a ProtocolError, dead-letters them on agent.frames.dlq, and stays up', async () => {
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    const garbage = Buffer.from([0x0e, 0xff, 0xff, 0xff, 0x7f, 0x01]);
    c.sendRaw(garbage);
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(c.errors[0]?.code).toBe('BAD_FRAME');
    const [dl] = await t.values<DeadLetter>('agent.frames.dlq');
    expect(dl?.value.errorCode).toBe('BAD_FRAME');
    expect(dl?.value.value).toEqual(garbage);
    expect(dl?.key).toBe(agent.hostId);
    // text frames too
    const c2 = t.connect(agent.credential);
    await c2.welcome;
    c2.sendRaw('{"hello": "json"}');
    await c2.closed;
    expect(c2.errors[0]?.code).toBe('BAD_FRAME');
    // the service still accepts the agent afterwards
    const c3 = t.connect(agent.credential);
    await c3.welcome;
    expect((await c3.send(batchFrame(1), 1)).status).toBe('ACCEPTED');
  });

  it('closes with UNAVAILABLE when the log fails, acks nothing, and accepts the resend later', async () => {
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    t.sink.failWith(new Error('broker down'));
    c.sendFrame(batchFrame(1));
    await c.closed;
    expect(c.errors[0]?.code).toBe('UNAVAILABLE');
    t.sink.failWith(undefined);
    const again = t.connect(agent.credential);
    expect((await again.welcome).lastAckedSequence).toBe(-1);
    expect((await again.send(batchFrame(1), 1)).status).toBe('ACCEPTED');
  });

  it('rate-limits a host past its bucket and dead-letters the excess', async () => {
    await t.close();
    t = await startTestIngest({ hostBurst: 2, hostRatePerSec: 0.001 });
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    const acks = await Promise.all([1, 2, 3].map((s) => c.send(batchFrame(s), s)));
    expect(acks.map((a) => a.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'REJECTED']);
    expect(acks[2]?.reason).toMatch(/^RATE_LIMITED/);
    expect((await t.values<DeadLetter>('telemetry.metrics.dlq')).map((d) => d.value.errorCode)).toEqual([
      'RATE_LIMITED',
    ]);
  });

  it('pings, and a second connection for the same host supersedes the first', async () => {
    await t.close();
    t = await startTestIngest({ heartbeatMs: 300 });
    const agent = await t.enroll();
    const c = t.connect(agent.credential);
    await c.welcome;
    await new Promise<void>((resolve) => c.onFrame((b) => 'nagare.agent.Ping' in b && resolve()));
    const c2 = t.connect(agent.credential);
    await c2.welcome;
    await c.closed;
    expect(c.errors[0]?.code).toBe('SUPERSEDED');
    expect(t.ingest.sockets.connectedHosts()).toEqual([agent.hostId]);
  });
});
