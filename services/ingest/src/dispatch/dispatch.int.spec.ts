import { randomBytes } from 'node:crypto';
import {
  generateCommandSigningKey,
  MemorySchemaRegistry,
  RecordCodec,
  signCancel,
  signDispatch,
  verifyDispatchSignature,
} from '@nagare/contracts';
import { describeWithServer, redisTestUrl, waitFor } from '@nagare/testkit';
import Redis from 'ioredis';
import { MemoryAgentIdentity } from '../ports/agent-identity';
import { type DeliveryFabric, MemoryDeliveryFabric, RedisDeliveryFabric } from '../ports/delivery-fabric';
import { MemoryDispatchHub } from '../ports/dispatch-source';
import { MemoryRecordSink } from '../ports/record-sink';
import { startTestIngest, type TestIngest } from '../testing/harness';

const key = generateCommandSigningKey('k1');

interface Cluster {
  a: TestIngest;
  b: TestIngest;
  hub: MemoryDispatchHub;
  codec: RecordCodec;
  sink: MemoryRecordSink;
  fabric: DeliveryFabric;
  close(): Promise<void>;
}

/** Two ingest instances sharing a log, a registry, identities and a delivery fabric. */
async function startCluster(fabrics: () => DeliveryFabric[], onClose: () => Promise<void>): Promise<Cluster> {
  const hub = new MemoryDispatchHub();
  const registry = new MemorySchemaRegistry();
  const sink = new MemoryRecordSink();
  const identity = new MemoryAgentIdentity();
  const [fa, fb] = fabrics();
  const common = { registry, sink, identity };
  const config = { dispatchSweepMs: 50, heartbeatMs: 60_000, signingPublicKey: key.publicKeyPem };
  const a = await startTestIngest(
    { ...config, instanceId: 'ingest-a' },
    { ...common, fabric: fa, dispatchSource: hub.source() },
  );
  const b = await startTestIngest(
    { ...config, instanceId: 'ingest-b' },
    { ...common, fabric: fb, dispatchSource: hub.source() },
  );
  return {
    a,
    b,
    hub,
    sink,
    fabric: fa!,
    codec: new RecordCodec(registry),
    async close() {
      await a.close();
      await b.close();
      await onClose();
    },
  };
}

const dispatchFor = (hostId: string, commandId: string, ttlMs = 60_000) =>
  signDispatch(
    {
      commandId,
      hostId,
      argv: ['uptime'],
      timeoutMs: 10_000,
      outputCapBytes: 65_536,
      issuedAt: Date.now(),
      expiresAt: Date.now() + ttlMs,
      nonce: randomBytes(8).toString('hex'),
    },
    key,
  );

