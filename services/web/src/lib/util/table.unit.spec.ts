import type { HostSummary } from '../api/types';
import { matchesHost, scrollIntoView, sortHosts, visibleWindow } from './table';

const h = (
  hostname: string,
  cpu: number | null,
  status: HostSummary['status'] = 'online',
  labels = {},
): HostSummary => ({
  hostId: `id-${hostname}`,
  hostname,
  status,
  labels,
  lastSeenAt: 0,
  os: 'Debian GNU/Linux 12',
  kernel: null,
  arch: null,
  cpuThreads: null,
  memoryBytes: null,
  agentVersion: null,
  latest: {
    cpuPercent: cpu,
    memoryUsedPercent: null,
    diskUsedPercent: null,
    load1: null,
    netRxBytesPerSec: null,
    netTxBytesPerSec: null,
  },
  spark: { t: [], cpu: [] },
  activeAlerts: { count: 0, maxSeverity: null },
});

describe('host table', () => {
  it('filters by status, text and labels', () => {
    const web = h('web-1', 10, 'online', { env: 'prod', role: 'web' });
    const db = h('db-1', 20, 'offline', { env: 'staging' });
    expect(matchesHost(web, { text: '', status: 'offline' })).toBe(false);
    expect(matchesHost(db, { text: 'DB', status: 'all' })).toBe(true);
    expect(matchesHost(web, { text: 'env=prod', status: 'all' })).toBe(true);
    expect(matchesHost(db, { text: 'env=prod', status: 'all' })).toBe(false);
    expect(matchesHost(web, { text: 'web prod', status: 'all' })).toBe(true);
    expect(matchesHost(web, { text: 'debian', status: 'all' })).toBe(true);
  });
  it('sorts with missing values last in both directions and ties by name', () => {
    const list = [h('c', null), h('b', 50), h('a', 50), h('d', 10)];
    expect(sortHosts(list, 'cpu', 'desc').map((x) => x.hostname)).toEqual(['a', 'b', 'd', 'c']);
    expect(sortHosts(list, 'cpu', 'asc').map((x) => x.hostname)).toEqual(['d', 'a', 'b', 'c']);
    expect(sortHosts(list, 'hostname', 'desc').map((x) => x.hostname)).toEqual(['d', 'c', 'b', 'a']);
  });
  it('computes the rendered window of a virtual list', () => {
    expect(visibleWindow(0, 300, 30, 1000, 5)).toEqual({ start: 0, end: 15, padTop: 0, padBottom: 985 * 30 });
    const w = visibleWindow(3000, 300, 30, 1000, 5);
    expect(w.start).toBe(95);
    expect(w.end).toBe(115);
    expect(w.padTop + (w.end - w.start) * 30 + w.padBottom).toBe(30_000);
    expect(visibleWindow(0, 300, 30, 0)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
  it('scrolls a selected row into view only when needed', () => {
    expect(scrollIntoView(5, 0, 300, 30)).toBeNull();
    expect(scrollIntoView(20, 0, 300, 30)).toBe(330);
    expect(scrollIntoView(2, 300, 300, 30)).toBe(60);
  });
});
