import { agentActor, alice, bob, ctx, system, t0 } from '../testing/fixtures';
import { deciderSpec } from '../testing/given';
import {
  type CommandCommand,
  type CommandEvent,
  commandDecider,
  type RequestCommand,
} from './command.decider';

const given = deciderSpec(commandDecider);
const request: RequestCommand = {
  commandId: 'cmd-1',
  requestId: 'req-1',
  hostId: 'host-1',
  argv: ['systemctl', 'restart', 'nginx'],
  shell: false,
  cwd: null,
  env: {},
  timeoutMs: 60_000,
  outputCapBytes: 1 << 20,
  reason: 'nginx is stuck',
  requiresApproval: true,
  policy: 'risky-restart',
};
const requested: CommandEvent = { type: 'CommandRequested', data: request, actor: alice };
const requestedFree: CommandEvent = {
  type: 'CommandRequested',
  data: { ...request, requiresApproval: false },
  actor: alice,
};
const approved: CommandEvent = { type: 'CommandApproved', data: { commandId: 'cmd-1', comment: null } };
const dispatchedData = {
  commandId: 'cmd-1',
  hostId: 'host-1',
  expiresAt: t0 + 300_000,
  keyId: 'k1',
  nonce: 'n1',
  signature: Buffer.alloc(64, 1),
  issuedAt: t0,
};
const dispatched: CommandEvent = { type: 'CommandDispatched', data: dispatchedData };
const started: CommandEvent = {
  type: 'CommandStarted',
  data: { commandId: 'cmd-1', pid: 42, startedAt: t0 + 5 },
};
const asApprover = (actor = bob): CommandCommand =>
  ({
    ...ctx(actor, t0, ['approver']),
    type: 'ApproveCommand',
    commandId: 'cmd-1',
    comment: null,
  }) as CommandCommand;
const agent = ctx(agentActor);
const finished = (
  status: 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED' | 'REFUSED',
  exitCode: number | null,
) =>
  ({
    ...agent,
    type: 'RecordCommandFinished',
    commandId: 'cmd-1',
    hostId: 'host-1',
    status,
    exitCode,
    signal: null,
    durationMs: 800,
    truncated: false,
    reason: null,
  }) as const;

