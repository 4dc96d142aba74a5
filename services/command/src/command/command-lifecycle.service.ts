import { randomBytes } from 'node:crypto';
import {
  type CommandDispatch,
  type CommandDispatched,
  type CommandFinished,
  type CommandOutputChunk,
  type CommandRequested,
  type CommandSigningKey,
  type CommandStarted,
  RecordCodec,
  signCancel,
  signDispatch,
} from '@nagare/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../alert/alert.service';
import { CONFIG, type CommandServiceConfig } from '../config/config';
import { Aggregates } from '../cqrs/aggregates';
import { Clock } from '../io/clock';
import type { RecordSink } from '../io/record-sink';
import { RECORD_SINK } from '../io/tokens';
import { CommandPolicy } from '../policy/command-policy';
import { type CommandContext, DomainError, type EventData } from '../shared/decider';
import { selectorMatches } from '../shared/matchers';
import { AggregateStore, type HandleOptions } from '../store/aggregate-store';
import { uuidFromParts, uuidv7 } from '../store/uuid';
import { CommandSideViews, type HostView } from '../views/command-side-views';
import { commandDecider, commandStreamId } from './command.decider';

export const SIGNING_KEY = Symbol('CommandSigningKey');

/**
 * The signed CommandDispatch as it was sent, rebuilt from the command's events (auditors verify
 * its signature with the platform's public key); null when the dispatch predates `issuedAt`.
 */
export function dispatchFromEvents(
  request: EventData<CommandRequested>,
  dispatched: EventData<CommandDispatched>,
): CommandDispatch | null {
  if (dispatched.issuedAt === null) return null;
  return {
    commandId: request.commandId,
    hostId: request.hostId,
    argv: request.argv,
    shell: request.shell,
    cwd: request.cwd,
    env: request.env,
    timeoutMs: request.timeoutMs,
    outputCapBytes: request.outputCapBytes,
    issuedAt: dispatched.issuedAt,
    expiresAt: dispatched.expiresAt,
    nonce: dispatched.nonce,
    keyId: dispatched.keyId,
    signature: dispatched.signature,
  };
}
export const DISPATCH_TOPIC = 'agent.command-dispatch';

export interface CommandRequestInput {
  /** Exactly one of hostIds and hostSelector. */
  hostIds?: string[] | undefined;
  hostSelector?: Record<string, string> | undefined;
  argv: string[];
  shell?: boolean | undefined;
  cwd?: string | null | undefined;
  env?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
  outputCapBytes?: number | undefined;
  reason: string;
}

export interface RequestedCommand {
  commandId: string;
  hostId: string;
  policy: string;
  requiresApproval: boolean;
}

/**
 * Command lifecycle: request (fan-out, policy) → approval → signed dispatch on
 * agent.command-dispatch → outcome from agent.command-output → timeout when none arrives.
 */
@Injectable()
export class CommandLifecycle {
  private readonly log = new Logger(CommandLifecycle.name);

  constructor(
    private readonly aggregates: Aggregates,
    private readonly store: AggregateStore,
    private readonly views: CommandSideViews,
    private readonly policy: CommandPolicy,
    private readonly codec: RecordCodec,
    private readonly clock: Clock,
    @Inject(RECORD_SINK) private readonly sink: RecordSink,
    @Inject(SIGNING_KEY) private readonly signingKey: CommandSigningKey | null,
    @Inject(CONFIG) private readonly config: CommandServiceConfig,
  ) {}

  async request(input: CommandRequestInput, c: CommandContext, o: HandleOptions = {}) {
    const hosts = this.targets(input);
    const shell = input.shell ?? false;
    // Policy first, for every host: a request is refused as a whole, never half fanned out.
    const decisions = hosts.map((h) => ({
      host: h,
      ...this.policy.evaluate({ roles: c.roles ?? [], argv: input.argv, shell, hostLabels: h.labels }),
    }));
    const key = o.idempotencyKey;
    const requestId = key ? uuidFromParts('request', c.actor.kind, c.actor.id, key) : uuidv7(c.at);
    const commands: RequestedCommand[] = [];
    for (const d of decisions) {
      const commandId = key
        ? uuidFromParts('command', c.actor.kind, c.actor.id, key, d.host.hostId)
        : uuidv7(c.at);
      const result = await this.aggregates.command(
        {
          ...c,
          type: 'RequestCommand',
          commandId,
          requestId,
          hostId: d.host.hostId,
          argv: input.argv,
          shell,
          cwd: input.cwd ?? null,
          env: input.env ?? {},
          timeoutMs: input.timeoutMs ?? this.config.defaultTimeoutMs,
          outputCapBytes: input.outputCapBytes ?? this.config.defaultOutputCapBytes,
          reason: input.reason,
          requiresApproval: d.requiresApproval,
          policy: d.policy,
        },
        { ...o, correlationId: o.correlationId ?? requestId },
      );
      commands.push({
        commandId,
        hostId: d.host.hostId,
        policy: d.policy,
        requiresApproval: d.requiresApproval,
      });
      if (result.state.status === 'ready') await this.dispatch(commandId, requestId);
    }
    return { requestId, commands };
  }

