import type { Pool, PoolClient } from 'pg';
import { qualified } from '../db/sql';
import type { ApplyResult, Projection, ProjectionContext, SourceRecord } from '../projections/projection';
import type { SnapshotStore } from '../snapshots/snapshot-store';
import { toUpdates, type UpdatePublisher } from '../updates/publisher';

/** PostgreSQL refused the data itself (class 22 data exception, 23 integrity violation): retrying cannot help. */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export const tpKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/** The stored offsets or generation differ from what this runner expected: seek/reload and retry. */
export class FencedError extends Error {
  constructor(
    message: string,
    /** Stored next offsets per topic:partition, to seek to. */
    readonly stored: Map<string, number>,
  ) {
    super(message);
  }
}

export interface ChunkResult {
  applied: number;
  /** Records at offsets below the stored next offset (already committed before a crash). */
  skipped: number;
  /** Records that were new at their offset but already reflected (duplicates, older versions). */
  duplicates: number;
  nextOffsets: Map<string, number>;
  changes: number;
}

export interface RunnerStats {
  chunks: number;
  records: number;
  skipped: number;
  duplicates: number;
  fenced: number;
  snapshotErrors: number;
  publishErrors: number;
  /** Records PostgreSQL refused as data, sent to the DLQ. */
  poisoned: number;
  lastCommitAt: number;
}

export interface RunnerOptions {
  pool: Pool;
  projection: Projection;
  ctx: ProjectionContext;
  snapshots?: SnapshotStore;
  publisher?: UpdatePublisher;
  now?: () => number;
  onError?: (what: string, err: unknown) => void;
  /**
   * false: commit without waiting for the WAL flush. Only for rebuilds into a shadow schema,
   * which a crash discards anyway; live projections keep the default durable commits.
   */
  synchronousCommit?: boolean;
}

/**
 * Applies chunks of records to one projection, exactly once: the rows and the next offsets
 * per topic partition are written in one transaction, and records below the stored offsets
 * are skipped. After the commit, snapshots and projections.updates are written (best effort:
 * they are versioned, so a later commit supersedes a lost one).
 */
export class ProjectionRunner {
  private generation: number | undefined;
  readonly stats: RunnerStats = {
    chunks: 0,
    records: 0,
    skipped: 0,
    duplicates: 0,
    fenced: 0,
    snapshotErrors: 0,
    publishErrors: 0,
    poisoned: 0,
    lastCommitAt: 0,
  };

  constructor(private readonly options: RunnerOptions) {}

  get projection(): Projection {
    return this.options.projection;
  }

  private table(name: string): string {
    return qualified(this.options.ctx.schema, name);
  }

  /** Stored next offsets of this projection (what a consumer seeks to on assignment). */
  async storedOffsets(db: Pool | PoolClient = this.options.pool): Promise<Map<string, number>> {
    const { rows } = await db.query<{ topic: string; partition: number; next_offset: string }>(
      `SELECT topic, partition, next_offset FROM ${this.table('projection_offsets')} WHERE projection = $1`,
      [this.projection.name],
    );
    return new Map(rows.map((r) => [tpKey(r.topic, r.partition), Number(r.next_offset)]));
  }

