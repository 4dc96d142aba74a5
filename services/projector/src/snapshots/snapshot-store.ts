/** Latest state kept outside PostgreSQL for fast dashboard reads. Every write is versioned. */
export type SnapshotWrite =
  | { kind: 'host-state'; hostId: string; version: number; state: Record<string, unknown> }
  | { kind: 'host-metrics'; hostId: string; version: number; metrics: Record<string, unknown> }
  | { kind: 'spark'; hostId: string; metric: string; points: SparkPoint[] }
  | { kind: 'alert'; alertId: string; version: number; alert: Record<string, unknown>; active: boolean };

export interface SparkPoint {
  ts: number;
  value: number;
}

export interface Versioned<T = Record<string, unknown>> {
  version: number;
  value: T;
}

/**
 * The snapshot port. Redis implements it for production; MemorySnapshotStore when no Redis is
 * configured. A write with a version not above the stored one is ignored, so replays and
 * late duplicates never move a snapshot backwards.
 */
export interface SnapshotStore {
  write(writes: SnapshotWrite[]): Promise<void>;
  hostState(hostId: string): Promise<Versioned | undefined>;
  hostMetrics(hostId: string): Promise<Versioned | undefined>;
  sparkline(hostId: string, metric: string): Promise<SparkPoint[]>;
  alert(alertId: string): Promise<Versioned | undefined>;
  activeAlertIds(): Promise<string[]>;
  close(): Promise<void>;
}

export class MemorySnapshotStore implements SnapshotStore {
  private readonly hosts = new Map<string, Versioned>();
  private readonly metrics = new Map<string, Versioned>();
  private readonly sparks = new Map<string, SparkPoint[]>();
  private readonly alerts = new Map<string, Versioned>();
  private readonly active = new Set<string>();

  constructor(private readonly sparklinePoints = 120) {}

  async write(writes: SnapshotWrite[]): Promise<void> {
    for (const w of writes) {
      switch (w.kind) {
        case 'host-state':
          putIfNewer(this.hosts, w.hostId, w.version, w.state);
          break;
        case 'host-metrics':
          putIfNewer(this.metrics, w.hostId, w.version, w.metrics);
          break;
        case 'spark': {
          const key = `${w.hostId}\u0000${w.metric}`;
          const byTs = new Map((this.sparks.get(key) ?? []).map((p) => [p.ts, p]));
          for (const p of w.points) byTs.set(p.ts, p);
          const kept = [...byTs.values()].sort((a, b) => a.ts - b.ts).slice(-this.sparklinePoints);
          this.sparks.set(key, kept);
          break;
        }
        case 'alert':
          if (putIfNewer(this.alerts, w.alertId, w.version, w.alert)) {
            if (w.active) this.active.add(w.alertId);
            else this.active.delete(w.alertId);
          }
          break;
      }
    }
  }

  async hostState(hostId: string) {
    return this.hosts.get(hostId);
  }
  async hostMetrics(hostId: string) {
    return this.metrics.get(hostId);
  }
  async sparkline(hostId: string, metric: string) {
    return [...(this.sparks.get(`${hostId}\u0000${metric}`) ?? [])];
  }
  async alert(alertId: string) {
    return this.alerts.get(alertId);
  }
  async activeAlertIds() {
    return [...this.active].sort();
  }
  async close() {}
}

function putIfNewer(
  map: Map<string, Versioned>,
  key: string,
  version: number,
  value: Record<string, unknown>,
) {
  const current = map.get(key);
  if (current && current.version >= version) return false;
  map.set(key, { version, value });
  return true;
}