describe('Command decider', () => {
  it('records a request with the policy outcome', () => {
    given([])
      .when({ ...ctx(alice), type: 'RequestCommand', ...request })
      .then([{ type: 'CommandRequested', data: request }]);
  });

  it('refuses malformed requests', () => {
    const when = (over: Partial<RequestCommand>) =>
      given([]).when({ ...ctx(alice), type: 'RequestCommand', ...request, ...over });
    when({ argv: [] }).thenFails('ARGV_REQUIRED');
    when({ reason: '' }).thenFails('REASON_REQUIRED');
    when({ timeoutMs: 10 }).thenFails('INVALID_TIMEOUT');
    when({ outputCapBytes: 0 }).thenFails('INVALID_OUTPUT_CAP');
    when({ argv: ['a\0b'] }).thenFails('ARGV_INVALID');
    given([requested])
      .when({ ...ctx(alice), type: 'RequestCommand', ...request })
      .thenFails('COMMAND_EXISTS');
  });

  it('is approved by a different user with the approver role', () => {
    given([requested]).when(asApprover()).then([approved]);
  });

  it('refuses approval by the requester, even with the approver role', () => {
    given([requested]).when(asApprover(alice)).thenFails('SELF_APPROVAL');
  });

  it('refuses approval without the approver role', () => {
    given([requested])
      .when({ ...ctx(bob, t0, ['operator']), type: 'ApproveCommand', commandId: 'cmd-1', comment: null })
      .thenFails('APPROVER_ROLE_REQUIRED');
  });

  it('refuses approval of a command that does not need it or was already decided', () => {
    given([requestedFree]).when(asApprover()).thenFails('COMMAND_NOT_AWAITING_APPROVAL');
    given([requested, approved]).when(asApprover()).thenFails('COMMAND_NOT_AWAITING_APPROVAL');
    given([]).when(asApprover()).thenFails('COMMAND_NOT_FOUND');
  });

  it('is rejected by an approver with a reason', () => {
    given([requested])
      .when({
        ...ctx(bob, t0, ['approver']),
        type: 'RejectCommand',
        commandId: 'cmd-1',
        reason: 'not during peak',
      })
      .then([{ type: 'CommandRejected', data: { commandId: 'cmd-1', reason: 'not during peak' } }]);
    given([requested])
      .when({ ...ctx(alice, t0, ['approver']), type: 'RejectCommand', commandId: 'cmd-1', reason: 'x' })
      .thenFails('SELF_APPROVAL');
  });

  it('dispatches only when approved or approval-free', () => {
    const dispatch = { ...ctx(system), type: 'DispatchCommand' as const, ...dispatchedData };
    given([requested]).when(dispatch).thenFails('COMMAND_NOT_READY');
    given([requested, approved]).when(dispatch).then([dispatched]);
    given([requestedFree]).when(dispatch).then([dispatched]);
    given([requestedFree, dispatched]).when(dispatch).thenFails('COMMAND_NOT_READY');
    given([requestedFree])
      .when({ ...dispatch, hostId: 'host-2' })
      .thenFails('HOST_MISMATCH');
  });

  it('records start once and output chunks in sequence, ignoring redelivery', () => {
    given([requestedFree, dispatched])
      .when({
        ...agent,
        type: 'RecordCommandStarted',
        commandId: 'cmd-1',
        hostId: 'host-1',
        pid: 42,
        startedAt: t0 + 5,
      })
      .then([started]);
    given([requestedFree, dispatched, started])
      .when({
        ...agent,
        type: 'RecordCommandStarted',
        commandId: 'cmd-1',
        hostId: 'host-1',
        pid: 42,
        startedAt: t0 + 5,
      })
      .thenNothing();
    const chunk = {
      ...agent,
      type: 'RecordCommandOutput' as const,
      commandId: 'cmd-1',
      hostId: 'host-1',
      stream: 'STDOUT' as const,
      seq: 0,
      data: Buffer.from('ok\n'),
    };
    const recorded: CommandEvent = {
      type: 'CommandOutputRecorded',
      data: { commandId: 'cmd-1', stream: 'STDOUT', seq: 0, data: Buffer.from('ok\n') },
    };
    given([requestedFree, dispatched, started]).when(chunk).then([recorded]);
    given([requestedFree, dispatched, started, recorded]).when(chunk).thenNothing();
  });

  it('refuses reports from a host the command was not for', () => {
    given([requestedFree, dispatched])
      .when({
        ...agent,
        type: 'RecordCommandStarted',
        commandId: 'cmd-1',
        hostId: 'host-2',
        pid: 1,
        startedAt: t0,
      })
      .thenFails('HOST_MISMATCH');
    given([requestedFree, dispatched])
      .when({ ...finished('COMPLETED', 0), hostId: 'host-2' })
      .thenFails('HOST_MISMATCH');
  });

  it('refuses agent reports for a command never dispatched', () => {
    given([requested])
      .when({
        ...agent,
        type: 'RecordCommandStarted',
        commandId: 'cmd-1',
        hostId: 'host-1',
        pid: 1,
        startedAt: t0,
      })
      .thenFails('COMMAND_NOT_DISPATCHED');
    given([requested]).when(finished('COMPLETED', 0)).thenFails('COMMAND_NOT_DISPATCHED');
  });

  it('maps each outcome to its event and ignores outcomes after the command ended', () => {
    const base = [requestedFree, dispatched, started];
    given(base)
      .when(finished('COMPLETED', 0))
      .then([
        {
          type: 'CommandCompleted',
          data: { commandId: 'cmd-1', exitCode: 0, durationMs: 800, truncated: false },
        },
      ]);
    given(base)
      .when(finished('FAILED', 3))
      .then([
        {
          type: 'CommandFailed',
          data: { commandId: 'cmd-1', exitCode: 3, signal: null, durationMs: 800, reason: 'exit code 3' },
        },
      ]);
    given(base)
      .when(finished('TIMED_OUT', null))
      .then([{ type: 'CommandTimedOut', data: { commandId: 'cmd-1', timeoutMs: 60_000 } }]);
    given(base)
      .when(finished('REFUSED', null))
      .then([
        {
          type: 'CommandFailed',
          data: {
            commandId: 'cmd-1',
            exitCode: null,
            signal: null,
            durationMs: 800,
            reason: 'refused by the agent: no reason given',
          },
        },
      ]);
    given([...base, { type: 'CommandTimedOut', data: { commandId: 'cmd-1', timeoutMs: 60_000 } }])
      .when(finished('COMPLETED', 0))
      .thenNothing();
  });

  it('times out a dispatched command without an outcome, and not a finished one', () => {
    given([requestedFree, dispatched])
      .when({ ...ctx(system), type: 'TimeOutCommand', commandId: 'cmd-1' })
      .then([{ type: 'CommandTimedOut', data: { commandId: 'cmd-1', timeoutMs: 60_000 } }]);
    given([
      requestedFree,
      dispatched,
      {
        type: 'CommandCompleted',
        data: { commandId: 'cmd-1', exitCode: 0, durationMs: 1, truncated: false },
      },
    ])
      .when({ ...ctx(system), type: 'TimeOutCommand', commandId: 'cmd-1' })
      .thenNothing();
  });

  it('is cancelled by its requester or an approver, not by others, and not once finished', () => {
    const cancelled: CommandEvent = {
      type: 'CommandCancelled',
      data: { commandId: 'cmd-1', reason: 'wrong host' },
    };
    given([requested])
      .when({ ...ctx(alice), type: 'CancelCommand', commandId: 'cmd-1', reason: 'wrong host' })
      .then([cancelled]);
    given([requestedFree, dispatched])
      .when({
        ...ctx(bob, t0, ['approver']),
        type: 'CancelCommand',
        commandId: 'cmd-1',
        reason: 'wrong host',
      })
      .then([cancelled]);
    given([requested])
      .when({ ...ctx(bob), type: 'CancelCommand', commandId: 'cmd-1', reason: null })
      .thenFails('CANCEL_NOT_ALLOWED');
    given([requested, cancelled])
      .when({ ...ctx(alice), type: 'CancelCommand', commandId: 'cmd-1', reason: null })
      .thenFails('COMMAND_FINISHED');
  });
});
