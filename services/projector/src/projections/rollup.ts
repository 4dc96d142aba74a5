/** Rollup tiers: bucket width in milliseconds. */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export interface RollupRow {
  seriesId: number;
  /** Bucket start, ms since the epoch. */
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  /** Value at the latest time in the bucket (ties: the larger value, so order never matters). */
  last: number;
  lastTs: number;
}

export const bucketOf = (ts: number, width: number): number => Math.floor(ts / width) * width;

/** Merges b into a; both describe the same series and bucket. Order-independent except for float sums. */
export function mergeRollup(a: RollupRow, b: RollupRow): RollupRow {
  const bLater = b.lastTs > a.lastTs || (b.lastTs === a.lastTs && b.last > a.last);
  return {
    seriesId: a.seriesId,
    bucket: a.bucket,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
    count: a.count + b.count,
    last: bLater ? b.last : a.last,
    lastTs: bLater ? b.lastTs : a.lastTs,
  };
}

/** Folds samples into min/max/sum/count/last per (series, bucket) before one upsert per bucket. */
export class RollupAccumulator {
  private readonly rows = new Map<number, Map<number, RollupRow>>();
  private size = 0;

  constructor(readonly width: number) {}

  add(seriesId: number, ts: number, value: number): void {
    const bucket = bucketOf(ts, this.width);
    let bySeries = this.rows.get(seriesId);
    if (!bySeries) {
      bySeries = new Map();
      this.rows.set(seriesId, bySeries);
    }
    const row = bySeries.get(bucket);
    if (!row) {
      bySeries.set(bucket, {
        seriesId,
        bucket,
        min: value,
        max: value,
        sum: value,
        count: 1,
        last: value,
        lastTs: ts,
      });
      this.size++;
      return;
    }
    if (value < row.min) row.min = value;
    if (value > row.max) row.max = value;
    row.sum += value;
    row.count++;
    if (ts > row.lastTs || (ts === row.lastTs && value > row.last)) {
      row.last = value;
      row.lastTs = ts;
    }
  }

  get length(): number {
    return this.size;
  }

  /** Rows sorted by (series, bucket), so concurrent writers lock rows in the same order. */
  toRows(): RollupRow[] {
    const out: RollupRow[] = [];
    for (const seriesId of [...this.rows.keys()].sort((a, b) => a - b)) {
      const bySeries = this.rows.get(seriesId)!;
      for (const bucket of [...bySeries.keys()].sort((a, b) => a - b)) out.push(bySeries.get(bucket)!);
    }
    return out;
  }
}
