import { statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentConfig } from '../config';
import type { DiskFact, FilesystemFact, GpuFact, HostFacts, NicFact, Sample } from '../model';
import { sample } from '../model';
import {
  cpuSamples,
  cpuTotalJiffies,
  frequencySamples,
  loadSamples,
  type ProcStat,
  parseCpuinfo,
  parseLoadavg,
  parseProcStat,
  parseScalingCurFreq,
} from './cpu';
import {
  type DiskStat,
  dataMounts,
  diskIoSamples,
  diskUsageSamples,
  isReportedBlockDevice,
  parseDiskstats,
  parseMounts,
  parseSmartctlHealth,
  parseSmartctlScan,
} from './disk';
import { type ContainerReading, containerSamples, readContainers } from './docker';
import { gpuSamples, NVIDIA_SMI_ARGS, parseNvidiaSmi } from './gpu';
import { memorySamples, parseMeminfo } from './memory';
import {
  isReportedInterface,
  type NetDevStat,
  netSamples,
  parseDuplex,
  parseLinkSpeed,
  parseNetDev,
} from './net';
import { probeSamples } from './probe';
import {
  type ProcessReading,
  parseCmdline,
  parsePidStat,
  parseStatmResidentPages,
  processUsage,
  topProcessSamples,
} from './process';
import { StuckGuard } from './stuck';
import { listDir, osRelease, readProcSync, readText, runTool, which } from './system';

const STATFS_TIMEOUT_MS = 2000;
const CMDLINE_TIMEOUT_MS = 500;

export interface Collection {
  /** Unix ms when the collection started. */
  time: number;
  samples: Sample[];
  /** Collectors that failed this round, with why (the rest still report). */
  errors: Array<{ collector: string; error: string }>;
}

/**
 * Collects one host. Holds the previous counter snapshots so each call reports rates over
 * the interval since the one before; the first call reports gauges only.
 */
export class HostCollector {
  private prevStat?: ProcStat;
  private prevDisk?: { at: number; stats: Map<string, DiskStat> };
  private prevNet?: { at: number; stats: Map<string, NetDevStat> };
  private prevProcs = new Map<number, ProcessReading>();
  private prevContainers = new Map<string, ContainerReading>();
  private smartCache?: { at: number; samples: Sample[] };
  private pageSize = 4096;
  private readonly stuck = new StuckGuard();
  /** Errors found inside a collector that still returned samples. */
  private pendingErrors: Collection['errors'] = [];
  private pageSizeKnown = false;
  private readonly proc: string;
  private readonly sys: string;

  constructor(private readonly config: AgentConfig) {
    this.proc = config.procRoot;
    this.sys = config.sysRoot;
  }

  async collect(): Promise<Collection> {
    const time = Date.now();
    const samples: Sample[] = [];
    const errors: Collection['errors'] = [];
    const c = this.config.collectors;
    const run = async (name: string, enabled: boolean, fn: () => Promise<Sample[]>) => {
      if (!enabled) return;
      try {
        samples.push(...(await fn()));
      } catch (err) {
        errors.push({ collector: name, error: (err as Error).message });
      }
    };
    // CPU first: process CPU shares are scaled by its jiffy delta.
    let jiffiesPerCore = 0;
    await run('cpu', c.cpu || c.processes, async () => {
      const stat = parseProcStat(await this.mustRead('stat'));
      const prev = this.prevStat;
      this.prevStat = stat;
      if (prev)
        jiffiesPerCore =
          (cpuTotalJiffies(stat.total) - cpuTotalJiffies(prev.total)) / Math.max(1, stat.cores.size);
      if (!c.cpu) return [];
      const out = prev ? cpuSamples(prev, stat) : [];
      out.push(...loadSamples(parseLoadavg(await this.mustRead('loadavg'))));
      out.push(...(await this.frequency()));
      return out;
    });
    await Promise.all([
      run('memory', c.memory, async () => memorySamples(parseMeminfo(await this.mustRead('meminfo')))),
      run('disk', c.disk, () => this.diskUsage()),
      run('diskio', c.diskio, () => this.diskIo()),
      run('smart', c.smart, () => this.smart()),
      run('network', c.network, () => this.network()),
      run('probes', c.probes && this.config.probes.targets.length > 0, () =>
        probeSamples(this.config.probes.targets, this.config.probes.timeoutMs),
      ),
      run('gpu', c.gpu, () => this.gpus().then((g) => gpuSamples(g.readings))),
      run('processes', c.processes, () => this.processes(jiffiesPerCore)),
      run('docker', c.docker, () => this.docker()),
    ]);
    errors.push(...this.pendingErrors);
    this.pendingErrors = [];
    return { time, samples, errors };
  }

