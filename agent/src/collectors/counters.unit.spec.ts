import { counterDelta, counterRate } from './counters';
import { type DiskStat, diskIoSamples } from './disk';
import { type NetDevStat, netSamples } from './net';
import { processUsage, topProcessSamples } from './process';

describe('counterDelta', () => {
  it('is the plain difference when the counter grows', () => {
    expect(counterDelta(100, 250)).toBe(150);
    expect(counterDelta(7, 7)).toBe(0);
  });

  it('crosses a 32-bit wrap', () => {
    expect(counterDelta(2 ** 32 - 10, 5)).toBe(15);
    expect(counterDelta(4_000_000_000, 100_000_000)).toBe(2 ** 32 - 4_000_000_000 + 100_000_000);
  });

  it('crosses a 64-bit wrap', () => {
    expect(counterDelta(2 ** 64 - 2 ** 20, 2 ** 20)).toBe(2 ** 21);
  });

  it('treats going backwards from low in the range as a reset (skip, not a huge rate)', () => {
    expect(counterDelta(1_000_000, 10)).toBeUndefined();
    expect(counterDelta(2 ** 40, 5)).toBeUndefined();
    expect(counterDelta(3_000_000_000, 2_500_000_000)).toBeUndefined();
  });

  it('refuses nonsense', () => {
    expect(counterDelta(Number.NaN, 5)).toBeUndefined();
    expect(counterDelta(-1, 5)).toBeUndefined();
    expect(counterRate(1, 2, 0)).toBeUndefined();
    expect(counterRate(1, 11, 2)).toBe(5);
  });
});

const net = (o: Partial<NetDevStat>): NetDevStat => ({
  rxBytes: 0,
  rxPackets: 0,
  rxErrors: 0,
  rxDrops: 0,
  txBytes: 0,
  txPackets: 0,
  txErrors: 0,
  txDrops: 0,
  ...o,
});

describe('rates over resets', () => {
  it('skips only the counter that reset, keeps the others', () => {
    const s = netSamples(
      'eth0',
      net({ rxBytes: 5_000_000, txBytes: 1000 }),
      net({ rxBytes: 10, txBytes: 3000 }),
      2,
    );
    expect(s.find((x) => x.name === 'net_rx_bytes_per_second')).toBeUndefined();
    expect(s.find((x) => x.name === 'net_tx_bytes_per_second')?.value).toBe(1000);
    expect(s.every((x) => x.value >= 0 && Number.isFinite(x.value))).toBe(true);
  });

  it('skips a disk for the interval when its counters reset (device re-created)', () => {
    const base: DiskStat = {
      device: 'sdb',
      readsCompleted: 90_000,
      readsMerged: 0,
      sectorsRead: 900_000,
      readMs: 9000,
      writesCompleted: 5000,
      writesMerged: 0,
      sectorsWritten: 80_000,
      writeMs: 4000,
      inFlight: 0,
      ioMs: 10_000,
      weightedIoMs: 0,
      discardsCompleted: 0,
      discardMs: 0,
      flushesCompleted: 0,
      flushMs: 0,
    };
    const reset = {
      ...base,
      readsCompleted: 3,
      sectorsRead: 24,
      readMs: 1,
      writesCompleted: 0,
      sectorsWritten: 0,
      writeMs: 0,
      ioMs: 2,
    };
    expect(diskIoSamples(base, reset, 5)).toEqual([]);
    // and the next interval, from the reset values, reports again
    const after = { ...reset, readsCompleted: 13 };
    expect(diskIoSamples(reset, after, 5).find((x) => x.name === 'disk_reads_per_second')?.value).toBe(2);
  });

  it('gives no CPU share to a reused pid (new start time)', () => {
    const prev = new Map([[42, { pid: 42, comm: 'old', startTime: 100, cpuTicks: 5000, rssBytes: 1 }]]);
    const u = processUsage(prev, [{ pid: 42, comm: 'new', startTime: 900, cpuTicks: 30, rssBytes: 1 }], 500);
    expect(u[0]!.cpuPercent).toBe(0);
    const same = processUsage(
      prev,
      [{ pid: 42, comm: 'old', startTime: 100, cpuTicks: 5250, rssBytes: 1 }],
      500,
    );
    expect(same[0]!.cpuPercent).toBe(50);
  });
});

describe('topProcessSamples', () => {
  it('reports the top-k by CPU and the top-k by memory, each process once', () => {
    const usage = [
      { pid: 1, comm: 'a', startTime: 0, cpuTicks: 0, rssBytes: 10, cpuPercent: 90 },
      { pid: 2, comm: 'b', startTime: 0, cpuTicks: 0, rssBytes: 900, cpuPercent: 1 },
      { pid: 3, comm: 'c', startTime: 0, cpuTicks: 0, rssBytes: 800, cpuPercent: 80 },
      { pid: 4, comm: 'd', startTime: 0, cpuTicks: 0, rssBytes: 5, cpuPercent: 0 },
    ];
    const s = topProcessSamples(usage, 2);
    const pids = [...new Set(s.map((x) => x.labels.pid))].sort();
    expect(pids).toEqual(['1', '2', '3']);
    expect(s.find((x) => x.name === 'process_cpu_percent' && x.labels.pid === '1')?.labels.comm).toBe('a');
    expect(topProcessSamples(usage, 0)).toEqual([]);
  });
});
