import { parseSmartctlHealth, parseSmartctlScan } from './disk';
import { containerSamples, parseContainerList, parseContainerStats } from './docker';
import { gpuSamples, parseNvidiaSmi } from './gpu';

describe('nvidia-smi csv', () => {
  it('parses boards, MiB to bytes, [N/A] as missing', () => {
    const g = parseNvidiaSmi(
      '0, NVIDIA A100-SXM4-40GB, GPU-aaa, 87, 30521, 40960, 64, 312.45\n1, NVIDIA T4, GPU-bbb, [N/A], 412, 15360, 41, [Not Supported]\n',
    );
    expect(g).toHaveLength(2);
    expect(g[0]).toMatchObject({
      index: 0,
      name: 'NVIDIA A100-SXM4-40GB',
      uuid: 'GPU-aaa',
      memoryUsedBytes: 30521 * 2 ** 20,
    });
    expect(g[1]!.utilizationPercent).toBeNull();
    expect(g[1]!.powerWatts).toBeNull();
    const s = gpuSamples(g);
    expect(s.filter((x) => x.labels.gpu === '1').map((x) => x.name)).toEqual([
      'gpu_memory_used_bytes',
      'gpu_memory_total_bytes',
      'gpu_temperature_celsius',
    ]);
  });

  it('ignores error text and short lines', () => {
    expect(
      parseNvidiaSmi('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.\n'),
    ).toEqual([]);
  });
});

describe('smartctl json', () => {
  it('reads the health verdict and the device scan', () => {
    expect(parseSmartctlHealth('{"smart_status":{"passed":true}}')).toBe(true);
    expect(parseSmartctlHealth('{"smart_status":{"passed":false}}')).toBe(false);
    expect(parseSmartctlHealth('{"smartctl":{"exit_status":2}}')).toBeUndefined();
    expect(parseSmartctlHealth('not json')).toBeUndefined();
    expect(
      parseSmartctlScan(
        '{"devices":[{"name":"/dev/sda","type":"sat"},{"name":"/dev/bus/0","type":"megaraid,1"},{"name":"/dev/x"}]}',
      ),
    ).toEqual([
      { name: '/dev/sda', type: 'sat' },
      { name: '/dev/bus/0', type: 'megaraid,1' },
      { name: '/dev/x', type: null },
    ]);
  });
});

describe('docker engine documents', () => {
  it('parses the container list and stats (cgroup v2 inactive_file excluded from memory)', () => {
    const list = parseContainerList([
      { Id: 'abc123', Names: ['/web'], Image: 'nginx', State: 'running' },
      { Id: 'def456', Names: ['/batch'], Image: 'busybox', State: 'exited' },
      { nonsense: true },
    ]);
    expect(list.map((c) => [c.name, c.state])).toEqual([
      ['web', 'running'],
      ['batch', 'exited'],
    ]);
    const st = parseContainerStats({
      cpu_stats: { cpu_usage: { total_usage: 5_000_000_000 } },
      memory_stats: { usage: 100_000_000, limit: 1_000_000_000, stats: { inactive_file: 30_000_000 } },
    })!;
    expect(st).toEqual({
      cpuTotalNs: 5_000_000_000,
      memoryBytes: 70_000_000,
      memoryLimitBytes: 1_000_000_000,
    });
    expect(parseContainerStats({})).toBeUndefined();
  });

  it('computes container CPU from two readings', () => {
    const c = { id: 'abc', name: 'web', image: 'nginx', state: 'running' };
    const prev = new Map([
      [c.id, { ...c, atMs: 1000, stats: { cpuTotalNs: 1e9, memoryBytes: 1, memoryLimitBytes: 0 } }],
    ]);
    const s = containerSamples(prev, [
      { ...c, atMs: 3000, stats: { cpuTotalNs: 2e9, memoryBytes: 5, memoryLimitBytes: 0 } },
    ]);
    expect(s.find((x) => x.name === 'container_cpu_percent')?.value).toBe(50);
    expect(s.find((x) => x.name === 'container_running')?.labels).toEqual({
      container: 'web',
      state: 'running',
    });
  });
});
