import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

export interface ServiceSpec {
  name: string;
  /** Node entry file (a built dist/main.js). */
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  /** URL answering 200 when the service is ready. */
  healthUrl?: string;
}

export interface SupervisorEvents {
  onStart?(name: string, pid: number): void;
  onCrash?(name: string, reason: string, restartInMs: number): void;
  onReady?(name: string): void;
  onLine?(name: string, line: string): void;
}

interface Running {
  spec: ServiceSpec;
  child?: ChildProcess;
  restarts: number;
  stopping: boolean;
  startedAt: number;
  timer?: NodeJS.Timeout;
  log: WriteStream;
}

/**
 * Runs services as child processes, writes each one's output to <logDir>/<name>.log,
 * restarts a crashed one with exponential backoff (reset after a minute of good health),
 * and stops them in reverse start order.
 */
export class Supervisor {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly logDir: string,
    private readonly events: SupervisorEvents = {},
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  start(spec: ServiceSpec): void {
    const entry: Running = {
      spec,
      restarts: 0,
      stopping: false,
      startedAt: 0,
      log: createWriteStream(path.join(this.logDir, `${spec.name}.log`), { flags: 'a' }),
    };
    this.running.set(spec.name, entry);
    this.spawn(entry);
  }

  private spawn(r: Running): void {
    const { spec } = r;
    r.startedAt = Date.now();
    const child = spawn(process.execPath, [spec.entry, ...(spec.args ?? [])], {
      env: { ...process.env, ...spec.env, NAGARE_SERVICE: spec.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    r.child = child;
    this.events.onStart?.(spec.name, child.pid ?? -1);
    const pipe = (stream: NodeJS.ReadableStream | null) => {
      let buf = '';
      stream?.on('data', (chunk: Buffer) => {
        r.log.write(chunk);
        buf += chunk.toString('utf8');
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          this.events.onLine?.(spec.name, buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          nl = buf.indexOf('\n');
        }
      });
    };
    pipe(child.stdout);
    pipe(child.stderr);
    child.on('exit', (code, signal) => {
      r.child = undefined;
      if (r.stopping) return;
      if (Date.now() - r.startedAt > 60_000) r.restarts = 0;
      const delay = Math.min(30_000, 1000 * 2 ** r.restarts);
      r.restarts++;
      this.events.onCrash?.(spec.name, signal ? `killed by ${signal}` : `exited with code ${code}`, delay);
      r.timer = setTimeout(() => this.spawn(r), delay);
    });
  }

  pid(name: string): number | undefined {
    return this.running.get(name)?.child?.pid;
  }

  async waitReady(name: string, timeoutMs = 60_000): Promise<void> {
    const r = this.running.get(name);
    if (!r?.spec.healthUrl) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const res = await fetch(r.spec.healthUrl, { signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          this.events.onReady?.(name);
          return;
        }
      } catch {
        // not up yet
      }
      if (Date.now() > deadline)
        throw new Error(`${name} not healthy at ${r.spec.healthUrl} after ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }

  /** Stops every service, newest first: SIGTERM, then SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    for (const r of [...this.running.values()].reverse()) {
      r.stopping = true;
      clearTimeout(r.timer);
      const child = r.child;
      if (child && child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      r.log.end();
    }
    this.running.clear();
  }
}
