import type { Actor, HostFacts } from '@nagare/contracts';
import type { RuleDefinition } from '../alert-rule/alert-rule.decider';
import type { CommandContext, Role } from '../shared/decider';

/** Fixed instants and actors for deterministic specs. */
export const t0 = Date.UTC(2026, 10, 22, 9, 30, 0);
export const alice: Actor = { kind: 'USER', id: 'user-alice', name: 'alice' };
export const bob: Actor = { kind: 'USER', id: 'user-bob', name: 'bob' };
export const system: Actor = { kind: 'SYSTEM', id: 'command-service', name: null };
export const agentActor: Actor = { kind: 'AGENT', id: 'agent-1', name: null };

export const ctx = (actor: Actor = alice, at = t0, roles: Role[] = ['operator']): CommandContext => ({
  actor,
  roles,
  at,
});

export const facts = (over: Partial<HostFacts> = {}): HostFacts => ({
  hostId: 'host-1',
  agentId: 'agent-1',
  agentSequence: 1,
  collectedAt: t0,
  hostname: 'db-eu-1',
  os: { name: 'Debian GNU/Linux', version: '12', id: 'debian' },
  kernel: '6.1.0-18-amd64',
  arch: 'x86_64',
  cpu: { model: 'AMD EPYC 7B13', cores: 8, threads: 16, mhz: 2450 },
  memoryBytes: 68_719_476_736,
  swapBytes: 0,
  bootTime: t0 - 86_400_000,
  disks: [],
  filesystems: [],
  nics: [{ name: 'eth0', mac: null, speedMbps: 10_000, duplex: 'FULL', mtu: 1500, addresses: [] }],
  gpus: [],
  agentVersion: '0.1.0',
  ...over,
});

export const cpuRule: RuleDefinition = {
  ruleId: 'rule-cpu',
  name: 'CPU busy',
  description: null,
  metric: 'cpu_usage_percent',
  matchers: [{ label: 'cpu', op: 'EQ', value: 'total' }],
  hostSelector: { env: 'prod' },
  comparator: 'GT',
  threshold: 90,
  resolveThreshold: 80,
  forMs: 120_000,
  severity: 2,
  autoResolve: true,
  flapWindowMs: 600_000,
  flapMaxTransitions: 4,
  enabled: true,
};
