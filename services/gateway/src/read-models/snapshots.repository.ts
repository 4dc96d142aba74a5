import { SERVICE_CONFIG } from '@nagare/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config';
import { REDIS } from '../repositories/tokens';
import type { Row } from './views';

export interface SparkPoint {
  ts: number;
  value: number;
}

/**
 * Reads the projector's Redis snapshots (layout in docs/projector.md: `host:<id>:metrics`
 * hash {v,d}, `host:<id>:spark:<metric>` sorted set of `ts:value`). Without Redis there are
 * no snapshots: sparklines are empty and live pushes come from projections.updates alone.
 */
@Injectable()
export class SnapshotsRepository {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | undefined,
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
  ) {
    this.prefix = config.SNAPSHOT_PREFIX;
  }

  async sparklines(hostIds: string[], metric: string, max: number): Promise<Map<string, SparkPoint[]>> {
    const out = new Map<string, SparkPoint[]>();
    if (!this.redis || hostIds.length === 0) return out;
    const pipe = this.redis.pipeline();
    for (const id of hostIds) pipe.zrange(`${this.prefix}host:${id}:spark:${metric}`, -max, -1);
    const results = (await pipe.exec().catch(() => null)) ?? [];
    hostIds.forEach((id, i) => {
      const [err, members] = results[i] ?? [null, []];
      if (err || !Array.isArray(members)) return;
      out.set(
        id,
        (members as string[]).map((m) => {
          const c = m.indexOf(':');
          return { ts: Number(m.slice(0, c)), value: Number(m.slice(c + 1)) };
        }),
      );
    });
    return out;
  }

  /** The latest key metrics of a host ({ version, value }) or undefined. */
  async hostMetrics(hostId: string): Promise<{ version: number; value: Row } | undefined> {
    if (!this.redis) return undefined;
    try {
      const [v, d] = await this.redis.hmget(`${this.prefix}host:${hostId}:metrics`, 'v', 'd');
      if (v == null || d == null) return undefined;
      return { version: Number(v), value: JSON.parse(d) as Row };
    } catch {
      return undefined;
    }
  }
}
