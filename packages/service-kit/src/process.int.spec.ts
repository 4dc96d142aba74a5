import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '@nagare/testkit';

const root = path.resolve(__dirname, '../../..');
const fixture = path.join(__dirname, 'testing/slow-service.fixture.ts');

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function start(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [path.join(root, 'tools/run-ts.cjs'), fixture], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

describe('a service process', () => {
  it('exits 1 listing every configuration problem', async () => {
    const p = start({ SLOW_MS: 'soon', PORT: '99999' });
    expect(await p.exit).toBe(1);
    expect(p.stderr()).toMatch(/invalid configuration for slow-fixture: 2 problem\(s\)/);
    expect(p.stderr()).toMatch(/- PORT: /);
    expect(p.stderr()).toMatch(/- SLOW_MS: /);
  });

  it('on SIGTERM finishes the in-flight request, runs close hooks and exits 0', async () => {
    const p = start({ SLOW_MS: '1500' });
    try {
      const url = await waitFor(() => /READY (\S+)/.exec(p.stdout())?.[1], {
        timeoutMs: 20_000,
        what: 'service ready',
      });
      const inFlight = fetch(`${url}/slow`);
      await waitFor(() => p.stdout().includes('ENTERED'), { what: 'request in the handler' });
      p.child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ done: true });
      expect(await p.exit).toBe(0);
      expect(p.stdout()).toContain('CLOSE_HOOK_RAN');
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('exits 1 when draining overruns SHUTDOWN_DEADLINE_MS', async () => {
    const p = start({ SLOW_MS: '20000', SHUTDOWN_DEADLINE_MS: '300' });
    try {
      const url = await waitFor(() => /READY (\S+)/.exec(p.stdout())?.[1], {
        timeoutMs: 20_000,
        what: 'service ready',
      });
      const inFlight = fetch(`${url}/slow`).catch((err: unknown) => err);
      await waitFor(() => p.stdout().includes('ENTERED'), { what: 'request in the handler' });
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(1);
      // The process gave up on the request: the client sees the connection drop.
      expect(String(await inFlight)).toMatch(/fetch failed/);
    } finally {
      p.child.kill('SIGKILL');
    }
  });
});
