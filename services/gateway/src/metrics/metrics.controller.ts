import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { z } from 'zod';
import { API } from '../common/api';
import { ApiError } from '../common/api-error';
import { Doc, Roles, ValidQuery } from '../common/decorators';
import { epochMs, labelParams } from '../common/query';
import { READ } from '../common/roles';
import { ReadModelsRepository, type Tier } from '../read-models/read-models.repository';
import { pickTier, type Row } from '../read-models/views';

const seriesQuery = z
  .object({
    hostId: z.string().min(1).max(200).optional(),
    name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/, 'metric name'),
    label: labelParams,
    from: epochMs.optional(),
    to: epochMs.optional(),
    step: z.coerce
      .number()
      .int()
      .min(1000)
      .max(30 * 86_400_000)
      .optional(),
    tier: z.enum(['raw', '1m', '1h']).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, 'from must be before to');
const namesQuery = z.object({ hostId: z.string().min(1).max(200).optional() });

const TIER_STEP: Record<Tier, number> = { raw: 0, '1m': 60_000, '1h': 3_600_000 };
/** Points per series at most; a finer step is coarsened so a chart never gets more. */
const MAX_POINTS = 5000;

@Injectable()
export class MetricsService {
  constructor(@Inject(ReadModelsRepository) private readonly readModels: ReadModelsRepository) {}

  /** uPlot-ready columns: per series aligned `t` and `v` arrays (plus min/max for rollups). */
  async series(q: z.output<typeof seriesQuery>, now = Date.now()) {
    const to = q.to ?? now;
    const from = q.from ?? to - 3600_000;
    const tier = q.tier ?? pickTier(from, to);
    // Raw without a step keeps the collection interval (stepMs 0); rollups never go below their bucket.
    let stepMs = tier === 'raw' ? (q.step ?? 0) : Math.max(q.step ?? 0, TIER_STEP[tier]);
    if (stepMs > 0) stepMs = Math.max(stepMs, Math.ceil((to - from) / MAX_POINTS / 1000) * 1000);
    const series = await this.readModels.seriesFor(q.hostId, q.name, q.label);
    if (series.length === 0) return { tier, stepMs, series: [] };
    const ids = series.map((s) => Number(s.id));
    const hostIds = [...new Set(series.map((s) => String(s.host_id)))];
    const points = await this.readModels.points(tier, hostIds, ids, from, to, stepMs);
    const byId = new Map<number, Row[]>();
    for (const p of points) {
      const id = Number(p.series_id);
      let list = byId.get(id);
      if (!list) {
        list = [];
        byId.set(id, list);
      }
      list.push(p);
    }
    const withRange = tier !== 'raw' || stepMs > 0;
    return {
      tier,
      stepMs,
      series: series.map((s) => {
        const rows = byId.get(Number(s.id)) ?? [];
        const out: {
          name: string;
          hostId: string;
          labels: unknown;
          t: number[];
          v: number[];
          min?: number[];
          max?: number[];
        } = {
          name: String(s.name),
          hostId: String(s.host_id),
          labels: s.labels,
          t: rows.map((r) => Number(r.t)),
          v: rows.map((r) => Number(r.v)),
        };
        if (withRange) {
          out.min = rows.map((r) => Number(r.min));
          out.max = rows.map((r) => Number(r.max));
        }
        return out;
      }),
    };
  }

  async names(hostId?: string) {
    const rows = await this.readModels.metricNames(hostId);
    return {
      names: rows.map((r) => ({ name: String(r.name), labels: r.labels as Record<string, string>[] })),
    };
  }
}

@Controller(`${API}/metrics`)
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get('series')
  @Roles(...READ)
  @Doc({ summary: 'Metric series as uPlot columns; tier raw/1m/1h from the range unless forced' })
  series(@ValidQuery(seriesQuery) q: z.output<typeof seriesQuery>) {
    if (q.to !== undefined && q.from !== undefined && q.to - q.from > 5 * 366 * 86_400_000) {
      throw ApiError.badRequest('range_too_large', 'a series range may span at most five years');
    }
    return this.metrics.series(q);
  }

  @Get('names')
  @Roles(...READ)
  @Doc({ summary: 'Metric names with their label sets' })
  names(@ValidQuery(namesQuery) q: z.output<typeof namesQuery>) {
    return this.metrics.names(q.hostId);
  }
}

@Module({ controllers: [MetricsController], providers: [MetricsService] })
export class MetricsModule {}
