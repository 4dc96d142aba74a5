import type {
  Actor,
  CommandApproved,
  CommandCancelled,
  CommandCompleted,
  CommandDispatched,
  CommandFailed,
  CommandFinished,
  CommandOutputRecorded,
  CommandRejected,
  CommandRequested,
  CommandStartedEvent,
  CommandTimedOut,
  OutputStream,
} from '@nagare/contracts';
import {
  type CommandContext,
  type Decider,
  DomainError,
  type DomainEvent,
  type EventData,
} from '../shared/decider';

export type CommandEvent =
  | DomainEvent<'CommandRequested', EventData<CommandRequested>>
  | DomainEvent<'CommandApproved', EventData<CommandApproved>>
  | DomainEvent<'CommandRejected', EventData<CommandRejected>>
  | DomainEvent<'CommandDispatched', EventData<CommandDispatched>>
  | DomainEvent<'CommandStarted', EventData<CommandStartedEvent>>
  | DomainEvent<'CommandOutputRecorded', EventData<CommandOutputRecorded>>
  | DomainEvent<'CommandCompleted', EventData<CommandCompleted>>
  | DomainEvent<'CommandFailed', EventData<CommandFailed>>
  | DomainEvent<'CommandTimedOut', EventData<CommandTimedOut>>
  | DomainEvent<'CommandCancelled', EventData<CommandCancelled>>;

export type RequestCommand = EventData<CommandRequested>;

export type CommandCommand = CommandContext &
  (
    | ({ type: 'RequestCommand' } & RequestCommand)
    | { type: 'ApproveCommand'; commandId: string; comment: string | null }
    | { type: 'RejectCommand'; commandId: string; reason: string }
    | ({ type: 'DispatchCommand' } & EventData<CommandDispatched>)
    // Agent reports carry the host the ingest edge authenticated: only that host may report.
    | {
        type: 'RecordCommandStarted';
        commandId: string;
        hostId: string;
        pid: number | null;
        startedAt: number;
      }
    | {
        type: 'RecordCommandOutput';
        commandId: string;
        hostId: string;
        stream: OutputStream;
        seq: number;
        data: Buffer;
      }
    | ({ type: 'RecordCommandFinished' } & Pick<
        CommandFinished,
        'commandId' | 'hostId' | 'status' | 'exitCode' | 'signal' | 'durationMs' | 'truncated' | 'reason'
      >)
    | { type: 'TimeOutCommand'; commandId: string }
    | { type: 'CancelCommand'; commandId: string; reason: string | null }
  );

export type CommandStatus =
  | 'none'
  | 'awaiting_approval'
  | 'ready'
  | 'rejected'
  | 'dispatched'
  | 'started'
  | 'completed'
  | 'failed'
  | 'timed_out'
  | 'cancelled';

export interface CommandState {
  status: CommandStatus;
  request: RequestCommand | null;
  requestedBy: Actor | null;
  /** The agent refuses to start it after this instant, so an outcome is due by this + timeoutMs. */
  dispatchExpiresAt: number | null;
  lastOutputSeq: number;
}

export const commandStreamId = (commandId: string): string => `command-${commandId}`;

export const TERMINAL: ReadonlySet<CommandStatus> = new Set([
  'rejected',
  'completed',
  'failed',
  'timed_out',
  'cancelled',
]);
const RUNNING: ReadonlySet<CommandStatus> = new Set(['dispatched', 'started']);

export const COMMAND_LIMITS = {
  minTimeoutMs: 1_000,
  maxTimeoutMs: 24 * 3_600_000,
  maxOutputCapBytes: 64 * 1024 * 1024,
  maxArgs: 256,
  maxArgLength: 8_192,
};

function requireExists(state: CommandState, commandId: string): void {
  if (state.status === 'none')
    throw new DomainError('COMMAND_NOT_FOUND', `command ${commandId} does not exist`);
}

function requireReportingHost(state: CommandState, command: { commandId: string; hostId: string }): void {
  requireExists(state, command.commandId);
  if (state.request!.hostId !== command.hostId) {
    throw new DomainError(
      'HOST_MISMATCH',
      `host ${command.hostId} reported on command ${command.commandId} of another host`,
    );
  }
}

