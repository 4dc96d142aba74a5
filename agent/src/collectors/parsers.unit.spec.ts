import { type Kernel, procFixture } from '../test-support/fixtures';
import { cpuSamples, cpuUsage, parseCpuinfo, parseLoadavg, parseProcStat, parseScalingCurFreq } from './cpu';
import { dataMounts, diskIoSamples, diskUsageSamples, parseDiskstats, parseMounts } from './disk';
import { memorySamples, parseMeminfo } from './memory';
import { netSamples, parseDuplex, parseLinkSpeed, parseNetDev } from './net';
import { parsePidStat, parseStatmResidentPages } from './process';

const value = (
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>,
  name: string,
  labels: Record<string, string> = {},
) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

interface Expect {
  stat: { cores: number; user: number; steal: number };
  load: [number, number, number, number, number];
  mem: { total: number; available: number; swapTotal: number; swapFree: number };
  cpuinfo: { model: string; cores: number; threads: number; mhz0?: number };
  disk: {
    device: string;
    fields: number;
    reads: number;
    writeMs: number;
    discards: number;
    flushes: number;
    flushMs: number;
  };
  net: { iface: string; rxBytes: number; txBytes: number; rxDrops: number; names: string[] };
  mounts: string[];
  pid: { pid: number; comm: string; cpuTicks: number; start: number; rssPages: number };
}

const KERNEL_EXPECT: Record<Kernel, Expect> = {
  '4.15': {
    stat: { cores: 2, user: 2255, steal: 0 },
    load: [0.2, 0.18, 0.12, 1, 80],
    mem: {
      total: 4039032 * 1024,
      available: 2787408 * 1024,
      swapTotal: 2097148 * 1024,
      swapFree: 2093820 * 1024,
    },
    cpuinfo: { model: 'Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz', cores: 1, threads: 2, mhz0: 2300.062 },
    disk: {
      device: 'xvda',
      fields: 14,
      reads: 179474,
      writeMs: 2113056,
      discards: 0,
      flushes: 0,
      flushMs: 0,
    },
    net: { iface: 'eth0', rxBytes: 2350153926, txBytes: 449137460, rxDrops: 0, names: ['eth0', 'lo'] },
    mounts: ['/', '/srv/My Data'],
    pid: { pid: 1043, comm: 'sshd', cpuTicks: 19, start: 1734, rssPages: 1457 },
  },
  '4.19': {
    stat: { cores: 4, user: 1011736, steal: 0 },
    load: [0.31, 0.27, 0.26, 2, 157],
    mem: { total: 999036 * 1024, available: 637796 * 1024, swapTotal: 102396 * 1024, swapFree: 87292 * 1024 },
    cpuinfo: { model: 'ARMv7 Processor rev 4 (v7l)', cores: 4, threads: 4 },
    disk: {
      device: 'mmcblk0',
      fields: 18,
      reads: 49877,
      writeMs: 4124300,
      discards: 0,
      flushes: 0,
      flushMs: 0,
    },
    net: {
      iface: 'eth0',
      rxBytes: 4294967001,
      txBytes: 892201345,
      rxDrops: 1822,
      names: ['lo', 'eth0', 'wlan0'],
    },
    mounts: ['/', '/boot'],
    pid: { pid: 18220, comm: 'python3 (worker) x', cpuTicks: 4831, start: 9918331, rssPages: 6210 },
  },
  '5.15': {
    stat: { cores: 4, user: 4705356, steal: 41202 },
    load: [1.02, 0.87, 0.79, 3, 912],
    mem: {
      total: 16369304 * 1024,
      available: 10846032 * 1024,
      swapTotal: 4194300 * 1024,
      swapFree: 3841532 * 1024,
    },
    cpuinfo: { model: 'Intel(R) Core(TM) i7-7600U CPU @ 2.80GHz', cores: 2, threads: 4, mhz0: 3497.328 },
    disk: {
      device: 'nvme0n1',
      fields: 20,
      reads: 1894542,
      writeMs: 5618734,
      discards: 0,
      flushes: 387154,
      flushMs: 266415,
    },
    net: {
      iface: 'enp0s31f6',
      rxBytes: 48811972291,
      txBytes: 8129401827,
      rxDrops: 3417,
      names: ['lo', 'enp0s31f6', 'wlp4s0', 'docker0'],
    },
    mounts: ['/', '/boot/efi'],
    pid: { pid: 2411, comm: 'containerd', cpuTicks: 277743, start: 2817, rssPages: 13804 },
  },
  '6.8': {
    stat: { cores: 8, user: 38193642, steal: 1209381 },
    load: [3.47, 2.91, 2.64, 6, 1794],
    mem: {
      total: 65536708 * 1024,
      available: 41029884 * 1024,
      swapTotal: 8388604 * 1024,
      swapFree: 8013308 * 1024,
    },
    cpuinfo: { model: 'AMD Ryzen 7 5700G with Radeon Graphics', cores: 4, threads: 8, mhz0: 3800 },
    disk: {
      device: 'nvme0n1',
      fields: 20,
      reads: 18340922,
      writeMs: 81902283,
      discards: 2140221,
      flushes: 9120331,
      flushMs: 2448416,
    },
    net: {
      iface: 'enp5s0',
      rxBytes: 48213098123412,
      txBytes: 3918209312211,
      rxDrops: 41,
      names: ['lo', 'enp5s0', 'docker0', 'veth3a1f2c9'],
    },
    mounts: ['/', '/boot', '/boot/efi', '/data'],
    pid: { pid: 3028377, comm: 'node', cpuTicks: 100305, start: 109281733, rssPages: 24012 },
  },
};

