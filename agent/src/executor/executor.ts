import { type ChildProcess, spawn } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { which } from '../collectors/system';
import type { ExecutorConfig } from '../config';
import {
  type Dispatch,
  DispatchError,
  parseCancel,
  parseDispatch,
  verifyCancel,
  verifyDispatch,
} from './dispatch';
import type { ReplayCache } from './replay-cache';
import { lookupUser } from './users';

export interface OutputChunk {
  type: 'output';
  commandId: string;
  stream: 'stdout' | 'stderr';
  /** One sequence over both streams, from 0: the order the agent read the chunks in. */
  seq: number;
  data: Buffer;
}

export interface CommandExit {
  type: 'exit';
  commandId: string;
  /** Sequence number after the last chunk (= number of chunks). */
  seq: number;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  truncated: boolean;
  timedOut: boolean;
  cancelled: boolean;
  /** Why the command could not start (e.g. program not found). */
  error?: string;
}

export type CommandEvent = OutputChunk | CommandExit;

export interface ExecutorDeps {
  hostId: string;
  signingKey: KeyObject;
  replayCache: ReplayCache;
  config: ExecutorConfig;
  now?: () => number;
  /** Where `process.getuid()` is not the truth (tests); defaults to it. */
  runningAsRoot?: boolean;
}

/** A running command: iterate its events (chunks, then one exit) and cancel it at will. */
export class Execution implements AsyncIterable<CommandEvent> {
  /** The process id, once spawned. */
  pid: number | undefined;
  private readonly queue: CommandEvent[] = [];
  private waiting?: () => void;
  private finished = false;
  private cancelRequested = false;
  readonly done: Promise<CommandExit>;
  private resolveDone!: (e: CommandExit) => void;
  private killer?: (reason: 'timeout' | 'cancel') => void;

  constructor(readonly commandId: string) {
    this.done = new Promise((r) => {
      this.resolveDone = r;
    });
  }

  /** SIGTERM to the command's process group, SIGKILL after the grace period. */
  cancel(): void {
    this.cancelRequested = true;
    this.killer?.('cancel');
  }

  /** @internal */
  attach(killer: (reason: 'timeout' | 'cancel') => void): void {
    this.killer = killer;
    if (this.cancelRequested) killer('cancel');
  }

  /** @internal */
  push(e: CommandEvent): void {
    if (this.finished) return;
    this.queue.push(e);
    if (e.type === 'exit') {
      this.finished = true;
      this.resolveDone(e);
    }
    this.waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CommandEvent> {
    for (;;) {
      const e = this.queue.shift();
      if (e) {
        yield e;
        if (e.type === 'exit') return;
        continue;
      }
      await new Promise<void>((r) => {
        this.waiting = r;
      });
      this.waiting = undefined;
    }
  }
}

/**
 * Runs signed dispatches. `start` refuses (throws DispatchError) anything not signed by the
 * platform key, not for this host, expired, not yet valid, or already seen; otherwise it
 * records the dispatch durably and starts the command.
 */
export class CommandExecutor {
  private readonly now: () => number;
  private readonly running = new Map<string, Execution>();