function validateRequest(r: RequestCommand): void {
  if (r.argv.length === 0 || !r.argv[0])
    throw new DomainError('ARGV_REQUIRED', 'a command needs a program to run');
  if (r.argv.length > COMMAND_LIMITS.maxArgs || r.argv.some((a) => a.length > COMMAND_LIMITS.maxArgLength)) {
    throw new DomainError('ARGV_TOO_LONG', 'too many or too long arguments');
  }
  if (r.argv.some((a) => a.includes('\0')))
    throw new DomainError('ARGV_INVALID', 'arguments may not contain NUL');
  if (!r.reason.trim()) throw new DomainError('REASON_REQUIRED', 'say why the command must run');
  if (!r.hostId) throw new DomainError('HOST_REQUIRED', 'a command runs on one host');
  if (
    !Number.isInteger(r.timeoutMs) ||
    r.timeoutMs < COMMAND_LIMITS.minTimeoutMs ||
    r.timeoutMs > COMMAND_LIMITS.maxTimeoutMs
  ) {
    throw new DomainError(
      'INVALID_TIMEOUT',
      `timeout must be ${COMMAND_LIMITS.minTimeoutMs}..${COMMAND_LIMITS.maxTimeoutMs} ms`,
    );
  }
  if (
    !Number.isInteger(r.outputCapBytes) ||
    r.outputCapBytes < 1 ||
    r.outputCapBytes > COMMAND_LIMITS.maxOutputCapBytes
  ) {
    throw new DomainError(
      'INVALID_OUTPUT_CAP',
      `output cap must be 1..${COMMAND_LIMITS.maxOutputCapBytes} bytes`,
    );
  }
}

/** Approval needs a second person: a different user holding the approver role. */
function requireApprover(
  command: CommandContext & { commandId: string },
  state: CommandState,
  verb: string,
): void {
  requireExists(state, command.commandId);
  if (state.status !== 'awaiting_approval') {
    throw new DomainError(
      'COMMAND_NOT_AWAITING_APPROVAL',
      `command ${command.commandId} is ${state.status}; cannot ${verb} it`,
    );
  }
  if (command.actor.kind !== 'USER' || !command.roles?.includes('approver')) {
    throw new DomainError(
      'APPROVER_ROLE_REQUIRED',
      `only a user with the approver role may ${verb} commands`,
    );
  }
  if (state.requestedBy && state.requestedBy.id === command.actor.id) {
    throw new DomainError('SELF_APPROVAL', `the requester cannot ${verb} their own command`);
  }
}