describe.each(Object.entries(KERNEL_EXPECT) as Array<[Kernel, Expect]>)('kernel %s fixtures', (kernel, e) => {
  it('parses /proc/stat total and per core', () => {
    const s = parseProcStat(procFixture(kernel, 'stat'));
    expect(s.cores.size).toBe(e.stat.cores);
    expect(s.total.user).toBe(e.stat.user);
    expect(s.total.steal).toBe(e.stat.steal);
    expect([...s.cores.keys()]).toEqual(Array.from({ length: e.stat.cores }, (_, i) => String(i)));
  });

  it('turns /proc/stat deltas into mode percentages that sum to 100', () => {
    const prev = parseProcStat(procFixture(kernel, 'stat'));
    const cur = parseProcStat(procFixture(kernel, 'stat'));
    Object.assign(cur.total, {
      user: prev.total.user + 80,
      nice: prev.total.nice + 20,
      system: prev.total.system + 30,
      irq: prev.total.irq + 10,
      softirq: prev.total.softirq + 10,
      iowait: prev.total.iowait + 10,
      steal: prev.total.steal + 5,
      idle: prev.total.idle + 835,
    });
    const u = cpuUsage(prev.total, cur.total)!;
    expect(u.user).toBeCloseTo(10);
    expect(u.system).toBeCloseTo(5);
    expect(u.iowait).toBeCloseTo(1);
    expect(u.steal).toBeCloseTo(0.5);
    expect(u.idle).toBeCloseTo(83.5);
    // per-core cores that did not move produce no samples (no time passed), the total does
    const samples = cpuSamples(prev, cur);
    expect(samples.filter((s) => s.labels.cpu === 'total')).toHaveLength(5);
    expect(samples.filter((s) => s.labels.cpu !== 'total')).toHaveLength(0);
  });

  it('parses /proc/loadavg', () => {
    const l = parseLoadavg(procFixture(kernel, 'loadavg'));
    expect([l.load1, l.load5, l.load15, l.running, l.total]).toEqual(e.load);
  });

  it('parses /proc/meminfo into bytes', () => {
    const m = parseMeminfo(procFixture(kernel, 'meminfo'));
    const s = memorySamples(m);
    expect(value(s, 'memory_total_bytes')).toBe(e.mem.total);
    expect(value(s, 'memory_available_bytes')).toBe(e.mem.available);
    expect(value(s, 'memory_used_bytes')).toBe(e.mem.total - e.mem.available);
    expect(value(s, 'swap_total_bytes')).toBe(e.mem.swapTotal);
    expect(value(s, 'swap_used_bytes')).toBe(e.mem.swapTotal - e.mem.swapFree);
    expect(m.get('HugePages_Total') ?? 0).toBe(0);
  });

  it('parses /proc/cpuinfo', () => {
    const c = parseCpuinfo(procFixture(kernel, 'cpuinfo'));
    expect(c.model).toBe(e.cpuinfo.model);
    expect(c.cores).toBe(e.cpuinfo.cores);
    expect(c.threads).toBe(e.cpuinfo.threads);
    if (e.cpuinfo.mhz0 === undefined) expect(c.mhz.size).toBe(0);
    else expect(c.mhz.get('0')).toBe(e.cpuinfo.mhz0);
  });

  it(`parses /proc/diskstats with ${e.disk.fields} fields`, () => {
    const text = procFixture(kernel, 'diskstats');
    const line = text.split('\n').find((l) => l.includes(` ${e.disk.device} `))!;
    expect(line.trim().split(/\s+/)).toHaveLength(e.disk.fields);
    const d = parseDiskstats(text).get(e.disk.device)!;
    expect(d.readsCompleted).toBe(e.disk.reads);
    expect(d.writeMs).toBe(e.disk.writeMs);
    expect(d.discardsCompleted).toBe(e.disk.discards);
    expect(d.flushesCompleted).toBe(e.disk.flushes);
    expect(d.flushMs).toBe(e.disk.flushMs);
  });

  it('computes IOPS, throughput and await from two diskstats snapshots', () => {
    const prev = parseDiskstats(procFixture(kernel, 'diskstats')).get(e.disk.device)!;
    const cur = {
      ...prev,
      readsCompleted: prev.readsCompleted + 100,
      writesCompleted: prev.writesCompleted + 300,
      sectorsRead: prev.sectorsRead + 2000,
      sectorsWritten: prev.sectorsWritten + 8000,
      readMs: prev.readMs + 50,
      writeMs: prev.writeMs + 350,
      ioMs: prev.ioMs + 1000,
    };
    const s = diskIoSamples(prev, cur, 2);
    const l = { device: e.disk.device };
    expect(value(s, 'disk_reads_per_second', l)).toBe(50);
    expect(value(s, 'disk_writes_per_second', l)).toBe(150);
    expect(value(s, 'disk_read_bytes_per_second', l)).toBe(512_000);
    expect(value(s, 'disk_written_bytes_per_second', l)).toBe(2_048_000);
    expect(value(s, 'disk_io_latency_ms', l)).toBe(1);
    expect(value(s, 'disk_read_latency_ms', l)).toBe(0.5);
    expect(value(s, 'disk_write_latency_ms', l)).toBeCloseTo(350 / 300);
    expect(value(s, 'disk_io_utilization_percent', l)).toBe(50);
  });

  it('parses /proc/net/dev', () => {
    const n = parseNetDev(procFixture(kernel, 'net_dev'));
    expect([...n.keys()]).toEqual(e.net.names);
    const i = n.get(e.net.iface)!;
    expect(i.rxBytes).toBe(e.net.rxBytes);
    expect(i.txBytes).toBe(e.net.txBytes);
    expect(i.rxDrops).toBe(e.net.rxDrops);
  });

  it('keeps only data filesystems from /proc/self/mounts', () => {
    expect(dataMounts(parseMounts(procFixture(kernel, 'mounts'))).map((m) => m.mount)).toEqual(e.mounts);
  });

  it('parses /proc/[pid]/stat and statm', () => {
    const p = parsePidStat(procFixture(kernel, 'pid_stat'))!;
    expect(p).toMatchObject({
      pid: e.pid.pid,
      comm: e.pid.comm,
      cpuTicks: e.pid.cpuTicks,
      startTime: e.pid.start,
    });
    expect(parseStatmResidentPages(procFixture(kernel, 'pid_statm'))).toBe(e.pid.rssPages);
  });
});

