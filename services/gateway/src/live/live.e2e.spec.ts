import { randomUUID } from 'node:crypto';
import { type BrokerHandle, startBroker } from '@nagare/broker';
import { HttpSchemaRegistry, RecordCodec } from '@nagare/contracts';
import { startSchemaRegistry } from '@nagare/schema-registry';
import { createTestDatabase, describeWithServer, type TestDatabase, tempDir, waitFor } from '@nagare/testkit';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Socket } from 'socket.io-client';
import { type Harness, startGateway } from '../testing/harness';
import { connectSocket, subscribe } from '../testing/socket';
import { LiveService } from './live.service';

/**
 * The live path against the real broker and registry: records produced with kafkajs to
 * projections.updates and agent.command-output reach subscribed sockets in order; a slow
 * socket gets coalesced updates and is dropped past its bound; two gateways sharing Redis
 * deliver every record once to sockets on both.
 */
describeWithServer(['postgres', 'redis'], 'live updates over Socket.IO', () => {
  const dirs = [tempDir('gw-broker-'), tempDir('gw-registry-')];
  let broker: BrokerHandle;
  let registry: { url: string; close(): Promise<void> };
  let producer: Producer;
  let codec: RecordCodec;
  let db: TestDatabase;
  const gateways: Harness[] = [];
  const sockets: Socket[] = [];

  const env = (extra: Record<string, string> = {}) => ({
    KAFKA_BROKERS: broker.brokers.join(','),
    SCHEMA_REGISTRY_URL: registry.url,
    LOGIN_LIMIT_PER_IP: '10000',
    ...extra,
  });

  const update = async (view: string, key: string, version: number, delta: Record<string, unknown>) => ({
    key: `${view}:${key}`,
    value: await codec.encode('projections.updates', 'nagare.projections.ProjectionUpdate', {
      view,
      key,
      version,
      at: Date.now(),
      delta: JSON.stringify(delta),
    }),
  });

  const chunk = async (commandId: string, seq: number, text: string) => ({
    key: commandId,
    value: await codec.encode('agent.command-output', 'nagare.command.CommandOutputChunk', {
      commandId,
      hostId: 'h-1',
      agentId: 'a-1',
      agentSequence: seq,
      stream: 'STDOUT',
      seq,
      data: Buffer.from(text),
      at: Date.now(),
    }),
  });

  /** Produces probe updates until every socket got one: the consumers have joined and are reading. */
  async function untilLive(targets: Socket[], view = 'alerts'): Promise<void> {
    const probe = `probe-${randomUUID()}`;
    const seen = new Set<Socket>();
    const onUpdate = (s: Socket) => (u: { key: string }) => {
      if (u.key === probe) seen.add(s);
    };
    const handlers = targets.map((s) => [s, onUpdate(s)] as const);
    for (const [s, fn] of handlers) s.on('update', fn);
    let version = 0;
    await waitFor(
      async () => {
        await producer.send({
          topic: 'projections.updates',
          messages: [await update(view, probe, ++version, {})],
        });
        return seen.size === targets.length;
      },
      { timeoutMs: 30_000, intervalMs: 300, what: 'live consumers to join' },
    );
    for (const [s, fn] of handlers) s.off('update', fn);
  }

  async function socketFor(
    h: Harness,
    rooms: string[],
    role: 'viewer' | 'operator' = 'operator',
  ): Promise<Socket> {
    const user = await h.userWithRole(role);
    const socket = await connectSocket(h.url, { token: user.access });
    sockets.push(socket);
    for (const room of rooms) expect(await subscribe(socket, room)).toEqual({ ok: true });
    return socket;
  }

  beforeAll(async () => {
    broker = await startBroker({
      dataDir: dirs[0]!.path,
      port: 0,
      initialRebalanceDelayMs: 0,
      topics: [
        { name: 'projections.updates', partitions: 1 },
        { name: 'agent.command-output', partitions: 1 },
      ],
    });
    registry = await startSchemaRegistry({ dataDir: dirs[1]!.path, port: 0 });
    codec = new RecordCodec(new HttpSchemaRegistry(registry.url));
    producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    db = await createTestDatabase('gateway_live');
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const g of gateways) await g.close();
    await producer?.disconnect();
    await db?.drop();
    await registry?.close();
    await broker?.stop();
    for (const d of dirs) d.cleanup();
  }, 60_000);

  it('refuses a foreign Origin at the handshake and accepts its own and listed ones', async () => {
    const h = await startGateway({ CORS_ORIGINS: 'https://dash.example' }, { db });
    gateways.push(h);
    const { access } = await h.userWithRole('viewer');
    await expect(
      connectSocket(h.url, { token: access }, { origin: 'https://evil.example' }),
    ).rejects.toBeTruthy();
    const own = await connectSocket(h.url, { token: access }, { origin: h.url });
    const listed = await connectSocket(h.url, { token: access }, { origin: 'https://dash.example' });
    expect(own.connected && listed.connected).toBe(true);
    own.close();
    listed.close();
  });

  it('delivers projection updates and command output in order', async () => {
    const h = await startGateway(env(), { db });
    gateways.push(h);
    const socket = await socketFor(h, ['alerts', 'hosts', 'command/c-order']);
    await untilLive([socket]);
    const updates: { key: string; version: number; view: string }[] = [];
    const output: { seq: number; text: string }[] = [];
    const metrics: { hostId: string; values: { cpuPercent: number | null } }[] = [];
    socket.on('update', (u) => updates.push(u));
    socket.on('command.output', (o) => output.push(o));
    socket.on('host.metrics', (m) => metrics.push(m));
    expect(await subscribe(socket, 'host/h-9')).toEqual({ ok: true });

    const records = [];
    for (let v = 1; v <= 30; v++) records.push(await update('alerts', 'a-1', v, { severity: v % 4 }));
    await producer.send({ topic: 'projections.updates', messages: records });
    await producer.send({
      topic: 'projections.updates',
      messages: [
        await update('host-metrics', 'h-9', 1000, {
          lastSeenAt: 1000,
          metrics: { 'cpu_usage_percent{cpu="total",mode="idle"}': 75 },
        }),
      ],
    });
    const chunks = [];
    for (let seq = 0; seq < 40; seq++) chunks.push(await chunk('c-order', seq, `line ${seq}\n`));
    await producer.send({ topic: 'agent.command-output', messages: chunks });

    await waitFor(
      () =>
        updates.filter((u) => u.key === 'a-1').length === 30 && output.length === 40 && metrics.length === 1,
      {
        what: 'all records on the socket',
      },
    );
    expect(updates.filter((u) => u.key === 'a-1').map((u) => u.version)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    expect(output.map((o) => o.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(output[7]).toMatchObject({ commandId: 'c-order', stream: 'STDOUT', text: 'line 7\n' });
    expect(metrics[0]).toMatchObject({ hostId: 'h-9', values: { cpuPercent: 25 } });
    // The host-metrics view also feeds the fleet room.
    await waitFor(() => updates.some((u) => u.view === 'host-metrics' && u.key === 'h-9'), {
      what: 'host-metrics on hosts',
    });
  });

  it('coalesces superseded updates for a slow socket: fewer messages, newest version last, per-key order kept', async () => {
    const h = await startGateway(env({ SOCKET_BUFFER_LIMIT: '5000' }), { db });
    gateways.push(h);
    const socket = await socketFor(h, ['alerts']);
    await untilLive([socket]);
    const got: { key: string; version: number }[] = [];
    socket.on('update', (u) => got.push(u));
    // Stop reading: the server's transport backs up and the socket turns slow.
    const raw = (
      socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }
    ).ws._socket;
    raw.pause();
    const padding = 'x'.repeat(8000);
    const keys = ['k1', 'k2', 'k3', 'k4'];
    const perKey = 300;
    for (let v = 1; v <= perKey; v += 10) {
      const batch = [];
      for (let i = v; i < v + 10; i++)
        for (const k of keys) batch.push(await update('alerts', k, i, { padding }));
      await producer.send({ topic: 'projections.updates', messages: batch });
    }
    const live = h.service.app.get(LiveService);
    await waitFor(() => live.stats.coalesced > 0, { timeoutMs: 20_000, what: 'coalescing to start' });
    raw.resume();
    await waitFor(() => keys.every((k) => got.some((u) => u.key === k && u.version === perKey)), {
      timeoutMs: 20_000,
      what: 'the newest version of every key',
    });
    expect(got.length).toBeLessThan(keys.length * perKey);
    for (const k of keys) {
      const versions = got.filter((u) => u.key === k).map((u) => u.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(versions[versions.length - 1]).toBe(perKey);
    }
    expect(socket.connected).toBe(true);
  }, 60_000);

  it('disconnects a socket that stays over its bound', async () => {
    const h = await startGateway(env({ SOCKET_BUFFER_LIMIT: '50' }), { db });
    gateways.push(h);
    const socket = await socketFor(h, ['alerts', 'command/c-slow']);
    const other = await socketFor(h, ['alerts', 'command/c-slow']);
    await untilLive([socket, other]);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const raw = (
      socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }
    ).ws._socket;
    raw.pause();
    const text = 'y'.repeat(8000);
    let otherCount = 0;
    other.on('command.output', () => otherCount++);
    for (let seq = 0; seq < 600; seq += 50) {
      const batch = [];
      for (let i = seq; i < seq + 50; i++) batch.push(await chunk('c-slow', i, text));
      await producer.send({ topic: 'agent.command-output', messages: batch });
    }
    const live = h.service.app.get(LiveService);
    await waitFor(() => live.stats.slowDisconnects > 0, {
      timeoutMs: 20_000,
      what: 'the slow socket to be dropped',
    });
    raw.resume();
    expect(await closed).toBe('io server disconnect');
    // The reading socket got everything, unharmed by the slow one.
    await waitFor(() => otherCount === 600, { timeoutMs: 20_000, what: 'the fast socket to get all output' });
  }, 60_000);

  it('two gateways sharing Redis deliver each record once to sockets on both', async () => {
    const shared = {
      REDIS_URL: 'redis://127.0.0.1:6379/15',
      SNAPSHOT_PREFIX: `test:${randomUUID()}:`,
      LIVE_GROUP_PREFIX: `gw-test-${randomUUID()}`,
      RATE_LIMIT_PREFIX: `test:${randomUUID()}:rl:`,
    };
    const a = await startGateway(env(shared), { db });
    const b = await startGateway(env(shared), { db });
    gateways.push(a, b);
    const sa = await socketFor(a, ['commands'], 'viewer');
    const sb = await socketFor(b, ['commands'], 'viewer');
    await untilLive([sa, sb], 'commands');
    const seen = { a: [] as number[], b: [] as number[] };
    sa.on('update', (u) => u.key === 'cmd-1' && seen.a.push(u.version));
    sb.on('update', (u) => u.key === 'cmd-1' && seen.b.push(u.version));
    const records = [];
    for (let i = 1; i <= 20; i++) records.push(await update('commands', 'cmd-1', i, { status: 'running' }));
    await producer.send({ topic: 'projections.updates', messages: records });
    await waitFor(() => seen.a.length >= 20 && seen.b.length >= 20, {
      timeoutMs: 20_000,
      what: 'both sockets',
    });
    await new Promise((r) => setTimeout(r, 300));
    const all = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(seen.a).toEqual(all);
    expect(seen.b).toEqual(all);
    // One gateway consumed them, the other got them over Redis.
    const consumed = [a, b].map((g) => g.service.app.get(LiveService).stats.records);
    expect(consumed.filter((n) => n > 0).length).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
