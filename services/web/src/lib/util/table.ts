// Host table logic: filter, sort and the visible window of a virtualized list.
import type { HostStatus, HostSummary } from '../api/types';

export type HostSortKey = 'hostname' | 'status' | 'cpu' | 'memory' | 'disk' | 'load' | 'lastSeen' | 'alerts';

export interface HostFilter {
  text: string;
  status: HostStatus | 'all';
}

/** Text matches hostname, id, OS, or a label written as key=value or just a value. */
export function matchesHost(h: HostSummary, f: HostFilter): boolean {
  if (f.status !== 'all' && h.status !== f.status) return false;
  const q = f.text.trim().toLowerCase();
  if (!q) return true;
  return q.split(/\s+/).every((term) => {
    if (h.hostname.toLowerCase().includes(term) || h.hostId.toLowerCase().startsWith(term)) return true;
    if (h.os?.toLowerCase().includes(term)) return true;
    return Object.entries(h.labels ?? {}).some(([k, v]) => {
      const kv = `${k}=${v}`.toLowerCase();
      return term.includes('=') ? kv === term : v.toLowerCase().includes(term);
    });
  });
}

const STATUS_ORDER: Record<HostStatus, number> = { offline: 0, online: 1, decommissioned: 2 };

function sortValue(h: HostSummary, key: HostSortKey): number | string | null {
  switch (key) {
    case 'hostname':
      return h.hostname.toLowerCase();
    case 'status':
      return STATUS_ORDER[h.status] ?? 3;
    case 'cpu':
      return h.latest?.cpuPercent ?? null;
    case 'memory':
      return h.latest?.memoryUsedPercent ?? null;
    case 'disk':
      return h.latest?.diskUsedPercent ?? null;
    case 'load':
      return h.latest?.load1 ?? null;
    case 'lastSeen':
      return h.lastSeenAt ?? null;
    case 'alerts':
      return h.activeAlerts ? (h.activeAlerts.maxSeverity ?? -1) * 10_000 + h.activeAlerts.count : null;
  }
}

/** Stable sort; hosts without a value go last in both directions; ties break by hostname. */
export function sortHosts(hosts: HostSummary[], key: HostSortKey, dir: 'asc' | 'desc'): HostSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  return hosts
    .map((h) => ({ h, v: sortValue(h, key) }))
    .sort((a, b) => {
      if (a.v === null && b.v !== null) return 1;
      if (b.v === null && a.v !== null) return -1;
      if (a.v !== null && b.v !== null && a.v !== b.v) return (a.v < b.v ? -1 : 1) * sign;
      return a.h.hostname.localeCompare(b.h.hostname);
    })
    .map((x) => x.h);
}

/** Rows to render for a scroll position, with an overscan margin above and below. */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): { start: number; end: number; padTop: number; padBottom: number } {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, Math.min(count - 1, first) - overscan);
  const end = Math.min(count, first + Math.ceil(Math.max(0, viewportHeight) / rowHeight) + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/** Scroll offset that brings row `index` into view, or null when it already is. */
export function scrollIntoView(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}