  /** What the policy would say for this request on each target host, without requesting anything. */
  checkPolicy(input: CommandRequestInput, c: CommandContext) {
    const hosts = this.targets(input);
    const results = hosts.map((h) => {
      try {
        const d = this.policy.evaluate({
          roles: c.roles ?? [],
          argv: input.argv,
          shell: input.shell ?? false,
          hostLabels: h.labels,
        });
        return {
          hostId: h.hostId,
          allowed: true,
          policy: d.policy,
          requiresApproval: d.requiresApproval,
          reason: null,
        };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return {
          hostId: h.hostId,
          allowed: false,
          policy: null,
          requiresApproval: false,
          reason: err.message,
        };
      }
    });
    return {
      allowed: results.every((r) => r.allowed),
      requiresApproval: results.some((r) => r.requiresApproval),
      hosts: results,
    };
  }

  async approve(commandId: string, comment: string | null, c: CommandContext, o?: HandleOptions) {
    const result = await this.aggregates.command({ ...c, type: 'ApproveCommand', commandId, comment }, o);
    if (result.state.status === 'ready') await this.dispatch(commandId, o?.correlationId);
    return result;
  }

  reject(commandId: string, reason: string, c: CommandContext, o?: HandleOptions) {
    return this.aggregates.command({ ...c, type: 'RejectCommand', commandId, reason }, o);
  }

  async cancel(commandId: string, reason: string | null, c: CommandContext, o?: HandleOptions) {
    const before = await this.store.load(commandDecider, commandStreamId(commandId));
    const result = await this.aggregates.command({ ...c, type: 'CancelCommand', commandId, reason }, o);
    const running = before.state.status === 'dispatched' || before.state.status === 'started';
    if (running && !result.replayed && result.events.length > 0 && this.signingKey) {
      const now = this.clock.now();
      const cancel = signCancel(
        {
          commandId,
          hostId: before.state.request!.hostId,
          issuedAt: now,
          expiresAt: now + this.config.dispatchTtlMs,
          nonce: randomBytes(16).toString('hex'),
        },
        this.signingKey,
      );
      const value = await this.codec.encode(DISPATCH_TOPIC, 'nagare.command.CommandCancel', cancel);
      await this.deliver({ key: cancel.hostId, value }).catch((err: Error) => {
        // Recorded as cancelled; the agent still stops it at its own timeout.
        this.log.warn(`cancel of ${commandId} not delivered: ${err.message}`);
      });
    }
    return result;
  }

  /** Signs and sends a ready command: CommandDispatched is appended first, so a cancelled command is never sent. */
  async dispatch(commandId: string, correlationId?: string): Promise<boolean> {
    const { state } = await this.store.load(commandDecider, commandStreamId(commandId));
    if (state.status !== 'ready') return false;
    if (!this.signingKey)
      throw new DomainError('SIGNING_KEY_MISSING', 'no command signing key is configured');
    const r = state.request!;
    const now = this.clock.now();
    const signed = signDispatch(
      {
        commandId,
        hostId: r.hostId,
        argv: r.argv,
        shell: r.shell,
        cwd: r.cwd,
        env: r.env,
        timeoutMs: r.timeoutMs,
        outputCapBytes: r.outputCapBytes,
        issuedAt: now,
        expiresAt: now + this.config.dispatchTtlMs,
        nonce: randomBytes(16).toString('hex'),
      },
      this.signingKey,
    );
    const result = await this.aggregates.command(
      {
        actor: SYSTEM_ACTOR,
        at: now,
        type: 'DispatchCommand',
        commandId,
        hostId: r.hostId,
        expiresAt: signed.expiresAt,
        keyId: signed.keyId,
        nonce: signed.nonce,
        signature: signed.signature,
        issuedAt: signed.issuedAt,
      },
      { causationId: `command:${commandId}`, ...(correlationId && { correlationId }) },
    );
    if (result.events.length === 0) return false;
    const value = await this.codec.encode(DISPATCH_TOPIC, 'nagare.command.CommandDispatch', signed);
    try {
      await this.deliver({ key: r.hostId, value });
      return true;
    } catch (err) {
      await this.aggregates.command({
        actor: SYSTEM_ACTOR,
        at: this.clock.now(),
        type: 'RecordCommandFinished',
        commandId,
        hostId: r.hostId,
        status: 'FAILED',
        exitCode: null,
        signal: null,
        durationMs: 0,
        truncated: false,
        reason: `dispatch could not be delivered: ${(err as Error).message}`,
      });
      return false;
    }
  }

