import net from 'node:net';

export type HealthStatus = 'up' | 'down';

export interface DependencyHealth {
  status: HealthStatus;
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, DependencyHealth>;
}

/** Resolves when the dependency answers; rejects (or times out) when it does not. */
export type HealthCheck = () => Promise<unknown>;

/** Dependency checks a service registers; GET /health runs them all in parallel. */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private draining = false;

  constructor(private readonly timeoutMs = 2000) {}

  register(name: string, check: HealthCheck): void {
    if (this.checks.has(name)) throw new Error(`health check "${name}" registered twice`);
    this.checks.set(name, check);
  }

  /** Once shutdown starts the service reports down, so load balancers stop routing to it. */
  markDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.run(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const allUp = entries.every(([, c]) => c.status === 'up');
    return { status: allUp && !this.draining ? 'up' : 'down', checks };
  }

  private async run(check: HealthCheck): Promise<DependencyHealth> {
    const started = process.hrtime.bigint();
    const latency = () => Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(check),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
      return { status: 'up', latencyMs: latency() };
    } catch (err) {
      return {
        status: 'down',
        latencyMs: latency(),
        error: err instanceof Error ? err.message : String(err),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Anything with pg's `query` (Pool or Client). */
export interface Queryable {
  query(sql: string): Promise<unknown>;
}

export const postgresCheck =
  (db: Queryable): HealthCheck =>
  () =>
    db.query('SELECT 1');

/** Anything with ioredis' `ping`. */
export interface Pingable {
  ping(): Promise<string>;
}

export const redisCheck =
  (redis: Pingable): HealthCheck =>
  async () => {
    const answer = await redis.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
  };

/** A TCP connect probe, for dependencies without a cheap client call (e.g. a Kafka broker). */
export const tcpCheck =
  (host: string, port: number, timeoutMs = 1500): HealthCheck =>
  () =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host, port });
      const finish = (err?: Error) => {
        socket.destroy();
        if (err) reject(err);
        else resolve();
      };
      socket.setTimeout(timeoutMs, () => finish(new Error(`connect to ${host}:${port} timed out`)));
      socket.once('connect', () => finish());
      socket.once('error', (err) => finish(err));
    });
