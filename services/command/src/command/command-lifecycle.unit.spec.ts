import { RecordCodec, verifyCancelSignature, verifyDispatchSignature } from '@nagare/contracts';
import { HostService } from '../host/host.service';
import type { Role } from '../shared/decider';
import { DomainError } from '../shared/decider';
import { fromStoredData } from '../store/event-codec';
import { alice, bob, t0 } from '../testing/fixtures';
import { type Harness, hostFacts, startHarness } from '../testing/harness';
import { CommandSideViews } from '../views/command-side-views';
import { CommandLifecycle, dispatchFromEvents } from './command-lifecycle.service';

const as = (actor = alice, roles: Role[] = ['operator']) => ({ actor, roles, at: t0 });

async function withHosts(h: Harness, hosts: Record<string, Record<string, string>>) {
  for (const [hostId, labels] of Object.entries(hosts)) {
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts(hostId));
    await h.get(HostService).changeLabels(hostId, labels, as(alice, ['admin']));
  }
}

async function dispatches(h: Harness) {
  const codec = new RecordCodec(h.registry);
  return Promise.all(
    h.sink
      .on('agent.command-dispatch')
      .map(async (r) => ({ key: String(r.key), ...(await codec.decode(r.value)) })),
  );
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'ok';
};

describe('CommandLifecycle', () => {
  let h: Harness;
  let lifecycle: CommandLifecycle;
  beforeEach(async () => {
    h = await startHarness();
    lifecycle = h.get(CommandLifecycle);
    await withHosts(h, { 'web-1': { role: 'web' }, 'web-2': { role: 'web' }, 'db-1': { role: 'db' } });
  });
  afterEach(() => h.close());

  it('fans a request out to every host the selector matches and dispatches signed commands keyed by host', async () => {
    const { requestId, commands } = await lifecycle.request(
      { hostSelector: { role: 'web' }, argv: ['uptime'], reason: 'check load' },
      as(),
    );
    expect(commands.map((c) => c.hostId).sort()).toEqual(['web-1', 'web-2']);
    expect(commands.every((c) => !c.requiresApproval)).toBe(true);
    const sent = await dispatches(h);
    expect(sent.map((s) => s.key).sort()).toEqual(['web-1', 'web-2']);
    for (const s of sent) {
      expect(s.name).toBe('nagare.command.CommandDispatch');
      const d = s.value as Parameters<typeof verifyDispatchSignature>[0];
      expect(verifyDispatchSignature(d, h.key.publicKeyPem)).toBe(true);
      expect(d.expiresAt).toBe(t0 + 300_000);
      expect(verifyDispatchSignature({ ...d, argv: ['reboot'] }, h.key.publicKeyPem)).toBe(false);
    }
    const events = await h.store.readAll({ category: 'command' });
    expect(events.map((e) => e.type)).toEqual([
      'CommandRequested',
      'CommandDispatched',
      'CommandRequested',
      'CommandDispatched',
    ]);
    expect(events.every((e) => e.metadata.correlationId === requestId)).toBe(true);
  });

  it('keeps what an auditor needs to verify the signature from the events alone', async () => {
    const { commands } = await lifecycle.request(
      { hostIds: ['web-1'], argv: ['uptime'], reason: 'audit me' },
      as(),
    );
    const events = await h.store.readStream(`command-${commands[0]!.commandId}`);
    const data = (type: string) => fromStoredData(type, events.find((e) => e.type === type)!.data) as never;
    const rebuilt = dispatchFromEvents(data('CommandRequested'), data('CommandDispatched'))!;
    expect(verifyDispatchSignature(rebuilt, h.key.publicKeyPem)).toBe(true);
    expect(verifyDispatchSignature({ ...rebuilt, argv: ['rm', '-rf', '/'] }, h.key.publicKeyPem)).toBe(false);
  });

  it('refuses the whole request when policy denies one host, before appending anything', async () => {
    expect(
      await codeOf(
        lifecycle.request({ hostIds: ['web-1'], argv: ['uptime'], reason: 'x' }, as(alice, ['viewer'])),
      ),
    ).toBe('POLICY_DENIED');
    expect(
      await codeOf(lifecycle.request({ hostIds: ['web-1', 'nope'], argv: ['uptime'], reason: 'x' }, as())),
    ).toBe('HOST_NOT_FOUND');
    expect(
      await codeOf(
        lifecycle.request({ hostSelector: { role: 'none' }, argv: ['uptime'], reason: 'x' }, as()),
      ),
    ).toBe('NO_TARGET_HOSTS');
    expect(await codeOf(lifecycle.request({ argv: ['uptime'], reason: 'x' }, as()))).toBe('TARGET_REQUIRED');
    expect(await h.types('command')).toEqual([]);
  });

  it('holds a risky command for approval by another approver, then dispatches it', async () => {
    const { commands } = await lifecycle.request(
      { hostIds: ['db-1'], argv: ['systemctl', 'restart', 'postgresql'], reason: 'hung' },
      as(),
    );
    const [cmd] = commands;
    expect(cmd!.requiresApproval).toBe(true);
    expect(h.sink.on('agent.command-dispatch')).toHaveLength(0);
    expect(await codeOf(lifecycle.approve(cmd!.commandId, null, as(alice, ['approver'])))).toBe(
      'SELF_APPROVAL',
    );
    expect(await codeOf(lifecycle.approve(cmd!.commandId, null, as(bob, ['operator'])))).toBe(
      'APPROVER_ROLE_REQUIRED',
    );
    await lifecycle.approve(cmd!.commandId, 'go', as(bob, ['approver']));
    expect((await dispatches(h)).map((d) => d.key)).toEqual(['db-1']);
    expect(await h.types('command')).toEqual(['CommandRequested', 'CommandApproved', 'CommandDispatched']);
  });

  it('records start, output and completion from agent.command-output', async () => {
    const { commands } = await lifecycle.request({ hostIds: ['web-1'], argv: ['uptime'], reason: 'x' }, as());
    const commandId = commands[0]!.commandId;
    const agent = { hostId: 'web-1', agentId: 'agent-web-1' };
    await h.feed('agent.command-output', 'nagare.command.CommandStarted', {
      commandId,
      ...agent,
      agentSequence: 5,
      pid: 7,
      startedAt: t0 + 1,
    });
    for (const seq of [0, 1, 1]) {
      await h.feed('agent.command-output', 'nagare.command.CommandOutputChunk', {
        commandId,
        ...agent,
        agentSequence: 6 + seq,
        stream: 'STDOUT',
        seq,
        data: Buffer.from(`line ${seq}\n`),
        at: t0 + 2,
      });
    }
    await h.feed('agent.command-output', 'nagare.command.CommandFinished', {
      commandId,
      ...agent,
      agentSequence: 9,
      status: 'COMPLETED',
      exitCode: 0,
      durationMs: 40,
      finishedAt: t0 + 50,
    });
    expect(await h.types('command')).toEqual([
      'CommandRequested',
      'CommandDispatched',
      'CommandStarted',
      'CommandOutputRecorded',
      'CommandOutputRecorded',
      'CommandCompleted',
    ]);
    const output = (await h.store.readStream(`command-${commandId}`)).filter(
      (e) => e.type === 'CommandOutputRecorded',
    );
    expect(Buffer.from((output[1]!.data as { data: string }).data, 'base64').toString()).toBe('line 1\n');
    expect(h.get(CommandSideViews).openCommands.size).toBe(0);
  });

  it('refuses output reported by another host (dead-lettered)', async () => {
    const { commands } = await lifecycle.request({ hostIds: ['web-1'], argv: ['uptime'], reason: 'x' }, as());
    const r = await h.feed('agent.command-output', 'nagare.command.CommandStarted', {
      commandId: commands[0]!.commandId,
      hostId: 'web-2',
      agentId: 'agent-web-2',
      agentSequence: 1,
      pid: 1,
      startedAt: t0,
    });
    expect(r).toBe('dead-lettered');
  });

  it('times out a dispatched command with no outcome; the timers are rebuilt after a restart', async () => {
    const { commands } = await lifecycle.request(
      { hostIds: ['web-1'], argv: ['uptime'], reason: 'x', timeoutMs: 10_000 },
      as(),
    );
    const commandId = commands[0]!.commandId;
    await h.feed('agent.command-output', 'nagare.command.CommandStarted', {
      commandId,
      hostId: 'web-1',
      agentId: 'a',
      agentSequence: 1,
      pid: 1,
      startedAt: t0,
    });
    await h.close();
    // Restart on the same store: the open command's deadline is rebuilt from its events.
    h = await startHarness({ store: h.store, registry: h.registry, clock: h.clock, key: h.key });
    await h.tick(t0 + 10_000 + 29_000);
    expect((await h.types('command')).at(-1)).toBe('CommandStarted');
    await h.tick(t0 + 10_000 + 30_000);
    expect((await h.types('command')).at(-1)).toBe('CommandTimedOut');
    await h.tick(t0 + 100_000);
    expect((await h.types('command')).filter((t) => t === 'CommandTimedOut')).toHaveLength(1);
  });

  it('dispatches after a restart what was approved but never sent', async () => {
    const { commands } = await lifecycle.request(
      { hostIds: ['db-1'], argv: ['reboot'], reason: 'kernel' },
      as(),
    );
    const commandId = commands[0]!.commandId;
    // Approval appended, but the process died before dispatching.
    await h.store.append(`command-${commandId}`, 'any', [
      { type: 'CommandApproved', data: { commandId, comment: null } },
    ]);
    await h.close();
    h = await startHarness({ store: h.store, registry: h.registry, clock: h.clock, key: h.key });
    expect((await dispatches(h)).map((d) => d.key)).toEqual(['db-1']);
  });

  it('same idempotency key, same request: no second append, no second dispatch', async () => {
    const input = { hostSelector: { role: 'web' }, argv: ['uptime'], reason: 'x' };
    const first = await lifecycle.request(input, as(), { idempotencyKey: 'req-42' });
    const second = await lifecycle.request(input, as(), { idempotencyKey: 'req-42' });
    expect(second).toEqual(first);
    expect(await h.types('command')).toHaveLength(4);
    expect(h.sink.on('agent.command-dispatch')).toHaveLength(2);
  });

  it('cancels a running command and sends a signed cancel to its host', async () => {
    const { commands } = await lifecycle.request(
      { hostIds: ['web-1'], argv: ['sleep', '100'], reason: 'x' },
      as(),
    );
    await lifecycle.cancel(commands[0]!.commandId, 'wrong host', as());
    const sent = await dispatches(h);
    expect(sent.map((s) => s.name)).toEqual([
      'nagare.command.CommandDispatch',
      'nagare.command.CommandCancel',
    ]);
    expect(
      verifyCancelSignature(
        sent[1]!.value as Parameters<typeof verifyCancelSignature>[0],
        h.key.publicKeyPem,
      ),
    ).toBe(true);
    expect((await h.types('command')).at(-1)).toBe('CommandCancelled');
  });

  it('records a failure when the dispatch cannot be delivered', async () => {
    h.sink.failNext = 3;
    await lifecycle.request({ hostIds: ['web-1'], argv: ['uptime'], reason: 'x' }, as());
    expect(await h.types('command')).toEqual(['CommandRequested', 'CommandDispatched', 'CommandFailed']);
  });
});