  recordStarted(s: CommandStarted, causationId: string) {
    return this.aggregates.command(
      {
        ...this.agent(s.agentId),
        type: 'RecordCommandStarted',
        commandId: s.commandId,
        hostId: s.hostId,
        pid: s.pid,
        startedAt: s.startedAt,
      },
      { causationId },
    );
  }

  recordOutput(chunk: CommandOutputChunk, causationId: string) {
    return this.aggregates.command(
      {
        ...this.agent(chunk.agentId),
        type: 'RecordCommandOutput',
        commandId: chunk.commandId,
        hostId: chunk.hostId,
        stream: chunk.stream,
        seq: chunk.seq,
        data: chunk.data,
      },
      { causationId },
    );
  }

  recordFinished(f: CommandFinished, causationId: string) {
    return this.aggregates.command(
      {
        ...this.agent(f.agentId),
        type: 'RecordCommandFinished',
        commandId: f.commandId,
        hostId: f.hostId,
        status: f.status,
        exitCode: f.exitCode,
        signal: f.signal,
        durationMs: f.durationMs,
        truncated: f.truncated,
        reason: f.reason,
      },
      { causationId },
    );
  }

  /**
   * Timer: a dispatched command the agent never started is dead once the dispatch expired; a
   * started one once its own timeout passed. Both get a grace for clock skew and transit.
   */
  async tick(now = this.clock.now()): Promise<void> {
    const grace = this.config.timeoutGraceMs;
    for (const c of [...this.views.openCommands.values()]) {
      let deadline: number | null = null;
      if (c.status === 'dispatched' && c.dispatchExpiresAt !== null)
        deadline = c.dispatchExpiresAt + c.timeoutMs + grace;
      if (c.status === 'started' && c.startedAt !== null) deadline = c.startedAt + c.timeoutMs + grace;
      if (deadline === null || now < deadline) continue;
      await this.aggregates
        .command({ actor: SYSTEM_ACTOR, at: now, type: 'TimeOutCommand', commandId: c.commandId })
        .catch((err: Error) => this.log.warn(`could not time out ${c.commandId}: ${err.message}`));
    }
  }

  /** Restart: commands approved (or approval-free) but not yet dispatched are dispatched now. */
  async recover(): Promise<number> {
    let n = 0;
    for (const c of [...this.views.openCommands.values()]) {
      if (c.status !== 'ready') continue;
      try {
        if (await this.dispatch(c.commandId)) n++;
      } catch (err) {
        this.log.error(`could not dispatch ${c.commandId} on start: ${(err as Error).message}`);
      }
    }
    return n;
  }

  private targets(input: CommandRequestInput): HostView[] {
    const hasIds = (input.hostIds?.length ?? 0) > 0;
    const hasSelector = input.hostSelector !== undefined && Object.keys(input.hostSelector).length > 0;
    if (hasIds === hasSelector) {
      throw new DomainError(
        'TARGET_REQUIRED',
        'name the hosts either by id or by a non-empty label selector',
      );
    }
    let hosts: HostView[];
    if (hasIds) {
      hosts = [...new Set(input.hostIds)].map((id) => {
        const h = this.views.hosts.get(id);
        if (!h || h.status === 'decommissioned')
          throw new DomainError('HOST_NOT_FOUND', `host ${id} is not registered`);
        return h;
      });
    } else {
      hosts = [...this.views.hosts.values()].filter(
        (h) => h.status !== 'decommissioned' && selectorMatches(input.hostSelector!, h.labels),
      );
      if (hosts.length === 0)
        throw new DomainError('NO_TARGET_HOSTS', 'no registered host matches the selector');
    }
    if (hosts.length > this.config.maxFanOut) {
      throw new DomainError(
        'FAN_OUT_TOO_LARGE',
        `${hosts.length} hosts; at most ${this.config.maxFanOut} per request`,
      );
    }
    return hosts;
  }

  private agent(agentId: string): CommandContext {
    return { actor: { kind: 'AGENT', id: agentId, name: null }, at: this.clock.now() };
  }

  /** Bounded retries with backoff: a broker blip must not fail a dispatch. */
  private async deliver(record: { key: string; value: Buffer }): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.sink.send(DISPATCH_TOPIC, [record]);
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    throw lastError;
  }
}
