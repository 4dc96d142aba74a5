import http from 'node:http';
import { type Sample, sample } from '../model';

/** GET over the Docker Engine API unix socket; resolves to parsed JSON, rejects on non-2xx. */
export function dockerGet(socketPath: string, path: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path, headers: { host: 'docker' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        // A container list or one stats document is far below this; bail out of anything larger.
        if (size > 16 * 1024 * 1024) req.destroy(new Error('docker API response too large'));
        else chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 300) {
          reject(new Error(`docker API ${path}: HTTP ${res.statusCode}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(new Error(`docker API ${path}: bad JSON (${(err as Error).message})`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`docker API ${path}: timeout`)));
    req.on('error', reject);
  });
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: string;
}

export function parseContainerList(doc: unknown): ContainerSummary[] {
  if (!Array.isArray(doc)) return [];
  return doc.flatMap((c: Record<string, unknown>) => {
    if (typeof c?.Id !== 'string') return [];
    const names = Array.isArray(c.Names) ? (c.Names as unknown[]) : [];
    const first = typeof names[0] === 'string' ? (names[0] as string).replace(/^\//, '') : c.Id.slice(0, 12);
    return [{ id: c.Id, name: first, image: String(c.Image ?? ''), state: String(c.State ?? 'unknown') }];
  });
}

export interface ContainerStats {
  /** Cumulative CPU time in ns. */
  cpuTotalNs: number;
  /** Memory in use minus page cache, as `docker stats` shows it. */
  memoryBytes: number;
  memoryLimitBytes: number;
}

export function parseContainerStats(doc: unknown): ContainerStats | undefined {
  const d = doc as {
    cpu_stats?: { cpu_usage?: { total_usage?: number } };
    memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  };
  const cpu = d?.cpu_stats?.cpu_usage?.total_usage;
  const usage = d?.memory_stats?.usage;
  if (typeof cpu !== 'number' || typeof usage !== 'number') return undefined;
  const st = d.memory_stats?.stats ?? {};
  // cgroup v2 reports inactive_file, v1 total_inactive_file (older docker CLIs used cache).
  const cache = st.inactive_file ?? st.total_inactive_file ?? st.cache ?? 0;
  return {
    cpuTotalNs: cpu,
    memoryBytes: Math.max(0, usage - cache),
    memoryLimitBytes: d.memory_stats?.limit ?? 0,
  };
}

export interface ContainerReading extends ContainerSummary {
  stats?: ContainerStats;
  atMs: number;
}

/** Samples for every container; CPU percent (of one core) from our own previous reading. */
export function containerSamples(prev: Map<string, ContainerReading>, cur: ContainerReading[]): Sample[] {
  const out: Sample[] = [];
  for (const c of cur) {
    const labels = { container: c.name };
    out.push(sample('container_running', c.state === 'running' ? 1 : 0, { ...labels, state: c.state }));
    if (!c.stats) continue;
    out.push(sample('container_memory_bytes', c.stats.memoryBytes, labels));
    if (c.stats.memoryLimitBytes > 0)
      out.push(sample('container_memory_limit_bytes', c.stats.memoryLimitBytes, labels));
    const p = prev.get(c.id);
    if (p?.stats && c.atMs > p.atMs && c.stats.cpuTotalNs >= p.stats.cpuTotalNs) {
      const pct = ((c.stats.cpuTotalNs - p.stats.cpuTotalNs) / ((c.atMs - p.atMs) * 1e6)) * 100;
      out.push(sample('container_cpu_percent', pct, labels));
    }
  }
  return out;
}

export async function readContainers(socketPath: string): Promise<ContainerReading[]> {
  const list = parseContainerList(await dockerGet(socketPath, '/containers/json?all=1'));
  return Promise.all(
    list.map(async (c) => {
      if (c.state !== 'running') return { ...c, atMs: Date.now() };
      try {
        const stats = parseContainerStats(
          await dockerGet(
            socketPath,
            `/containers/${encodeURIComponent(c.id)}/stats?stream=false&one-shot=true`,
          ),
        );
        return { ...c, stats, atMs: Date.now() };
      } catch {
        return { ...c, atMs: Date.now() };
      }
    }),
  );
}
