// CPU share and RSS of the agent's real collection loop (`nagare-agent collect --quiet`,
// built with tsc, all collectors on) beside an idle Node process started in the same run.
// Both are read from /proc/<pid>/stat and /proc/<pid>/status.
//   pnpm bench agent [--seconds 60] [--interval 5]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { header, median, row } from '../lib/report';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!(v > 0)) throw new Error(`--${name} must be a positive number`);
  return v;
};
const seconds = arg('seconds', 60);
const interval = arg('interval', 5);
const root = path.join(__dirname, '..', '..');
const agentDir = path.join(root, 'agent');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function cpuTicks(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1]) / 1024;
}

async function main() {
  console.error('building the agent (tsc)...');
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(agentDir, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
  const agent = spawn(
    process.execPath,
    [path.join(agentDir, 'dist', 'main.js'), 'collect', '--quiet', '--interval', String(interval)],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  const pids = { agent: agent.pid!, idle: idle.pid! };
  try {
    // Warm-up: module loading and the first (priming) collection are not the steady state.
    await new Promise((r) => setTimeout(r, Math.max(2000, interval * 1000)));
    const start = { agent: cpuTicks(pids.agent), idle: cpuTicks(pids.idle), at: process.hrtime.bigint() };
    const rss = { agent: [] as number[], idle: [] as number[] };
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      rss.agent.push(rssMb(pids.agent));
      rss.idle.push(rssMb(pids.idle));
      await new Promise((r) => setTimeout(r, 500));
    }
    const wall = Number(process.hrtime.bigint() - start.at) / 1e9;
    const share = (pid: number, t0: number) => ((cpuTicks(pid) - t0) / CLK_TCK / wall) * 100;
    const cpu = { agent: share(pids.agent, start.agent), idle: share(pids.idle, start.idle) };
    console.log(header(`agent collection loop, ${interval} s interval, ${seconds} s measured`));
    // Ratios against an idle node process: the floor any Node agent pays. An idle process
    // uses ~0 CPU, so for CPU the ratio is to the 0.5 % target instead.
    console.log(
      `| CPU, % of one core | ${cpu.agent.toFixed(2)} % | ${cpu.idle.toFixed(2)} % (idle node) | ${(cpu.agent / 0.5).toFixed(2)}x of the 0.5 % target |`,
    );
    console.log(`| CPU per collection | ${((cpu.agent / 100) * interval * 1000).toFixed(1)} ms | | |`);
    console.log(row('RSS median', median(rss.agent), median(rss.idle), 'MB'));
    console.log(row('RSS max', Math.max(...rss.agent), Math.max(...rss.idle), 'MB'));
    const ok = cpu.agent < 0.5 && Math.max(...rss.agent) < 60;
    console.log(`\ntargets: CPU < 0.5 % of one core, RSS < 60 MB: ${ok ? 'met' : 'NOT met'}`);
  } finally {
    agent.kill('SIGTERM');
    idle.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
