import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type BrokerHandle, startBroker } from '@nagare/broker';
import { contractSamples, HttpSchemaRegistry, RecordCodec } from '@nagare/contracts';
import { startSchemaRegistry } from '@nagare/schema-registry';
import { createTestDatabase, describeWithServer, type TestDatabase, tempDir, waitFor } from '@nagare/testkit';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Socket } from 'socket.io-client';
import { type Harness, startGateway } from '../testing/harness';
import { connectSocket, subscribe } from '../testing/socket';

const commandMain = path.resolve(__dirname, '../../../command/dist/main.js');
// Built before this suite by turbo (`test` depends on `^build`; @nagare/command is a dev dependency).
if (!existsSync(commandMain)) throw new Error(`${commandMain} is not built: run \`pnpm build\` first`);

/**
 * End to end through the real command service (its built main.js, as `nagare up` runs it):
 * a command requested over the gateway's REST API is dispatched (signed) to
 * agent.command-dispatch; this test plays the agent and writes its output to
 * agent.command-output; the operator's socket in `command/<id>` receives it live, in order.
 */
describeWithServer(['postgres'], 'command requested over REST, output live on a socket', () => {
  const dirs = [tempDir('gw-flow-broker-'), tempDir('gw-flow-registry-')];
  let broker: BrokerHandle;
  let registry: { url: string; close(): Promise<void> };
  let command: ChildProcess;
  let producer: Producer;
  let dispatches: Consumer;
  let codec: RecordCodec;
  let h: Harness;
  let socket: Socket;
  const dispatched: { commandId: string; argv: string[] }[] = [];
  const token = 'flow-internal-token-0123456789';

  let eventStoreDb: TestDatabase;
  beforeAll(async () => {
    broker = await startBroker({
      dataDir: dirs[0]!.path,
      port: 0,
      initialRebalanceDelayMs: 0,
      topics: [
        'telemetry.inventory',
        'telemetry.metrics',
        'ingest.webhooks',
        'agent.command-output',
        'agent.command-dispatch',
        'projections.updates',
        'events.hosts',
        'events.alerts',
        'events.commands',
        'events.rules',
      ].map((name) => ({ name, partitions: 1 })),
    });
    eventStoreDb = await createTestDatabase('gw_command_flow');
    registry = await startSchemaRegistry({ dataDir: dirs[1]!.path, port: 0 });
    codec = new RecordCodec(new HttpSchemaRegistry(registry.url));
    const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();

    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    command = spawn(process.execPath, [commandMain], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        INTERNAL_TOKEN: token,
        DATABASE_URL: eventStoreDb.url,
        KAFKA_BROKERS: broker.brokers.join(','),
        SCHEMA_REGISTRY_URL: registry.url,
        COMMAND_SIGNING_KEY: pem,
        TIMER_TICK_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const commandUrl = await new Promise<string>((resolve, reject) => {
      let buf = '';
      command.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = buf.match(/"url":"(http:\/\/[^"]+)"/);
        if (m) resolve(m[1] as string);
      });
      command.once('exit', (code) => reject(new Error(`command service exited ${code}`)));
    });
    command.stdout!.resume();

    dispatches = kafka.consumer({ groupId: 'flow-agent' });
    await dispatches.connect();
    await dispatches.subscribe({ topic: 'agent.command-dispatch', fromBeginning: true });
    await dispatches.run({
      eachMessage: async ({ message }) => {
        const { value } = await codec.decodeAs(message.value as Buffer, 'nagare.command.CommandDispatch');
        dispatched.push({ commandId: value.commandId, argv: value.argv });
      },
    });

    // The host registers through the command service's inventory ingress, as an agent's facts would.
    const facts = {
      ...contractSamples['nagare.telemetry.HostFacts'][0],
      hostId: 'h-flow',
      hostname: 'flow-1',
      collectedAt: Date.now(),
    };
    await producer.send({
      topic: 'telemetry.inventory',
      messages: [
        {
          key: 'h-flow',
          value: await codec.encode('telemetry.inventory', 'nagare.telemetry.HostFacts', facts as never),
        },
      ],
    });

    h = await startGateway({
      COMMAND_SERVICE_URL: commandUrl,
      COMMAND_INTERNAL_TOKEN: token,
      KAFKA_BROKERS: broker.brokers.join(','),
      SCHEMA_REGISTRY_URL: registry.url,
    });
  }, 90_000);

  afterAll(async () => {
    socket?.close();
    await h?.close();
    command?.kill('SIGTERM');
    await dispatches?.disconnect();
    await producer?.disconnect();
    await registry?.close();
    await broker?.stop();
    for (const d of dirs) d.cleanup();
    await new Promise((r) => setTimeout(r, 500));
    await eventStoreDb?.drop();
  }, 60_000);

  it('delivers the output of a command requested over REST to the socket, in order', async () => {
    const operator = await h.userWithRole('operator');
    socket = await connectSocket(h.url, { token: operator.access });
    // Retry until the command service has registered the host from its inventory record.
    const accepted = await waitFor(
      async () => {
        const res = await h.request('POST', '/api/v1/commands', {
          token: operator.access,
          body: { hostId: 'h-flow', argv: ['echo', 'hello'], reason: 'e2e' },
          headers: { 'idempotency-key': 'flow-1' },
        });
        return res.status === 202 ? res : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300, what: 'the command service to accept the request' },
    );
    const { commandId, state, requiresApproval } = accepted.body.commands[0];
    const check = await h.request('POST', '/api/v1/commands/policy-check', {
      token: operator.access,
      body: { hostId: 'h-flow', argv: ['echo', 'hello'], reason: 'e2e' },
    });
    expect(check).toMatchObject({
      status: 200,
      body: { allowed: true, requiresApproval: false, hosts: [{ hostId: 'h-flow', allowed: true }] },
    });
    expect({ state, requiresApproval }).toEqual({ state: 'approved', requiresApproval: false });
    await waitFor(() => dispatched.find((d) => d.commandId === commandId), {
      timeoutMs: 20_000,
      what: 'the signed dispatch',
    });
    expect(dispatched.find((d) => d.commandId === commandId)?.argv).toEqual(['echo', 'hello']);

    // Same Idempotency-Key: same answer, no second command.
    const again = await h.request('POST', '/api/v1/commands', {
      token: operator.access,
      body: { hostId: 'h-flow', argv: ['echo', 'hello'], reason: 'e2e' },
      headers: { 'idempotency-key': 'flow-1' },
    });
    expect(again.body.commands[0].commandId).toBe(commandId);

    expect(await subscribe(socket, `command/${commandId}`)).toEqual({ ok: true });
    const output: { seq: number; text: string }[] = [];
    const states: { state: string }[] = [];
    socket.on('command.output', (o) => output.push(o));
    socket.on('command.state', (s) => states.push(s));
    // Until the gateway's live consumer has joined, records may predate its start offset: send
    // the agent's records only once the socket sees a probe chunk.
    const t = Date.now();
    const rec = async (name: string, value: Record<string, unknown>) => ({
      key: commandId,
      value: await codec.encode(
        'agent.command-output',
        name as 'nagare.command.CommandStarted',
        value as never,
      ),
    });
    const base = { commandId, hostId: 'h-flow', agentId: 'agent-flow' };
    const started = await rec('nagare.command.CommandStarted', {
      ...base,
      agentSequence: 1,
      pid: 77,
      startedAt: t,
    });
    await waitFor(
      async () => {
        // Resent until seen (the same record again is a no-op for the command service).
        await producer.send({ topic: 'agent.command-output', messages: [started] });
        return states.some((s) => s.state === 'running');
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'command.state running' },
    );
    const chunks = [];
    for (let seq = 0; seq < 20; seq++) {
      chunks.push(
        await rec('nagare.command.CommandOutputChunk', {
          ...base,
          agentSequence: 2 + seq,
          stream: 'STDOUT',
          seq,
          data: Buffer.from(`hello ${seq}\n`),
          at: t + seq,
        }),
      );
    }
    chunks.push(
      await rec('nagare.command.CommandFinished', {
        ...base,
        agentSequence: 30,
        status: 'COMPLETED',
        exitCode: 0,
        signal: null,
        durationMs: 25,
        truncated: false,
        reason: null,
        finishedAt: t + 25,
      }),
    );
    await producer.send({ topic: 'agent.command-output', messages: chunks });
    await waitFor(() => output.length === 20 && states.some((s) => s.state === 'completed'), {
      timeoutMs: 20_000,
      what: 'all output',
    });
    expect(output.map((o) => o.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(output.map((o) => o.text).join('')).toBe(
      Array.from({ length: 20 }, (_, i) => `hello ${i}\n`).join(''),
    );
  }, 90_000);
});