  private async currentGeneration(db: Pool | PoolClient, lock: boolean): Promise<number> {
    const { rows } = await db.query<{ generation: string }>(
      `SELECT generation FROM ${this.table('projections')} WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [this.projection.name],
    );
    if (!rows[0])
      throw new Error(`projection ${this.projection.name} is not registered in ${this.options.ctx.schema}`);
    return Number(rows[0].generation);
  }

  /**
   * Applies one chunk. `expected` (consumer positions) makes the runner refuse to write when
   * the stored offsets moved underneath it (a rebuild swap or a second instance).
   */
  async applyChunk(
    records: SourceRecord[],
    expected?: Map<string, number>,
    /** Last offset read per topic:partition, including records not passed (dead-lettered ones). */
    readThrough?: Map<string, number>,
  ): Promise<ChunkResult> {
    const { pool, ctx } = this.options;
    if (this.generation === undefined) this.generation = await this.currentGeneration(pool, false);
    const client = await pool.connect();
    let result: ApplyResult = { changes: [], snapshots: [], duplicates: 0 };
    const fresh: SourceRecord[] = [];
    const nextOffsets = new Map<string, number>();
    try {
      await this.projection.prepare?.(client, ctx, records);
      await client.query('BEGIN');
      try {
        if (this.options.synchronousCommit === false)
          await client.query('SET LOCAL synchronous_commit = off');
        // The generation row lock serializes writers of this projection and the rebuild swap.
        const generation = await this.currentGeneration(client, true);
        if (generation !== this.generation) {
          this.generation = generation;
          this.projection.reset?.();
          throw new FencedError(
            `projection ${this.projection.name} was rebuilt (generation ${generation})`,
            await this.storedOffsets(client),
          );
        }
        const stored = await this.storedOffsets(client);
        if (expected) {
          for (const [tp, position] of expected) {
            const at = stored.get(tp);
            if (at !== undefined && at !== position) {
              throw new FencedError(`stored offset of ${tp} is ${at}, consumer is at ${position}`, stored);
            }
          }
        }
        for (const r of records) {
          const tp = tpKey(r.topic, r.partition);
          if (r.offset < (stored.get(tp) ?? 0)) continue;
          fresh.push(r);
          if ((nextOffsets.get(tp) ?? -1) < r.offset + 1) nextOffsets.set(tp, r.offset + 1);
        }
        for (const [tp, last] of readThrough ?? []) {
          if (last + 1 > (stored.get(tp) ?? 0) && (nextOffsets.get(tp) ?? -1) < last + 1)
            nextOffsets.set(tp, last + 1);
        }
        if (fresh.length > 0) result = await this.projection.apply(client, ctx, fresh);
        if (nextOffsets.size > 0) {
          const entries = [...nextOffsets].map(([tp, next]) => {
            const i = tp.lastIndexOf(':');
            return { topic: tp.slice(0, i), partition: Number(tp.slice(i + 1)), next };
          });
          await client.query(
            `INSERT INTO ${this.table('projection_offsets')} (projection, topic, partition, next_offset)
             SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[])
             ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
            [
              this.projection.name,
              entries.map((e) => e.topic),
              entries.map((e) => e.partition),
              entries.map((e) => e.next),
            ],
          );
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (err instanceof FencedError) this.stats.fenced++;
        throw err;
      }
    } finally {
      client.release();
    }
    this.stats.chunks++;
    this.stats.records += fresh.length;
    this.stats.skipped += records.length - fresh.length;
    this.stats.duplicates += result.duplicates;
    this.stats.lastCommitAt = (this.options.now ?? Date.now)();
    await this.afterCommit(result);
    return {
      applied: fresh.length,
      skipped: records.length - fresh.length,
      duplicates: result.duplicates,
      nextOffsets,
      changes: result.changes.length,
    };
  }

  /**
   * applyChunk, but a record PostgreSQL refuses as data (SQLSTATE class 22 or 23, e.g. a NUL
   * character in a label) is isolated: the chunk is retried record by record, the refused
   * ones are handed to `onPoison` (the dead-letter queue) and their offsets are committed, so
   * one bad record never blocks its partition. Other errors (connection lost) propagate.
   */
  async applyChunkIsolating(
    records: SourceRecord[],
    expected: Map<string, number> | undefined,
    readThrough: Map<string, number> | undefined,
    onPoison: (record: SourceRecord, err: Error) => Promise<void>,
  ): Promise<ChunkResult> {
    try {
      return await this.applyChunk(records, expected, readThrough);
    } catch (err) {
      if (!isDataError(err)) throw err;
    }
    const positions = new Map(expected ?? []);
    const total: ChunkResult = { applied: 0, skipped: 0, duplicates: 0, nextOffsets: new Map(), changes: 0 };
    const add = (r: ChunkResult) => {
      total.applied += r.applied;
      total.skipped += r.skipped;
      total.duplicates += r.duplicates;
      total.changes += r.changes;
      for (const [tp, next] of r.nextOffsets) {
        total.nextOffsets.set(tp, next);
        if (positions.has(tp)) positions.set(tp, next);
      }
    };
    for (const record of records) {
      const tp = tpKey(record.topic, record.partition);
      const at = positions.has(tp) ? new Map([[tp, positions.get(tp)!]]) : undefined;
      try {
        add(await this.applyChunk([record], at));
      } catch (err) {
        if (!isDataError(err)) throw err;
        this.stats.poisoned++;
        await onPoison(record, err as Error);
        // Commit past the refused record without applying it.
        add(await this.applyChunk([], at, new Map([[tp, record.offset]])));
      }
    }
    if (readThrough) add(await this.applyChunk([], positions.size ? positions : undefined, readThrough));
    return total;
  }

  private async afterCommit(result: ApplyResult): Promise<void> {
    const { snapshots, publisher, onError } = this.options;
    if (snapshots && result.snapshots.length > 0) {
      try {
        await snapshots.write(result.snapshots);
      } catch (err) {
        this.stats.snapshotErrors++;
        onError?.('snapshot write', err);
      }
    }
    if (publisher && result.changes.length > 0) {
      try {
        await publisher.publish(toUpdates(result.changes, (this.options.now ?? Date.now)()));
      } catch (err) {
        this.stats.publishErrors++;
        onError?.('projections.updates publish', err);
      }
    }
  }
}
