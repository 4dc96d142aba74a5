import { type Sample, sample } from '../model';
import { counterDelta } from './counters';

/** Jiffies per mode for one line of /proc/stat (`cpu` total or `cpuN`). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface ProcStat {
  total: CpuTimes;
  cores: Map<string, CpuTimes>;
  /** Boot time, unix seconds (the `btime` line). */
  bootTime?: number;
}

const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** Parses /proc/stat. Kernels before 2.6.11 lack steal; missing fields read as 0. */
export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  const cores = new Map<string, CpuTimes>();
  let bootTime: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('btime ')) {
      const v = Number(line.slice(6).trim());
      if (Number.isSafeInteger(v) && v > 0) bootTime = v;
    }
    if (!line.startsWith('cpu')) continue;
    const parts = line.trim().split(/\s+/);
    const label = parts[0]!;
    const times = {} as CpuTimes;
    MODES.forEach((mode, i) => {
      const v = Number(parts[i + 1] ?? 0);
      times[mode] = Number.isFinite(v) ? v : 0;
    });
    if (label === 'cpu') total = times;
    else if (/^cpu\d+$/.test(label)) cores.set(label.slice(3), times);
  }
  if (!total) throw new Error('/proc/stat: no aggregate "cpu" line');
  return { total, cores, bootTime };
}

/** Sum of all jiffies (guest time is already inside user/nice, so it is not added again). */
export function cpuTotalJiffies(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

/**
 * Percent of time in each mode between two snapshots. `system` includes irq and softirq
 * and `user` includes nice, as top(1) folds them. Undefined when a counter went backwards
 * (CPU hot-unplug, counter reset) or no time passed.
 */
export function cpuUsage(
  prev: CpuTimes,
  cur: CpuTimes,
): { user: number; system: number; iowait: number; steal: number; idle: number } | undefined {
  const d: Partial<Record<(typeof MODES)[number], number>> = {};
  for (const m of MODES) {
    const v = counterDelta(prev[m], cur[m]);
    if (v === undefined) return undefined;
    d[m] = v;
  }
  const total = MODES.reduce((s, m) => s + d[m]!, 0);
  if (total <= 0) return undefined;
  const pct = (v: number) => (v / total) * 100;
  return {
    user: pct(d.user! + d.nice!),
    system: pct(d.system! + d.irq! + d.softirq!),
    iowait: pct(d.iowait!),
    steal: pct(d.steal!),
    idle: pct(d.idle!),
  };
}

export function cpuSamples(prev: ProcStat, cur: ProcStat): Sample[] {
  const out: Sample[] = [];
  const push = (cpu: string, p: CpuTimes, c: CpuTimes) => {
    const u = cpuUsage(p, c);
    if (!u) return;
    for (const [mode, v] of Object.entries(u)) out.push(sample('cpu_usage_percent', v, { cpu, mode }));
  };
  push('total', prev.total, cur.total);
  for (const [id, c] of cur.cores) {
    const p = prev.cores.get(id);
    if (p) push(id, p, c);
  }
  return out;
}

export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
  running: number;
  total: number;
}

export function parseLoadavg(text: string): LoadAvg {
  const [l1, l5, l15, procs] = text.trim().split(/\s+/);
  const [running, total] = (procs ?? '').split('/');
  const out = {
    load1: Number(l1),
    load5: Number(l5),
    load15: Number(l15),
    running: Number(running),
    total: Number(total),
  };
  if (![out.load1, out.load5, out.load15].every(Number.isFinite)) throw new Error('/proc/loadavg: malformed');
  return out;
}

export function loadSamples(l: LoadAvg): Sample[] {
  const out = [sample('load1', l.load1), sample('load5', l.load5), sample('load15', l.load15)];
  if (Number.isFinite(l.running)) out.push(sample('processes_running', l.running));
  if (Number.isFinite(l.total)) out.push(sample('processes_total', l.total));
  return out;
}

export interface CpuInfo {
  model: string;
  /** Physical cores (distinct physical id + core id pairs); threads when the kernel hides topology. */
  cores: number;
  threads: number;
  /** Current MHz per logical processor, from the `cpu MHz` lines (absent on some ARM kernels). */
  mhz: Map<string, number>;
}

/** Parses /proc/cpuinfo for x86 (`model name`) and ARM (`Hardware`/`CPU part`, `model name` on newer). */
export function parseCpuinfo(text: string): CpuInfo {
  const blocks = text.split(/\n\s*\n/).filter((b) => b.trim());
  let model = '';
  let threads = 0;
  const coreIds = new Set<string>();
  const mhz = new Map<string, number>();
  let hardware = '';
  for (const block of blocks) {
    const kv = new Map<string, string>();
    for (const line of block.split('\n')) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    const processor = kv.get('processor');
    if (kv.has('Hardware')) hardware = kv.get('Hardware')!;
    if (processor === undefined || !/^\d+$/.test(processor)) continue;
    threads++;
    model ||= kv.get('model name') ?? kv.get('Processor') ?? kv.get('cpu model') ?? '';
    const phys = kv.get('physical id');
    const core = kv.get('core id');
    if (phys !== undefined && core !== undefined) coreIds.add(`${phys}:${core}`);
    const m = Number(kv.get('cpu MHz'));
    if (kv.has('cpu MHz') && Number.isFinite(m)) mhz.set(processor, m);
  }
  return { model: model || hardware || 'unknown', cores: coreIds.size || threads, threads, mhz };
}

/** scaling_cur_freq is in kHz. */
export function parseScalingCurFreq(text: string): number | undefined {
  const khz = Number(text.trim());
  return Number.isFinite(khz) && khz > 0 ? khz / 1000 : undefined;
}

export function frequencySamples(mhzByCpu: Map<string, number>): Sample[] {
  return [...mhzByCpu].map(([cpu, mhz]) => sample('cpu_frequency_mhz', mhz, { cpu }));
}
