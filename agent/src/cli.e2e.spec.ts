import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@nagare/testkit';

const run = promisify(execFile);
const RUN_TS = path.join(__dirname, '..', '..', 'tools', 'run-ts.cjs');
const MAIN = path.join(__dirname, 'main.ts');
const agent = (...args: string[]) => run(process.execPath, [RUN_TS, MAIN, ...args], { timeout: 60_000 });

describe('nagare-agent CLI', () => {
  it('collect --once --json prints the facts and samples of this host', async () => {
    const { stdout } = await agent('collect', '--once', '--json');
    const snap = JSON.parse(stdout) as {
      facts: { hostname: string; cpu: { threads: number } };
      samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
      errors: unknown[];
    };
    expect(snap.facts.hostname).toBeTruthy();
    expect(snap.facts.cpu.threads).toBeGreaterThan(0);
    const names = new Set(snap.samples.map((s) => s.name));
    for (const n of [
      'cpu_usage_percent',
      'memory_available_bytes',
      'disk_used_bytes',
      'load1',
      'process_cpu_percent',
    ]) {
      expect(names).toContain(n);
    }
    expect(snap.errors).toEqual([]);
  });

  it('has --help at every level', async () => {
    expect((await agent('--help')).stdout).toMatch(/collect/);
    expect((await agent('collect', '--help')).stdout).toMatch(/--once/);
    expect((await agent('enroll', '--help')).stdout).toMatch(/--token/);
    expect((await agent('config', '--help')).stdout).toMatch(/defaults/);
  });

  it('reports a bad config file clearly and exits non-zero', async () => {
    const dir = tempDir();
    try {
      const file = path.join(dir.path, 'agent.yaml');
      writeFileSync(file, 'intervalSeconds: fast\n');
      await expect(agent('-c', file, 'config', 'check')).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/intervalSeconds: expected a number/),
      });
    } finally {
      dir.cleanup();
    }
  });
});