  private async mustRead(rel: string): Promise<string> {
    const text = readProcSync(path.join(this.proc, rel));
    if (text === undefined) throw new Error(`cannot read ${path.join(this.proc, rel)}`);
    return text;
  }

  private async frequency(): Promise<Sample[]> {
    const cpuDir = path.join(this.sys, 'devices/system/cpu');
    const mhz = new Map<string, number>();
    for (const d of await listDir(cpuDir)) {
      if (!/^cpu\d+$/.test(d)) continue;
      const v = parseScalingCurFreq(readProcSync(path.join(cpuDir, d, 'cpufreq/scaling_cur_freq')) ?? '');
      if (v !== undefined) mhz.set(d.slice(3), v);
    }
    if (mhz.size === 0) {
      // No cpufreq driver (VMs): /proc/cpuinfo's "cpu MHz" is the best there is.
      const info = readProcSync(path.join(this.proc, 'cpuinfo'));
      if (info) for (const [cpu, v] of parseCpuinfo(info).mhz) mhz.set(cpu, v);
    }
    return frequencySamples(mhz);
  }

  private async diskUsage(): Promise<Sample[]> {
    const mounts = dataMounts(parseMounts(await this.mustRead('self/mounts')));
    const out: Sample[] = [];
    const hung: string[] = [];
    await Promise.all(
      mounts.map(async (m) => {
        const r = await this.stuck.run(`statfs:${m.mount}`, () => statfs(m.mount), STATFS_TIMEOUT_MS);
        if (r.status === 'ok') out.push(...diskUsageSamples(m.mount, r.value));
        else if (r.status !== 'failed') hung.push(m.mount);
        // 'failed': a mount that vanished or is not ours to read is left out of this round.
      }),
    );
    // Samples of the healthy mounts are still returned; the hung ones are named as an error.
    if (hung.length)
      this.pendingErrors.push({ collector: 'disk', error: `statfs not answering: ${hung.join(', ')}` });
    return out;
  }

  private async diskIo(): Promise<Sample[]> {
    const at = Date.now();
    const stats = parseDiskstats(await this.mustRead('diskstats'));
    const whole = new Set(await listDir(path.join(this.sys, 'block')));
    const prev = this.prevDisk;
    this.prevDisk = { at, stats };
    if (!prev) return [];
    const out: Sample[] = [];
    for (const [dev, cur] of stats) {
      const p = prev.stats.get(dev);
      if (p && isReportedBlockDevice(dev, whole)) out.push(...diskIoSamples(p, cur, (at - prev.at) / 1000));
    }
    return out;
  }

  private async smart(): Promise<Sample[]> {
    const now = Date.now();
    if (this.smartCache && now - this.smartCache.at < this.config.smartIntervalSeconds * 1000) {
      return this.smartCache.samples;
    }
    const smartctl = which('smartctl', `${process.env.PATH ?? ''}:/usr/sbin:/sbin`);
    const out: Sample[] = [];
    if (smartctl) {
      const devices = parseSmartctlScan((await runTool(smartctl, ['--scan', '-j'])).stdout);
      // In parallel, so many disks cost one timeout at most, not one each; -n standby: never
      // spin up a sleeping disk just to ask it (no verdict that round).
      const verdicts = await Promise.all(
        devices.map(async (dev) => {
          const args = ['-H', '-j', '-n', 'standby', ...(dev.type ? ['-d', dev.type] : []), dev.name];
          return parseSmartctlHealth((await runTool(smartctl, args, 15_000)).stdout);
        }),
      );
      devices.forEach((dev, i) => {
        const healthy = verdicts[i];
        if (healthy !== undefined)
          out.push(sample('disk_smart_healthy', healthy ? 1 : 0, { device: path.basename(dev.name) }));
      });
    }
    this.smartCache = { at: now, samples: out };
    return out;
  }

