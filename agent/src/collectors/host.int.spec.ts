import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HostFacts as HostFactsRecord, MetricBatch } from '@nagare/contracts';
import { tempDir } from '@nagare/testkit';
import { DEFAULT_CONFIG } from '../config';
import type { Sample } from '../model';
import { FIXTURES } from '../test-support/fixtures';
import { HostCollector } from './host';

const find = (s: Sample[], name: string, labels: Record<string, string> = {}) =>
  s.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));

describe('HostCollector on this machine', () => {
  const savedPath = process.env.PATH;
  let tcp: net.Server;
  let docker: http.Server;
  let dir: ReturnType<typeof tempDir>;
  let tcpPort: number;

  beforeAll(async () => {
    // Fake nvidia-smi and smartctl first on PATH, like the real tools would be.
    process.env.PATH = `${path.join(FIXTURES, 'bin')}:${savedPath}`;
    tcp = net.createServer((s) => s.end());
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    tcpPort = (tcp.address() as net.AddressInfo).port;
    dir = tempDir('nagare-agent-docker-');
    let cpuNs = 1e9;
    docker = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/containers/json?all=1') {
        res.end(
          JSON.stringify([
            { Id: 'c1', Names: ['/web'], Image: 'nginx', State: 'running' },
            { Id: 'c2', Names: ['/old'], Image: 'x', State: 'exited' },
          ]),
        );
      } else if (req.url?.startsWith('/containers/c1/stats')) {
        cpuNs += 5e8;
        res.end(
          JSON.stringify({
            cpu_stats: { cpu_usage: { total_usage: cpuNs } },
            memory_stats: { usage: 52428800, limit: 1e9, stats: { inactive_file: 2097152 } },
          }),
        );
      } else {
        res.statusCode = 404;
        res.end('{"message":"page not found"}');
      }
    });
    await new Promise<void>((r) => docker.listen(path.join(dir.path, 'docker.sock'), r));
  });

  afterAll(async () => {
    process.env.PATH = savedPath;
    await new Promise((r) => tcp.close(r));
    await new Promise((r) => docker.close(r));
    dir.cleanup();
  });

  it('collects every enabled collector, with rates on the second pass', async () => {
    const config = structuredClone(DEFAULT_CONFIG);
    config.dockerSocket = path.join(dir.path, 'docker.sock');
    config.probes.targets = [
      { host: '127.0.0.1', port: tcpPort, name: 'local' },
      { host: '127.0.0.1', port: 1, name: 'closed' },
    ];
    config.topK = 3;
    const c = new HostCollector(config);
    const first = await c.collect();
    expect(find(first.samples, 'cpu_usage_percent')).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    const { samples, errors } = await c.collect();
    expect(errors).toEqual([]);

    const total = find(samples, 'cpu_usage_percent', { cpu: 'total' });
    expect(total.map((s) => s.labels.mode).sort()).toEqual(['idle', 'iowait', 'steal', 'system', 'user']);
    expect(total.reduce((a, s) => a + s.value, 0)).toBeCloseTo(100, 5);
    expect(find(samples, 'cpu_usage_percent', { mode: 'idle' }).length).toBe(os.cpus().length + 1);
    expect(find(samples, 'load1')).toHaveLength(1);
    expect(find(samples, 'memory_total_bytes')[0]!.value).toBe(os.totalmem());
    expect(find(samples, 'disk_used_bytes', { mount: '/' })[0]!.value).toBeGreaterThan(0);
    expect(find(samples, 'net_rx_bytes_per_second').length).toBeGreaterThan(0);
    expect(find(samples, 'net_rx_bytes_per_second', { interface: 'lo' })).toEqual([]);

    // fake nvidia-smi
    expect(find(samples, 'gpu_utilization_percent', { gpu: '0' })[0]!.value).toBe(87);
    expect(find(samples, 'gpu_power_watts', { gpu: '1' })).toEqual([]);
    // fake smartctl
    expect(find(samples, 'disk_smart_healthy', { device: 'sda' })[0]!.value).toBe(1);
    expect(find(samples, 'disk_smart_healthy', { device: 'nvme0' })[0]!.value).toBe(0);
    // probes
    expect(find(samples, 'probe_up', { target: 'local' })[0]!.value).toBe(1);
    expect(find(samples, 'probe_tcp_connect_ms', { target: 'local' })[0]!.value).toBeGreaterThanOrEqual(0);
    expect(find(samples, 'probe_up', { target: 'closed' })[0]!.value).toBe(0);
    // docker over the unix socket
    expect(find(samples, 'container_running', { container: 'web' })[0]!.value).toBe(1);
    expect(find(samples, 'container_running', { container: 'old', state: 'exited' })[0]!.value).toBe(0);
    expect(find(samples, 'container_memory_bytes', { container: 'web' })[0]!.value).toBe(48 * 2 ** 20);
    expect(find(samples, 'container_cpu_percent', { container: 'web' })[0]!.value).toBeGreaterThan(0);
    // processes: this jest worker itself is among the biggest by memory on a quiet machine or not,
    // but every reported process has both figures and a comm
    const procs = find(samples, 'process_memory_rss_bytes');
    expect(procs.length).toBeGreaterThanOrEqual(3);
    for (const p of procs) {
      expect(p.labels.comm).toBeTruthy();
      expect(find(samples, 'process_cpu_percent', { pid: p.labels.pid! })).toHaveLength(1);
    }
    for (const s of samples) expect(Number.isFinite(s.value)).toBe(true);
    // and the samples fit the contracts' MetricBatch
    const batch = {
      hostId: 'h-1',
      agentId: 'a-1',
      agentSequence: 2,
      collectedAt: Date.now(),
      intervalMs: 5000,
      samples,
    };
    expect(() => MetricBatch.parse(batch)).not.toThrow();
  });

  it('reports host facts', async () => {
    const facts = await new HostCollector(DEFAULT_CONFIG).facts();
    expect(facts.hostname).toBe(os.hostname());
    expect(facts.kernel).toBe(os.release());
    expect(facts.cpu.threads).toBe(os.cpus().length);
    expect(facts.memoryBytes).toBe(os.totalmem());
    expect(facts.filesystems.find((m) => m.mount === '/')).toBeDefined();
    expect(facts.bootTime).toBeLessThan(Date.now());
    // the facts are a valid body of the contracts' HostFacts record
    const envelope = {
      hostId: 'h-1',
      agentId: 'a-1',
      agentSequence: 1,
      collectedAt: Date.now(),
      agentVersion: '0.1.0',
    };
    expect(() => HostFactsRecord.parse({ ...facts, ...envelope })).not.toThrow();
    expect(facts.gpus.map((g) => g.uuid)).toEqual([
      'GPU-5f2c7a3e-1b2d-4c4e-9f0a-2d7e8b1c9a01',
      'GPU-0b9d4a11-7c3e-4e2a-8d6f-5a1b2c3d4e5f',
    ]);
    for (const nic of facts.nics) expect(nic.name).not.toBe('lo');
  });

  it('reports a broken collector as an error and keeps the rest', async () => {
    const config = structuredClone(DEFAULT_CONFIG);
    config.procRoot = path.join(dir.path, 'no-proc');
    config.collectors = { ...config.collectors, gpu: false, smart: false, docker: false };
    const { samples, errors } = await new HostCollector(config).collect();
    expect(errors.map((e) => e.collector).sort()).toEqual(
      ['cpu', 'diskio', 'disk', 'memory', 'network'].sort(),
    );
    expect(samples).toEqual([]);
  });
});