  constructor(private readonly deps: ExecutorDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The platform key changed (a Welcome carries the current one). */
  setSigningKey(key: KeyObject): void {
    this.deps.signingKey = key;
  }

  /** Validates everything that can be validated before a process exists. */
  check(input: unknown): Dispatch {
    const { config } = this.deps;
    if (!config.enabled) throw new DispatchError('disabled', 'command execution is disabled on this agent');
    const d = parseDispatch(input);
    if (!verifyDispatch(d, this.deps.signingKey)) {
      throw new DispatchError(
        'bad-signature',
        `dispatch ${d.commandId}: signature does not verify with the platform key`,
      );
    }
    if (d.hostId !== this.deps.hostId) {
      throw new DispatchError(
        'wrong-host',
        `dispatch ${d.commandId} is for host ${d.hostId}, this is ${this.deps.hostId}`,
      );
    }
    const now = this.now();
    if (now > d.expiresAt)
      throw new DispatchError(
        'expired',
        `dispatch ${d.commandId} expired at ${new Date(d.expiresAt).toISOString()}`,
      );
    if (d.issuedAt > now + config.clockSkewMs) {
      throw new DispatchError(
        'not-yet-valid',
        `dispatch ${d.commandId} is issued in the future (clock skew?)`,
      );
    }
    if (d.expiresAt - d.issuedAt > config.maxDispatchValidityMs) {
      throw new DispatchError(
        'invalid',
        `dispatch ${d.commandId}: validity window longer than ${config.maxDispatchValidityMs} ms`,
      );
    }
    if (this.deps.replayCache.seen(d.commandId, d.nonce)) {
      throw new DispatchError('replayed', `dispatch ${d.commandId} (nonce ${d.nonce}) was already accepted`);
    }
    const refused = Object.keys(d.env).filter((k) => !config.envAllowList.includes(k));
    if (refused.length) {
      throw new DispatchError(
        'env-not-allowed',
        `dispatch ${d.commandId}: environment not on the allow-list: ${refused.join(', ')}`,
      );
    }
    return d;
  }

  start(input: unknown): Execution {
    const d = this.check(input);
    const { config } = this.deps;
    const launch = this.plan(d);
    // Durable before the process exists: a crash after this point never lets it run twice.
    this.deps.replayCache.record(d.commandId, d.nonce, d.expiresAt + config.clockSkewMs);
    const exec = new Execution(d.commandId);
    this.running.set(d.commandId, exec);
    void exec.done.then(() => this.running.delete(d.commandId));
    this.launch(d, launch, exec);
    return exec;
  }

  /** Cancels every running command (agent shutdown) and resolves when all have exited. */
  async cancelAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const e of all) e.cancel();
    await Promise.all(all.map((e) => e.done));
  }

  /** A running command by id. */
  get(commandId: string): Execution | undefined {
    return this.running.get(commandId);
  }

  /**
   * Handles a signed CommandCancel: verified like a dispatch (key, host, expiry, replay),
   * then the command is stopped if it runs here. Returns whether it was running.
   */
  cancel(input: unknown): boolean {
    const c = parseCancel(input);
    if (!verifyCancel(c, this.deps.signingKey)) {
      throw new DispatchError(
        'bad-signature',
        `cancel of ${c.commandId}: signature does not verify with the platform key`,
      );
    }
    if (c.hostId !== this.deps.hostId) {
      throw new DispatchError(
        'wrong-host',
        `cancel of ${c.commandId} is for host ${c.hostId}, this is ${this.deps.hostId}`,
      );
    }
    const now = this.now();
    if (now > c.expiresAt) throw new DispatchError('expired', `cancel of ${c.commandId} expired`);
    if (c.issuedAt > now + this.deps.config.clockSkewMs) {
      throw new DispatchError(
        'not-yet-valid',
        `cancel of ${c.commandId} is issued in the future (clock skew?)`,
      );
    }
    const key = `cancel:${c.commandId}`;
    if (this.deps.replayCache.seen(key, c.nonce))
      throw new DispatchError('replayed', `cancel of ${c.commandId} was already accepted`);
    this.deps.replayCache.record(key, c.nonce, c.expiresAt + this.deps.config.clockSkewMs);
    const exec = this.running.get(c.commandId);
    exec?.cancel();
    return exec !== undefined;
  }