function dispatchSuite(name: string, fabrics: () => DeliveryFabric[], cleanup: () => Promise<void>) {
  describe(`command dispatch across two ingest instances (${name})`, () => {
    let c: Cluster;
    beforeEach(async () => {
      c = await startCluster(fabrics, cleanup);
    });
    afterEach(() => c.close());

    const publish = async (hostId: string, value: Parameters<typeof c.codec.encode>[2], cancel = false) =>
      c.hub.publish(
        hostId,
        await c.codec.encode(
          'agent.command-dispatch',
          cancel ? 'nagare.command.CommandCancel' : 'nagare.command.CommandDispatch',
          value as never,
        ),
      );

    it('delivers each dispatch to the agent of its host, whichever instance consumed it', async () => {
      const web = await c.a.enroll('web');
      const db = await c.a.enroll('db');
      const onB = c.b.connect(web.credential);
      const onA = c.a.connect(db.credential);
      await Promise.all([onB.welcome, onA.welcome]);
      await waitFor(async () => (await c.fabric.ownerOf(web.hostId)) === 'ingest-b');
      await waitFor(async () => (await c.fabric.ownerOf(db.hostId)) === 'ingest-a');
      // The hub alternates instances, so of four records each instance consumes two.
      for (let i = 0; i < 4; i++)
        await publish(
          i % 2 ? db.hostId : web.hostId,
          dispatchFor(i % 2 ? db.hostId : web.hostId, `cmd-${i}`),
        );
      await waitFor(() => onB.dispatches.length === 2 && onA.dispatches.length === 2);
      const ids = (conn: typeof onA) =>
        conn.dispatches.map((d) =>
          'nagare.command.CommandDispatch' in d ? d['nagare.command.CommandDispatch'].commandId : '',
        );
      expect(ids(onB).sort()).toEqual(['cmd-0', 'cmd-2']);
      expect(ids(onA).sort()).toEqual(['cmd-1', 'cmd-3']);
      // Each instance consumed one record for the other's agent and forwarded it.
      for (const i of [c.a, c.b]) {
        const counts = (await i.ingest.metrics.dispatch.get()).values;
        expect(counts.find((v) => v.labels.outcome === 'forwarded')?.value).toBe(2);
      }
      const delivered = onB.dispatches[0]!;
      expect('nagare.command.CommandDispatch' in delivered).toBe(true);
      if ('nagare.command.CommandDispatch' in delivered) {
        expect(verifyDispatchSignature(delivered['nagare.command.CommandDispatch'], key.publicKeyPem)).toBe(
          true,
        );
      }
    });

    it('holds commands for a disconnected agent and delivers them in order on reconnect', async () => {
      const web = await c.a.enroll('web');
      const d = dispatchFor(web.hostId, 'cmd-held');
      await publish(web.hostId, d);
      const cancel = signCancel(
        {
          commandId: 'cmd-held',
          hostId: web.hostId,
          issuedAt: d.issuedAt + 1,
          expiresAt: d.expiresAt,
          nonce: 'n2',
        },
        key,
      );
      await publish(web.hostId, cancel, true);
      const conn = c.b.connect(web.credential);
      await conn.welcome;
      await waitFor(() => conn.dispatches.length === 2);
      expect(conn.dispatches.map((x) => Object.keys(x)[0])).toEqual([
        'nagare.command.CommandDispatch',
        'nagare.command.CommandCancel',
      ]);
    });

    it('dead-letters a command that expired before its agent came back', async () => {
      const web = await c.a.enroll('web');
      await publish(web.hostId, dispatchFor(web.hostId, 'cmd-late', 100));
      await waitFor(() => c.sink.topic('agent.command-dispatch.dlq').length === 1, { timeoutMs: 5000 });
      const [dl] = await c.a.values<{ errorCode: string; hostId: string }>('agent.command-dispatch.dlq');
      expect(dl?.value).toMatchObject({ errorCode: 'EXPIRED_UNDELIVERED', hostId: web.hostId });
      const conn = c.b.connect(web.credential);
      await conn.welcome;
      // A fresh dispatch still arrives, the expired one never does.
      await publish(web.hostId, dispatchFor(web.hostId, 'cmd-new'));
      await waitFor(() => conn.dispatches.length === 1);
      expect(Object.values(conn.dispatches[0]!)[0]).toMatchObject({ commandId: 'cmd-new' });
    });

    it('dead-letters records that are not dispatches or whose key names another host', async () => {
      await c.hub.publish('host-x', Buffer.from('not avro'));
      await publish('host-y', dispatchFor('host-x', 'cmd-k'));
      const dlq = await c.a.values<{ errorCode: string }>('agent.command-dispatch.dlq');
      expect(dlq.map((d) => d.value.errorCode)).toEqual(['WIRE_FORMAT', 'HOST_MISMATCH']);
    });
  });
}

dispatchSuite(
  'in-process fabric',
  () => {
    const f = new MemoryDeliveryFabric();
    return [f, f];
  },
  async () => undefined,
);

describeWithServer('redis', 'Redis delivery fabric', () => {
  const prefix = `nagare:test:ingest:${randomBytes(4).toString('hex')}:`;
  const conns: Redis[] = [];
  const conn = () => {
    const r = new Redis(redisTestUrl(), { lazyConnect: false, maxRetriesPerRequest: 2 });
    conns.push(r);
    return r;
  };
  dispatchSuite(
    'Redis fabric',
    () => [new RedisDeliveryFabric(conn(), conn(), prefix), new RedisDeliveryFabric(conn(), conn(), prefix)],
    async () => {
      const r = conn();
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(...keys);
      for (const c of conns.splice(0)) c.disconnect();
    },
  );
});
