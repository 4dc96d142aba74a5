import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCommandSigningKey, RecordCodec, signDispatch } from '@nagare/contracts';
import { tempDir, waitFor } from '@nagare/testkit';
import { MemoryDispatchHub } from '../ports/dispatch-source';
import { startTestIngest, type TestIngest } from '../testing/harness';

const root = path.join(__dirname, '..', '..', '..', '..');
const RUN_TS = path.join(root, 'tools', 'run-ts.cjs');
/** The real agent of agent/ (NAGARE_AGENT_MAIN points elsewhere, e.g. another checkout). */
const AGENT_MAIN = process.env.NAGARE_AGENT_MAIN ?? path.join(root, 'agent', 'src', 'main.ts');
const haveAgent = existsSync(AGENT_MAIN);
if (!haveAgent) console.warn(`skipping the real-agent end-to-end test: ${AGENT_MAIN} is not in this tree`);
const describeWithAgent = haveAgent ? describe : describe.skip;

function run(
  args: string[],
  cfg: string,
): { child: ChildProcess; exited: Promise<number | null>; out: () => string } {
  const child = spawn(process.execPath, [RUN_TS, AGENT_MAIN, '-c', cfg, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  child.stderr!.on('data', (c) => {
    out += c;
  });
  return { child, exited: new Promise((r) => child.on('exit', (code) => r(code))), out: () => out };
}

describeWithAgent('a real agent from agent/ through the ingest edge', () => {
  const dir = tempDir('nagare-ingest-agent-e2e-');
  const key = generateCommandSigningKey();
  const hub = new MemoryDispatchHub();
  let t: TestIngest;
  let agent: ReturnType<typeof run> | undefined;

  beforeAll(async () => {
    t = await startTestIngest({ signingPublicKey: key.publicKeyPem }, { dispatchSource: hub.source() });
  });
  afterAll(async () => {
    if (agent && agent.child.exitCode === null) {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
    await t.close();
    dir.cleanup();
  });

  it('enrolls, streams facts and metrics stamped with its host, and runs a signed dispatch', async () => {
    const cfg = path.join(dir.path, 'agent.yaml');
    writeFileSync(
      cfg,
      [
        `server: ${t.ingest.url}`,
        `dataDir: ${dir.path}`,
        'intervalSeconds: 0.5',
        'collectors: { smart: false, gpu: false, docker: false }',
      ].join('\n'),
    );
    const enroll = run(['enroll', '--token', t.identity.issueToken()], cfg);
    expect(await enroll.exited).toBe(0);
    const hostId = /for host (\S+);/.exec(enroll.out())?.[1];
    expect(hostId).toBeDefined();

    agent = run(['run'], cfg);
    const out = agent.out;
    await waitFor(
      async () =>
        (await t.values<{ hostId: string }>('telemetry.metrics')).filter((r) => r.key === hostId).length >= 2,
      { timeoutMs: 60_000, what: `metric batches from the agent (agent output: ${out().slice(-2000)})` },
    );
    const facts = await t.values<{ hostId: string }>('telemetry.inventory');
    expect(facts.length).toBeGreaterThanOrEqual(1);
    expect(facts.every((f) => f.value.hostId === hostId)).toBe(true);
    expect(t.sink.topic('telemetry.metrics.dlq')).toHaveLength(0);

    const codec = new RecordCodec(t.registry);
    const dispatch = signDispatch(
      {
        commandId: `cmd-${randomBytes(4).toString('hex')}`,
        hostId: hostId!,
        argv: ['echo', 'hello from nagare'],
        timeoutMs: 10_000,
        outputCapBytes: 4096,
        issuedAt: Date.now(),
        expiresAt: Date.now() + 60_000,
        nonce: randomBytes(8).toString('hex'),
      },
      key,
    );
    await hub.publish(
      hostId!,
      await codec.encode('agent.command-dispatch', 'nagare.command.CommandDispatch', dispatch),
    );
    const finished = await waitFor(
      async () =>
        (await t.values<{ commandId: string; hostId: string; status: string }>('agent.command-output')).find(
          (r) => r.name === 'nagare.command.CommandFinished' && r.value.commandId === dispatch.commandId,
        ),
      { timeoutMs: 60_000, what: `the command outcome (agent output: ${out().slice(-2000)})` },
    );
    expect(finished.key).toBe(dispatch.commandId);
    expect(finished.value.hostId).toBe(hostId);
    expect(finished.value.status).toBe('COMPLETED');
    const output = (await t.values<{ commandId: string; data: Buffer }>('agent.command-output'))
      .filter(
        (r) => r.name === 'nagare.command.CommandOutputChunk' && r.value.commandId === dispatch.commandId,
      )
      .map((r) => r.value.data.toString())
      .join('');
    expect(output).toBe('hello from nagare\n');

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  }, 150_000);
});