  private plan(d: Dispatch): {
    file: string;
    args: string[];
    uid?: number;
    gid?: number;
    env: NodeJS.ProcessEnv;
    cwd: string;
  } {
    const { config } = this.deps;
    const cwd = d.cwd ?? '/';
    const env: NodeJS.ProcessEnv = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
    for (const k of config.envAllowList) if (process.env[k] !== undefined) env[k] = process.env[k];
    Object.assign(env, d.env);
    let ids: { uid?: number; gid?: number } = {};
    const root = this.deps.runningAsRoot ?? process.getuid?.() === 0;
    if (root) {
      const u = lookupUser(config.user);
      if (!u) throw new DispatchError('user-unavailable', `executor user ${config.user} does not exist`);
      if (u.uid === 0) throw new DispatchError('user-unavailable', 'executor user must not be root');
      ids = { uid: u.uid, gid: u.gid };
    }
    let cmd = d.shell ? ['/bin/sh', '-c', d.argv[0]!] : [...d.argv];
    if (config.bwrap !== 'off') {
      const bwrap = which(config.bwrapPath);
      if (!bwrap && config.bwrap === 'required') {
        throw new DispatchError(
          'sandbox-unavailable',
          `bwrap is required but ${config.bwrapPath} is not installed`,
        );
      }
      if (bwrap) cmd = [bwrap, ...bwrapArgs(cwd), '--', ...cmd];
    }
    return { file: cmd[0]!, args: cmd.slice(1), ...ids, env, cwd };
  }

  private launch(d: Dispatch, p: ReturnType<CommandExecutor['plan']>, exec: Execution): void {
    const { config } = this.deps;
    const cap = Math.min(d.outputCapBytes, config.maxOutputBytes);
    const timeoutMs = Math.min(d.timeoutMs, config.maxTimeoutMs);
    const started = process.hrtime.bigint();
    let seq = 0;
    let emitted = 0;
    let truncated = false;
    let timedOut = false;
    let cancelled = false;
    let child: ChildProcess;
    let timer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (fields: Pick<CommandExit, 'exitCode' | 'signal'> & { error?: string }) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      exec.push({
        type: 'exit',
        commandId: d.commandId,
        seq,
        ...fields,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        truncated,
        timedOut,
        cancelled,
      });
    };
    try {
      // detached: its own process group, so timeout and cancel reach every descendant.
      child = spawn(p.file, p.args, {
        cwd: p.cwd,
        env: p.env,
        uid: p.uid,
        gid: p.gid,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      finish({ exitCode: null, signal: null, error: (err as Error).message });
      return;
    }
    exec.pid = child.pid;
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = (reason: 'timeout' | 'cancel') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (reason === 'timeout') timedOut = true;
      else cancelled = true;
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), config.killGraceMs);
    };
    timer = setTimeout(() => stop('timeout'), timeoutMs);
    exec.attach(stop);
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (emitted >= cap) {
        truncated = true;
        return;
      }
      let data = chunk;
      if (emitted + chunk.length > cap) {
        data = chunk.subarray(0, cap - emitted);
        truncated = true;
      }
      emitted += data.length;
      exec.push({ type: 'output', commandId: d.commandId, stream, seq: seq++, data });
    };
    child.stdout!.on('data', onData('stdout'));
    child.stderr!.on('data', onData('stderr'));
    let spawnError: string | undefined;
    child.on('error', (err) => {
      spawnError = err.message;
      // No process came to be (ENOENT, EACCES): there will be no exit to wait for.
      if (child.pid === undefined) finish({ exitCode: null, signal: null, error: err.message });
    });
    // The leader's exit ends the command: descendants it left behind are killed so the
    // pipes close and nothing outlives an audited command.
    child.on('exit', () => killGroup('SIGKILL'));
    child.on('close', (code, signal) => {
      finish({ exitCode: code, signal, ...(spawnError ? { error: spawnError } : {}) });
    });
  }
}

/** The contracts' CommandOutcome for an exit (REFUSED is for DispatchError, before any exit). */
export function commandOutcome(e: CommandExit): 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED' {
  if (e.cancelled) return 'CANCELLED';
  if (e.timedOut) return 'TIMED_OUT';
  return e.exitCode === 0 ? 'COMPLETED' : 'FAILED';
}

/**
 * bubblewrap sandbox: read-only view of the host, private /tmp, /dev and /proc, own PID, IPC
 * and UTS namespaces; the network stays shared since operators' commands usually need it.
 */
export function bwrapArgs(cwd: string): string[] {
  return [
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    '--chdir',
    cwd,
  ];
}