describe('sysfs values', () => {
  it('reads link speed and duplex, unknown for -1, EINVAL or nonsense', () => {
    expect(parseLinkSpeed('1000\n')).toBe(1000);
    expect(parseLinkSpeed('25000\n')).toBe(25000);
    expect(parseLinkSpeed('-1\n')).toBeNull();
    expect(parseLinkSpeed(undefined)).toBeNull();
    expect(parseLinkSpeed('4294967295\n')).toBeNull();
    expect(parseDuplex('full\n')).toBe('full');
    expect(parseDuplex('half\n')).toBe('half');
    expect(parseDuplex('unknown\n')).toBeNull();
  });

  it('reads scaling_cur_freq in kHz as MHz', () => {
    expect(parseScalingCurFreq('3792611\n')).toBeCloseTo(3792.611);
    expect(parseScalingCurFreq('')).toBeUndefined();
  });

  it('computes df-like usage from statfs', () => {
    const s = diskUsageSamples('/', {
      bsize: 4096,
      blocks: 1000,
      bfree: 300,
      bavail: 250,
      files: 100,
      ffree: 40,
    });
    expect(value(s, 'disk_total_bytes', { mount: '/' })).toBe(4_096_000);
    expect(value(s, 'disk_used_bytes', { mount: '/' })).toBe(700 * 4096);
    expect(value(s, 'disk_available_bytes', { mount: '/' })).toBe(250 * 4096);
    expect(value(s, 'disk_used_percent', { mount: '/' })).toBeCloseTo((700 / 950) * 100);
    expect(value(s, 'disk_inodes_used_percent', { mount: '/' })).toBe(60);
  });

  it('rejects files that are not what they claim', () => {
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow(/no aggregate/);
    expect(() => parseMeminfo('garbage')).toThrow(/MemTotal/);
    expect(() => parseLoadavg('x y z')).toThrow(/malformed/);
    expect(parsePidStat('not a stat line')).toBeUndefined();
  });
});

describe('net rates on a 32-bit counter (4.19 armv7 fixture near 2^32)', () => {
  it('crosses the wrap with the right rate', () => {
    const prev = parseNetDev(procFixture('4.19', 'net_dev')).get('eth0')!;
    const cur = { ...prev, rxBytes: 1000 };
    const s = netSamples('eth0', prev, cur, 5);
    // 2^32 - 4294967001 = 295 bytes to the wrap, plus 1000 after it
    expect(value(s, 'net_rx_bytes_per_second')).toBe((295 + 1000) / 5);
  });
});
