import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProbeTarget } from './collectors/probe';

export interface CollectorToggles {
  cpu: boolean;
  memory: boolean;
  disk: boolean;
  diskio: boolean;
  smart: boolean;
  network: boolean;
  probes: boolean;
  gpu: boolean;
  processes: boolean;
  docker: boolean;
}

export interface ExecutorConfig {
  /** Whether this agent runs commands at all. */
  enabled: boolean;
  /** User to run commands as when the agent runs as root (name or numeric uid). */
  user: string;
  /** auto: use bwrap when installed; required: refuse commands without it; off: never. */
  bwrap: 'auto' | 'required' | 'off';
  bwrapPath: string;
  /** Environment variable names a command may see (from the agent's env or the dispatch). */
  envAllowList: string[];
  /** Upper bound on a dispatch's outputCapBytes. */
  maxOutputBytes: number;
  /** Upper bound on a dispatch's timeoutMs. */
  maxTimeoutMs: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** Longest accepted expiresAt - issuedAt: bounds the replay cache. */
  maxDispatchValidityMs: number;
  /** Tolerated clock difference between the command service and this host. */
  clockSkewMs: number;
}

export interface AgentConfig {
  server: string;
  dataDir: string;
  intervalSeconds: number;
  collectors: CollectorToggles;
  probes: { targets: ProbeTarget[]; timeoutMs: number };
  topK: number;
  /** SMART health is slow to read: refreshed at most this often. */
  smartIntervalSeconds: number;
  factsIntervalSeconds: number;
  dockerSocket: string;
  procRoot: string;
  sysRoot: string;
  spool: { maxBytes: number; segmentBytes: number };
  executor: ExecutorConfig;
}

export const DEFAULT_CONFIG: AgentConfig = {
  server: 'http://127.0.0.1:8080',
  dataDir: '/var/lib/nagare-agent',
  intervalSeconds: 5,
  collectors: {
    cpu: true,
    memory: true,
    disk: true,
    diskio: true,
    smart: true,
    network: true,
    probes: true,
    gpu: true,
    processes: true,
    docker: true,
  },
  probes: { targets: [], timeoutMs: 2000 },
  topK: 5,
  smartIntervalSeconds: 600,
  factsIntervalSeconds: 3600,
  dockerSocket: '/var/run/docker.sock',
  procRoot: '/proc',
  sysRoot: '/sys',
  spool: { maxBytes: 256 * 1024 * 1024, segmentBytes: 8 * 1024 * 1024 },
  executor: {
    enabled: true,
    user: 'nobody',
    bwrap: 'auto',
    bwrapPath: 'bwrap',
    envAllowList: ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TERM'],
    maxOutputBytes: 1024 * 1024,
    maxTimeoutMs: 3_600_000,
    killGraceMs: 5000,
    maxDispatchValidityMs: 3_600_000,
    clockSkewMs: 60_000,
  },
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges a user document over the defaults, checking every value's type against the
 * default's; unknown keys are errors so a typo never silently does nothing.
 */
function merge(defaults: unknown, user: unknown, at: string): unknown {
  if (user === undefined) return defaults;
  if (isObject(defaults)) {
    if (!isObject(user)) throw new Error(`config ${at || '(root)'}: expected a mapping`);
    const out: Record<string, unknown> = { ...defaults };
    for (const [k, v] of Object.entries(user)) {
      if (!(k in defaults)) throw new Error(`config ${at ? `${at}.` : ''}${k}: unknown setting`);
      out[k] = merge((defaults as Record<string, unknown>)[k], v, at ? `${at}.${k}` : k);
    }
    return out;
  }
  if (Array.isArray(defaults)) {
    if (!Array.isArray(user)) throw new Error(`config ${at}: expected a list`);
    return user;
  }
  if (typeof defaults !== typeof user) throw new Error(`config ${at}: expected a ${typeof defaults}`);
  return user;
}

export function parseConfig(text: string, source = 'config'): AgentConfig {
  let doc: unknown;
  try {
    const t = text.trim();
    // JSON is parsed without loading the YAML library (about 6 MB of the agent's RSS).
    doc = !t
      ? {}
      : t.startsWith('{')
        ? JSON.parse(t)
        : (require('yaml') as typeof import('yaml')).parse(text);
  } catch (err) {
    throw new Error(`${source}: not valid YAML/JSON: ${(err as Error).message}`);
  }
  const cfg = merge(DEFAULT_CONFIG, doc ?? {}, '') as AgentConfig;
  validate(cfg);
  return cfg;
}

function validate(c: AgentConfig): void {
  const fail = (m: string) => {
    throw new Error(`config ${m}`);
  };
  if (!/^https?:\/\//.test(c.server)) fail('server: must be an http(s) URL');
  if (!path.isAbsolute(c.dataDir)) fail('dataDir: must be an absolute path');
  if (!(c.intervalSeconds >= 0.1 && c.intervalSeconds <= 3600))
    fail('intervalSeconds: must be within 0.1..3600');
  if (!Number.isInteger(c.topK) || c.topK < 0 || c.topK > 100) fail('topK: must be an integer within 0..100');
  for (const [i, t] of c.probes.targets.entries()) {
    if (
      !isObject(t) ||
      typeof t.host !== 'string' ||
      !Number.isInteger(t.port) ||
      t.port < 1 ||
      t.port > 65535
    ) {
      fail(`probes.targets[${i}]: needs host (string) and port (1..65535)`);
    }
  }
  if (!['auto', 'required', 'off'].includes(c.executor.bwrap)) fail('executor.bwrap: auto, required or off');
  for (const k of ['maxOutputBytes', 'maxTimeoutMs', 'killGraceMs'] as const) {
    if (!(c.executor[k] > 0)) fail(`executor.${k}: must be positive`);
  }
  if (!(c.spool.maxBytes >= c.spool.segmentBytes && c.spool.segmentBytes > 0)) {
    fail('spool: segmentBytes must be positive and not above maxBytes');
  }
}

export function loadConfig(file: string | undefined): AgentConfig {
  if (!file) return structuredClone(DEFAULT_CONFIG);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseConfig(text, file);
}
