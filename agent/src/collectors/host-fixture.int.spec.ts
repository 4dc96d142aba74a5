import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '@nagare/testkit';
import { DEFAULT_CONFIG } from '../config';
import type { Sample } from '../model';
import { FIXTURES, procFixture } from '../test-support/fixtures';
import { HostCollector } from './host';

const find = (s: Sample[], name: string, labels: Record<string, string> = {}) =>
  s.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));

/**
 * The whole collector over a fake /proc and /sys built from the kernel 6.8 fixtures: checks
 * the thin readers (paths, /sys/block filtering, sysfs link facts, cpufreq) end to end.
 */
describe('HostCollector over a kernel 6.8 fixture tree', () => {
  let dir: ReturnType<typeof tempDir>;
  let proc: string;
  let sys: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  beforeAll(() => {
    dir = tempDir('nagare-fixture-host-');
    proc = path.join(dir.path, 'proc');
    sys = path.join(dir.path, 'sys');
    for (const f of ['stat', 'loadavg', 'meminfo', 'diskstats', 'cpuinfo'])
      cpSync(path.join(FIXTURES, 'proc/6.8', f), path.join(proc, f));
    write(path.join(proc, 'net/dev'), procFixture('6.8', 'net_dev'));
    write(path.join(proc, 'self/mounts'), procFixture('6.8', 'mounts'));
    write(path.join(proc, '3028377/stat'), procFixture('6.8', 'pid_stat'));
    write(path.join(proc, '3028377/statm'), procFixture('6.8', 'pid_statm'));
    write(path.join(proc, '3028377/cmdline'), 'node\0server.js\0--port\x003000\0');
    for (const d of ['nvme0n1', 'sda', 'dm-0', 'loop0'])
      write(path.join(sys, 'block', d, 'size'), '1000215216\n');
    write(path.join(sys, 'block/sda/queue/rotational'), '1\n');
    write(path.join(sys, 'block/sda/device/model'), 'ST4000NM0035-1V4\n');
    write(path.join(sys, 'class/net/enp5s0/speed'), '2500\n');
    write(path.join(sys, 'class/net/enp5s0/duplex'), 'full\n');
    write(path.join(sys, 'class/net/enp5s0/address'), 'a8:a1:59:12:34:56\n');
    write(path.join(sys, 'class/net/enp5s0/mtu'), '9000\n');
    write(path.join(sys, 'class/net/docker0/speed'), '-1\n');
    write(path.join(sys, 'class/net/docker0/duplex'), 'unknown\n');
    write(path.join(sys, 'class/net/lo/address'), '00:00:00:00:00:00\n');
    write(path.join(sys, 'devices/system/cpu/cpu0/cpufreq/scaling_cur_freq'), '3792611\n');
    write(path.join(sys, 'devices/system/cpu/cpu1/cpufreq/scaling_cur_freq'), '400000\n');
  });
  afterAll(() => dir.cleanup());

  const config = () => {
    const c = structuredClone(DEFAULT_CONFIG);
    Object.assign(c, { procRoot: proc, sysRoot: sys, topK: 2 });
    Object.assign(c.collectors, { smart: false, gpu: false, docker: false, probes: false });
    return c;
  };

  it('reads every file where the kernel puts it and turns deltas into rates', async () => {
    const collector = new HostCollector(config());
    const first = await collector.collect();
    expect(first.errors).toEqual([]);
    expect(find(first.samples, 'cpu_frequency_mhz').map((s) => [s.labels.cpu, s.value])).toEqual([
      ['0', 3792.611],
      ['1', 400],
    ]);
    expect(find(first.samples, 'net_link_speed_mbps')).toEqual([
      { name: 'net_link_speed_mbps', labels: { interface: 'enp5s0' }, value: 2500 },
    ]);
    expect(find(first.samples, 'load1')[0]!.value).toBe(3.47);

    // advance the counters: +1 s of CPU on every core for the process, disk and net traffic
    const bump = (file: string, re: RegExp, fn: (m: string[]) => string) =>
      write(
        path.join(proc, file),
        procFixture('6.8', file.replace('net/dev', 'net_dev')).replace(re, (...m) => fn(m as string[])),
      );
    bump('diskstats', /(nvme0n1) (\d+)/, (m) => `${m[1]} ${Number(m[2]) + 1000}`);
    bump('net/dev', /(enp5s0: )(\d+)/, (m) => `${m[1]}${Number(m[2]) + 10_000_000}`);
    bump('stat', /^cpu {2}(\d+)/, (m) => `cpu  ${Number(m[1]) + 800}`);
    write(path.join(proc, '3028377/stat'), procFixture('6.8', 'pid_stat').replace(' 88213 ', ' 88313 '));

    const { samples, errors } = await collector.collect();
    expect(errors).toEqual([]);
    const reads = find(samples, 'disk_reads_per_second', { device: 'nvme0n1' })[0]!.value;
    expect(reads).toBeGreaterThan(0);
    // whole devices from /sys/block only: no partitions, no loop devices
    expect(new Set(find(samples, 'disk_reads_per_second').map((s) => s.labels.device))).toEqual(
      new Set(['nvme0n1', 'sda', 'dm-0']),
    );
    expect(find(samples, 'net_rx_bytes_per_second', { interface: 'enp5s0' })[0]!.value).toBeGreaterThan(0);
    expect(find(samples, 'net_rx_bytes_per_second', { interface: 'lo' })).toEqual([]);
    // 800 jiffies over 8 cores = 100 per core; the process used 100 ticks: 100 % of one core
    expect(find(samples, 'cpu_usage_percent', { cpu: 'total', mode: 'user' })[0]!.value).toBe(100);
    const p = find(samples, 'process_cpu_percent', { pid: '3028377' })[0]!;
    expect(p.value).toBe(100);
    expect(p.labels).toEqual({ pid: '3028377', comm: 'node', cmdline: 'node server.js --port 3000' });
    expect(find(samples, 'process_memory_rss_bytes', { pid: '3028377' })[0]!.value % 24012).toBe(0);
  });

  it('builds facts from the tree', async () => {
    const f = await new HostCollector(config()).facts();
    expect(f.cpu).toEqual({
      model: 'AMD Ryzen 7 5700G with Radeon Graphics',
      cores: 4,
      threads: 8,
      mhz: 4650.102,
    });
    expect(f.memoryBytes).toBe(65536708 * 1024);
    expect(f.swapBytes).toBe(8388604 * 1024);
    expect(f.bootTime).toBe(1717661022 * 1000);
    expect(f.disks.map((d) => d.device)).toEqual(['dm-0', 'nvme0n1', 'sda']);
    expect(f.disks.find((d) => d.device === 'sda')).toEqual({
      device: 'sda',
      model: 'ST4000NM0035-1V4',
      sizeBytes: 1000215216 * 512,
      rotational: true,
    });
    expect(f.nics.map((n) => [n.name, n.mac, n.speedMbps, n.duplex, n.mtu])).toEqual([
      ['docker0', null, null, 'UNKNOWN', null],
      ['enp5s0', 'a8:a1:59:12:34:56', 2500, 'FULL', 9000],
    ]);
  });
});
