import { Pool } from 'pg';
import { migrate, quoteSchema } from '../postgres/migrator';

/** Where a log reader keeps its position. */
export interface CheckpointStore {
  /** Last position stored under `name`, or 0n. */
  load(name: string): Promise<bigint>;
  /** Stores `position` under `name`; never moves a checkpoint backwards. */
  store(name: string, position: bigint): Promise<void>;
}

/**
 * Checkpoints in the `checkpoints` table of the event store schema (created by its migrations),
 * whichever adapter the events live in.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  private readonly s: string;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private ready: Promise<unknown> | undefined;

  constructor(options: { pool?: Pool; connectionString?: string; schema?: string }) {
    this.s = quoteSchema(options.schema ?? 'nagare_es');
    this.schema = options.schema ?? 'nagare_es';
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else if (options.connectionString) {
      this.pool = new Pool({ connectionString: options.connectionString, max: 2 });
      this.pool.on('error', () => undefined);
      this.ownsPool = true;
    } else {
      throw new Error('PostgresCheckpointStore needs a pool or a connectionString');
    }
  }

  private readonly schema: string;

  private init(): Promise<unknown> {
    this.ready ??= migrate(this.pool, this.schema).catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async load(name: string): Promise<bigint> {
    await this.init();
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT position FROM ${this.s}.checkpoints WHERE name = $1`,
      [name],
    );
    return BigInt(rows[0]?.position ?? 0);
  }

  async store(name: string, position: bigint): Promise<void> {
    await this.init();
    await this.pool.query(
      `INSERT INTO ${this.s}.checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = greatest(${this.s}.checkpoints.position, EXCLUDED.position),
         updated_at = now()`,
      [name, position.toString()],
    );
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
