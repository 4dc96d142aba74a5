import { type Sample, sample } from '../model';

/** /proc/meminfo in bytes (the file says kB, meaning KiB). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    out.set(m[1]!, line.trimEnd().endsWith('kB') ? v * 1024 : v);
  }
  if (!out.has('MemTotal')) throw new Error('/proc/meminfo: no MemTotal');
  return out;
}

/**
 * MemAvailable exists since 3.14; before that it is estimated as free + buffers + cached,
 * the way free(1) did.
 */
export function memorySamples(mi: Map<string, number>): Sample[] {
  const get = (k: string) => mi.get(k) ?? 0;
  const total = get('MemTotal');
  const available = mi.get('MemAvailable') ?? get('MemFree') + get('Buffers') + get('Cached');
  const out = [
    sample('memory_total_bytes', total),
    sample('memory_available_bytes', available),
    sample('memory_free_bytes', get('MemFree')),
    sample('memory_buffers_bytes', get('Buffers')),
    sample('memory_cached_bytes', get('Cached') + get('SReclaimable')),
    sample('memory_used_bytes', Math.max(0, total - available)),
    sample('memory_used_percent', total > 0 ? ((total - available) / total) * 100 : 0),
    sample('swap_total_bytes', get('SwapTotal')),
    sample('swap_free_bytes', get('SwapFree')),
    sample('swap_used_bytes', Math.max(0, get('SwapTotal') - get('SwapFree'))),
  ];
  return out;
}
