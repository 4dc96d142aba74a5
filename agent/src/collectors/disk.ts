import { type Sample, sample } from '../model';
import { counterDelta } from './counters';

export interface Mount {
  device: string;
  mount: string;
  fstype: string;
  options: string[];
}

/** Filesystems that hold no user data: skipped for disk usage. */
export const PSEUDO_FILESYSTEMS = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'tmpfs',
  'ramfs',
  'cgroup',
  'cgroup2',
  'pstore',
  'bpf',
  'tracefs',
  'debugfs',
  'securityfs',
  'configfs',
  'fusectl',
  'mqueue',
  'hugetlbfs',
  'autofs',
  'binfmt_misc',
  'rpc_pipefs',
  'nsfs',
  'efivarfs',
  'selinuxfs',
  'squashfs',
  'nfsd',
  'sunrpc',
  'fuse.gvfsd-fuse',
  'fuse.portal',
  'fuse.lxcfs',
  'overlay_pseudo',
  'devfs',
  'shm',
  'iso9660',
  'cpuset',
]);

/** /proc/mounts escapes space, tab, newline and backslash as octal. */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    out.push({
      device: unescapeMountField(f[0]!),
      mount: unescapeMountField(f[1]!),
      fstype: f[2]!,
      options: f[3]!.split(','),
    });
  }
  return out;
}

/** Real filesystems, one per mount point (the last mount over a path is the visible one). */
export function dataMounts(mounts: Mount[]): Mount[] {
  const byPath = new Map<string, Mount>();
  for (const m of mounts) {
    if (PSEUDO_FILESYSTEMS.has(m.fstype)) continue;
    if (m.device === 'none' && m.fstype !== 'zfs') continue;
    // Container layers (docker, containerd) are overlays below the host's own disks; an
    // overlay at / is a containerised agent's root and is kept.
    if (m.fstype === 'overlay' && m.mount !== '/') continue;
    byPath.set(m.mount, m);
  }
  return [...byPath.values()];
}

export interface StatfsLike {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** Like df(1): used = total - free; percent against what non-root users can use. */
export function diskUsageSamples(mount: string, s: StatfsLike): Sample[] {
  const total = s.blocks * s.bsize;
  const free = s.bfree * s.bsize;
  const avail = s.bavail * s.bsize;
  const used = total - free;
  const labels = { mount };
  const out = [
    sample('disk_total_bytes', total, labels),
    sample('disk_used_bytes', used, labels),
    sample('disk_available_bytes', avail, labels),
    sample('disk_used_percent', used + avail > 0 ? (used / (used + avail)) * 100 : 0, labels),
  ];
  if (s.files > 0) {
    out.push(sample('disk_inodes_used_percent', ((s.files - s.ffree) / s.files) * 100, labels));
  }
  return out;
}

/**
 * One /proc/diskstats line. 14 fields up to 4.17, 18 since 4.18 (discards), 20 since 5.5
 * (flushes). Missing groups read as 0.
 */
export interface DiskStat {
  device: string;
  readsCompleted: number;
  readsMerged: number;
  sectorsRead: number;
  readMs: number;
  writesCompleted: number;
  writesMerged: number;
  sectorsWritten: number;
  writeMs: number;
  inFlight: number;
  ioMs: number;
  weightedIoMs: number;
  discardsCompleted: number;
  discardMs: number;
  flushesCompleted: number;
  flushMs: number;
}

export function parseDiskstats(text: string): Map<string, DiskStat> {
  const out = new Map<string, DiskStat>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = (i: number) => {
      const v = Number(f[i] ?? 0);
      return Number.isFinite(v) ? v : 0;
    };
    out.set(f[2]!, {
      device: f[2]!,
      readsCompleted: n(3),
      readsMerged: n(4),
      sectorsRead: n(5),
      readMs: n(6),
      writesCompleted: n(7),
      writesMerged: n(8),
      sectorsWritten: n(9),
      writeMs: n(10),
      inFlight: n(11),
      ioMs: n(12),
      weightedIoMs: n(13),
      discardsCompleted: f.length >= 18 ? n(14) : 0,
      discardMs: f.length >= 18 ? n(17) : 0,
      flushesCompleted: f.length >= 20 ? n(18) : 0,
      flushMs: f.length >= 20 ? n(19) : 0,
    });
  }
  return out;
}

/** Sectors in /proc/diskstats are always 512 bytes, whatever the device's sector size. */
const SECTOR = 512;

/**
 * IOPS, throughput, await (iostat's r_await/w_await/await) and utilisation between two
 * snapshots of one device. A counter reset skips the device for that interval.
 */
export function diskIoSamples(prev: DiskStat, cur: DiskStat, seconds: number): Sample[] {
  if (!(seconds > 0)) return [];
  const d = (k: keyof Omit<DiskStat, 'device' | 'inFlight'>) => counterDelta(prev[k], cur[k]);
  const reads = d('readsCompleted');
  const writes = d('writesCompleted');
  const rs = d('sectorsRead');
  const ws = d('sectorsWritten');
  const rms = d('readMs');
  const wms = d('writeMs');
  const io = d('ioMs');
  if ([reads, writes, rs, ws, rms, wms, io].some((v) => v === undefined)) return [];
  const labels = { device: cur.device };
  const ops = reads! + writes!;
  return [
    sample('disk_reads_per_second', reads! / seconds, labels),
    sample('disk_writes_per_second', writes! / seconds, labels),
    sample('disk_read_bytes_per_second', (rs! * SECTOR) / seconds, labels),
    sample('disk_written_bytes_per_second', (ws! * SECTOR) / seconds, labels),
    sample('disk_io_latency_ms', ops > 0 ? (rms! + wms!) / ops : 0, labels),
    sample('disk_read_latency_ms', reads! > 0 ? rms! / reads! : 0, labels),
    sample('disk_write_latency_ms', writes! > 0 ? wms! / writes! : 0, labels),
    sample('disk_io_utilization_percent', Math.min(100, (io! / (seconds * 1000)) * 100), labels),
    sample('disk_io_in_flight', cur.inFlight, labels),
  ];
}

/** Whole block devices worth reporting: no loop, ram or zram devices, no partitions. */
export function isReportedBlockDevice(name: string, wholeDevices: Set<string>): boolean {
  if (/^(loop|ram|zram|fd|sr)\d*/.test(name)) return false;
  return wholeDevices.has(name);
}

/** `smartctl -H -j` output → healthy (true/false), or undefined when SMART is unavailable. */
export function parseSmartctlHealth(json: string): boolean | undefined {
  try {
    const doc = JSON.parse(json) as { smart_status?: { passed?: unknown } };
    const passed = doc.smart_status?.passed;
    return typeof passed === 'boolean' ? passed : undefined;
  } catch {
    return undefined;
  }
}

/** `smartctl --scan -j` → devices with the -d type smartctl chose (megaraid,N, sat, nvme…). */
export function parseSmartctlScan(json: string): Array<{ name: string; type: string | null }> {
  try {
    const doc = JSON.parse(json) as { devices?: Array<{ name?: unknown; type?: unknown }> };
    return (doc.devices ?? []).flatMap((d) =>
      typeof d.name === 'string' ? [{ name: d.name, type: typeof d.type === 'string' ? d.type : null }] : [],
    );
  } catch {
    return [];
  }
}