  private async network(): Promise<Sample[]> {
    const at = Date.now();
    const stats = parseNetDev(await this.mustRead('net/dev'));
    const prev = this.prevNet;
    this.prevNet = { at, stats };
    const out: Sample[] = [];
    for (const [iface, cur] of stats) {
      if (!isReportedInterface(iface)) continue;
      const p = prev?.stats.get(iface);
      if (p && prev) out.push(...netSamples(iface, p, cur, (at - prev.at) / 1000));
      const speed = parseLinkSpeed(readProcSync(path.join(this.sys, 'class/net', iface, 'speed')));
      if (speed !== null) out.push(sample('net_link_speed_mbps', speed, { interface: iface }));
    }
    return out;
  }

  private async gpus(): Promise<{ readings: ReturnType<typeof parseNvidiaSmi> }> {
    const smi = which('nvidia-smi');
    if (!smi) return { readings: [] };
    const r = await runTool(smi, NVIDIA_SMI_ARGS);
    if (r.code !== 0) throw new Error(`nvidia-smi exited ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
    return { readings: parseNvidiaSmi(r.stdout) };
  }

  private async processes(jiffiesPerCore: number): Promise<Sample[]> {
    if (!this.pageSizeKnown) {
      this.pageSize = await detectPageSize(this.proc);
      this.pageSizeKnown = true;
    }
    const readings: ProcessReading[] = [];
    for (const entry of await listDir(this.proc)) {
      if (!/^\d+$/.test(entry)) continue;
      // Processes exit between listing and reading: each read may fail and is skipped.
      const stat = readProcSync(`${this.proc}/${entry}/stat`);
      const statm = stat === undefined ? undefined : readProcSync(`${this.proc}/${entry}/statm`);
      const ps = stat ? parsePidStat(stat) : undefined;
      const pages = statm ? parseStatmResidentPages(statm) : undefined;
      if (!ps || pages === undefined) continue;
      readings.push({
        pid: ps.pid,
        comm: ps.comm,
        startTime: ps.startTime,
        cpuTicks: ps.cpuTicks,
        rssBytes: pages * this.pageSize,
      });
    }
    const usage = processUsage(this.prevProcs, readings, jiffiesPerCore);
    this.prevProcs = new Map(readings.map((r) => [r.pid, r]));
    const top = topProcessSamples(usage, this.config.topK);
    // cmdline only for the few reported processes; capped, since it can be long.
    const cmdlines = new Map<string, string>();
    for (const s of top) {
      const pid = s.labels.pid!;
      if (!cmdlines.has(pid)) {
        // Async with a timeout: reading cmdline takes the target's mm lock and can block
        // (as ps does) on a process stuck in the kernel; the loop must not freeze with it.
        const r = await this.stuck.run(
          `cmdline:${pid}`,
          () => readText(path.join(this.proc, pid, 'cmdline')),
          CMDLINE_TIMEOUT_MS,
        );
        cmdlines.set(pid, r.status === 'ok' ? parseCmdline(r.value ?? '').slice(0, 160) : '');
      }
      s.labels.cmdline = cmdlines.get(pid)!;
    }
    return top;
  }

  private async docker(): Promise<Sample[]> {
    if (
      (await listDir(path.dirname(this.config.dockerSocket))).indexOf(
        path.basename(this.config.dockerSocket),
      ) < 0
    ) {
      return [];
    }
    const cur = await readContainers(this.config.dockerSocket);
    const out = containerSamples(this.prevContainers, cur);
    this.prevContainers = new Map(cur.map((c) => [c.id, c]));
    return out;
  }

  /** What this host is. Slow-changing: send on start and every factsIntervalSeconds. */
  async facts(): Promise<HostFacts> {
    const cpuinfo = parseCpuinfo((await readText(path.join(this.proc, 'cpuinfo'))) ?? '');
    const meminfo = await readText(path.join(this.proc, 'meminfo'));
    const mem = meminfo ? parseMeminfo(meminfo) : undefined;
    const stat = readProcSync(path.join(this.proc, 'stat'));
    const bootTime = stat ? parseProcStat(stat).bootTime : undefined;
    const mhz = [...cpuinfo.mhz.values()];
    const gpus: GpuFact[] = this.config.collectors.gpu
      ? (await this.gpus().catch(() => ({ readings: [] }))).readings.map((g) => ({
          index: g.index,
          name: g.name,
          uuid: g.uuid || null,
          memoryBytes: g.memoryTotalBytes,
          // Not in the query the agent runs every interval; a fact, not a metric.
          driver: null,
        }))
      : [];
    return {
      hostname: os.hostname(),
      os: osRelease(),
      kernel: os.release(),
      arch: os.arch(),
      cpu: {
        model: cpuinfo.model,
        cores: cpuinfo.cores || os.cpus().length,
        threads: cpuinfo.threads || os.cpus().length,
        mhz: mhz.length ? Math.max(...mhz) : null,
      },
      memoryBytes: mem?.get('MemTotal') ?? os.totalmem(),
      swapBytes: mem?.get('SwapTotal') ?? 0,
      bootTime: bootTime === undefined ? null : bootTime * 1000,
      disks: await this.diskFacts(),
      filesystems: await this.filesystemFacts(),
      nics: await this.nicFacts(),
      gpus,
    };
  }

  private async diskFacts(): Promise<DiskFact[]> {
    const block = path.join(this.sys, 'block');
    const names = await listDir(block);
    const out: DiskFact[] = [];
    for (const device of names.sort()) {
      if (!isReportedBlockDevice(device, new Set(names))) continue;
      const read = async (rel: string) => (await readText(path.join(block, device, rel)))?.trim() || null;
      const sectors = Number(await read('size'));
      const rot = await read('queue/rotational');
      out.push({
        device,
        model: await read('device/model'),
        sizeBytes: Number.isFinite(sectors) ? sectors * 512 : 0,
        rotational: rot === null ? null : rot === '1',
      });
    }
    return out;
  }

  private async filesystemFacts(): Promise<FilesystemFact[]> {
    const text = await readText(path.join(this.proc, 'self/mounts'));
    if (!text) return [];
    const out: FilesystemFact[] = [];
    for (const m of dataMounts(parseMounts(text))) {
      const r = await this.stuck.run(`statfs:${m.mount}`, () => statfs(m.mount), STATFS_TIMEOUT_MS);
      // an unreadable or hung mount is not part of the facts
      if (r.status === 'ok')
        out.push({
          mount: m.mount,
          device: m.device,
          fsType: m.fstype,
          sizeBytes: r.value.blocks * r.value.bsize,
        });
    }
    return out;
  }

  private async nicFacts(): Promise<NicFact[]> {
    const netDir = path.join(this.sys, 'class/net');
    const ifaces = os.networkInterfaces();
    const out: NicFact[] = [];
    for (const name of (await listDir(netDir)).sort()) {
      if (!isReportedInterface(name)) continue;
      const read = async (rel: string) => (await readText(path.join(netDir, name, rel)))?.trim() || null;
      const duplex = parseDuplex((await read('duplex')) ?? undefined);
      const mtu = Number(await read('mtu'));
      out.push({
        name,
        mac: await read('address'),
        speedMbps: parseLinkSpeed((await read('speed')) ?? undefined),
        duplex: duplex === 'full' ? 'FULL' : duplex === 'half' ? 'HALF' : 'UNKNOWN',
        mtu: Number.isInteger(mtu) && mtu > 0 ? mtu : null,
        addresses: (ifaces[name] ?? []).map((a) => a.cidr ?? a.address),
      });
    }
    return out;
  }
}

/**
 * Node does not expose the page size; statm counts pages while status counts kB, so the
 * ratio of our own RSS in both gives it (rounded to the sizes kernels use).
 */
export async function detectPageSize(proc: string): Promise<number> {
  const [statm, status] = await Promise.all([
    readText(path.join(proc, 'self/statm')),
    readText(path.join(proc, 'self/status')),
  ]);
  const pages = statm ? parseStatmResidentPages(statm) : undefined;
  const kb = status ? Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]) : Number.NaN;
  if (!pages || !Number.isFinite(kb)) return 4096;
  const ratio = (kb * 1024) / pages;
  return [4096, 16384, 65536].reduce((best, s) =>
    Math.abs(Math.log2(s / ratio)) < Math.abs(Math.log2(best / ratio)) ? s : best,
  );
}
