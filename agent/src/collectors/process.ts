import { type Sample, sample } from '../model';

export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  startTime: number;
}

/**
 * /proc/[pid]/stat. comm sits in parentheses and may itself hold spaces and ')' so the
 * fields after it are found from the LAST ')'.
 */
export function parsePidStat(text: string): PidStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); utime/stime are fields 14/15, starttime 22.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const start = Number(rest[19]);
  if (!Number.isInteger(pid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    cpuTicks: utime + stime,
    startTime: start,
  };
}

/** /proc/[pid]/statm: resident pages is the second field. */
export function parseStatmResidentPages(text: string): number | undefined {
  const v = Number(text.trim().split(/\s+/)[1]);
  return Number.isFinite(v) ? v : undefined;
}

/** cmdline is NUL-separated; kernel threads have none. */
export function parseCmdline(buf: string): string {
  return buf.replace(/\0+$/, '').split('\0').join(' ');
}

export interface ProcessReading {
  pid: number;
  comm: string;
  startTime: number;
  cpuTicks: number;
  rssBytes: number;
}

export interface ProcessUsage extends ProcessReading {
  /** Percent of one core over the interval (can exceed 100 for multi-threaded processes). */
  cpuPercent: number;
}

/**
 * CPU share per process from tick deltas, scaled by the host's total jiffies per core over the
 * same interval (so USER_HZ never needs to be known). A pid reused by a new process (different
 * start time) or a counter that went backwards gets no CPU figure for that interval.
 */
export function processUsage(
  prev: Map<number, ProcessReading>,
  cur: ProcessReading[],
  totalJiffiesPerCore: number,
): ProcessUsage[] {
  return cur.map((p) => {
    const before = prev.get(p.pid);
    let cpuPercent = 0;
    if (
      before &&
      before.startTime === p.startTime &&
      p.cpuTicks >= before.cpuTicks &&
      totalJiffiesPerCore > 0
    ) {
      cpuPercent = ((p.cpuTicks - before.cpuTicks) / totalJiffiesPerCore) * 100;
    }
    return { ...p, cpuPercent };
  });
}

/** The top-k by CPU and the top-k by memory (a process in both lists is reported once). */
export function topProcessSamples(usage: ProcessUsage[], k: number): Sample[] {
  if (k <= 0) return [];
  const byCpu = [...usage].sort((a, b) => b.cpuPercent - a.cpuPercent || a.pid - b.pid).slice(0, k);
  const byMem = [...usage].sort((a, b) => b.rssBytes - a.rssBytes || a.pid - b.pid).slice(0, k);
  const chosen = new Map<number, ProcessUsage>();
  for (const p of [...byCpu, ...byMem]) chosen.set(p.pid, p);
  const out: Sample[] = [];
  for (const p of chosen.values()) {
    const labels = { pid: String(p.pid), comm: p.comm };
    out.push(sample('process_cpu_percent', p.cpuPercent, labels));
    out.push(sample('process_memory_rss_bytes', p.rssBytes, labels));
  }
  return out;
}