export const commandDecider: Decider<CommandCommand, CommandEvent, CommandState> = {
  initialState: () => ({
    status: 'none',
    request: null,
    requestedBy: null,
    dispatchExpiresAt: null,
    lastOutputSeq: -1,
  }),

  decide(command, state) {
    switch (command.type) {
      case 'RequestCommand': {
        const { type: _t, actor: _a, roles: _r, at: _at, ...request } = command;
        if (state.status !== 'none')
          throw new DomainError('COMMAND_EXISTS', `command ${command.commandId} already exists`);
        validateRequest(request);
        return [{ type: 'CommandRequested', data: request }];
      }
      case 'ApproveCommand':
        requireApprover(command, state, 'approve');
        return [
          { type: 'CommandApproved', data: { commandId: command.commandId, comment: command.comment } },
        ];
      case 'RejectCommand':
        requireApprover(command, state, 'reject');
        if (!command.reason.trim())
          throw new DomainError('REASON_REQUIRED', 'say why the command is rejected');
        return [{ type: 'CommandRejected', data: { commandId: command.commandId, reason: command.reason } }];
      case 'DispatchCommand': {
        requireExists(state, command.commandId);
        if (state.status !== 'ready') {
          throw new DomainError(
            'COMMAND_NOT_READY',
            `command ${command.commandId} is ${state.status}; cannot dispatch it`,
          );
        }
        if (command.hostId !== state.request!.hostId)
          throw new DomainError('HOST_MISMATCH', 'dispatch names another host');
        const { type: _t, actor: _a, roles: _r, at: _at, ...dispatched } = command;
        return [{ type: 'CommandDispatched', data: dispatched }];
      }
      case 'RecordCommandStarted': {
        requireReportingHost(state, command);
        if (state.status === 'dispatched') {
          return [
            {
              type: 'CommandStarted',
              data: { commandId: command.commandId, pid: command.pid, startedAt: command.startedAt },
            },
          ];
        }
        if (state.status === 'started' || TERMINAL.has(state.status)) return []; // redelivery or late report
        throw new DomainError('COMMAND_NOT_DISPATCHED', `command ${command.commandId} was never dispatched`);
      }
      case 'RecordCommandOutput': {
        requireReportingHost(state, command);
        if (command.seq <= state.lastOutputSeq) return []; // redelivered chunk
        // Output that arrives after a timeout or cancel still belongs to the audit trail.
        if (RUNNING.has(state.status) || state.status === 'timed_out' || state.status === 'cancelled') {
          return [
            {
              type: 'CommandOutputRecorded',
              data: {
                commandId: command.commandId,
                stream: command.stream,
                seq: command.seq,
                data: command.data,
              },
            },
          ];
        }
        if (TERMINAL.has(state.status)) return [];
        throw new DomainError('COMMAND_NOT_DISPATCHED', `command ${command.commandId} was never dispatched`);
      }
      case 'RecordCommandFinished': {
        requireReportingHost(state, command);
        if (TERMINAL.has(state.status)) return []; // already decided (redelivery, or timed out / cancelled first)
        if (!RUNNING.has(state.status)) {
          throw new DomainError(
            'COMMAND_NOT_DISPATCHED',
            `command ${command.commandId} was never dispatched`,
          );
        }
        const { commandId, exitCode, signal, durationMs, truncated, reason } = command;
        switch (command.status) {
          case 'COMPLETED':
            return [
              {
                type: 'CommandCompleted',
                data: { commandId, exitCode: exitCode ?? 0, durationMs, truncated },
              },
            ];
          case 'TIMED_OUT':
            return [{ type: 'CommandTimedOut', data: { commandId, timeoutMs: state.request!.timeoutMs } }];
          case 'CANCELLED':
            return [
              { type: 'CommandCancelled', data: { commandId, reason: reason ?? 'cancelled on the host' } },
            ];
          case 'FAILED':
          case 'REFUSED':
            return [
              {
                type: 'CommandFailed',
                data: {
                  commandId,
                  exitCode,
                  signal,
                  durationMs,
                  reason:
                    command.status === 'REFUSED'
                      ? `refused by the agent: ${reason ?? 'no reason given'}`
                      : (reason ??
                        (exitCode !== null ? `exit code ${exitCode}` : `signal ${signal ?? 'unknown'}`)),
                },
              },
            ];
        }
        return [];
      }
      case 'TimeOutCommand':
        requireExists(state, command.commandId);
        if (!RUNNING.has(state.status)) return []; // an outcome arrived first
        return [
          {
            type: 'CommandTimedOut',
            data: { commandId: command.commandId, timeoutMs: state.request!.timeoutMs },
          },
        ];
      case 'CancelCommand': {
        requireExists(state, command.commandId);
        if (TERMINAL.has(state.status)) {
          throw new DomainError(
            'COMMAND_FINISHED',
            `command ${command.commandId} is already ${state.status}`,
          );
        }
        const mayCancel =
          state.requestedBy?.id === command.actor.id ||
          command.roles?.includes('approver') ||
          command.roles?.includes('admin');
        if (!mayCancel)
          throw new DomainError(
            'CANCEL_NOT_ALLOWED',
            'only the requester, an approver or an admin may cancel',
          );
        return [{ type: 'CommandCancelled', data: { commandId: command.commandId, reason: command.reason } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'CommandRequested':
        return {
          ...state,
          status: event.data.requiresApproval ? 'awaiting_approval' : 'ready',
          request: event.data,
          requestedBy: event.actor ?? null,
        };
      case 'CommandApproved':
        return { ...state, status: 'ready' };
      case 'CommandRejected':
        return { ...state, status: 'rejected' };
      case 'CommandDispatched':
        return { ...state, status: 'dispatched', dispatchExpiresAt: event.data.expiresAt };
      case 'CommandStarted':
        return { ...state, status: 'started' };
      case 'CommandOutputRecorded':
        return { ...state, lastOutputSeq: Math.max(state.lastOutputSeq, event.data.seq) };
      case 'CommandCompleted':
        return { ...state, status: 'completed' };
      case 'CommandFailed':
        return { ...state, status: 'failed' };
      case 'CommandTimedOut':
        return { ...state, status: 'timed_out' };
      case 'CommandCancelled':
        return { ...state, status: 'cancelled' };
    }
  },
};
