import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Identity } from '@nagare/identity';
import { Pool } from 'pg';
import { type RunningPostgres, startPostgres } from './postgres';
import { type ServiceSpec, Supervisor } from './supervisor';
import { applyTopics } from './topics';

/** Where the repository is, from this file (src/ or dist/ of packages/launcher). */
export const repoRoot = path.resolve(__dirname, '../../..');

export interface PlatformOptions {
  dataDir: string;
  /** Use this PostgreSQL instead of the embedded one. */
  databaseUrl?: string;
  /** Use this Redis; otherwise 127.0.0.1:6379 when it answers, else in-process stores. */
  redisUrl?: string;
  /** Address the dashboard and the agent edge listen on. */
  bindHost?: string;
  /** Preferred ports; a busy one is replaced by a free one, remembered in the data dir. */
  ports?: Partial<Ports>;
  log?: (line: string) => void;
}

export interface Ports {
  gateway: number;
  ingest: number;
  command: number;
  projector: number;
  broker: number;
  registry: number;
  postgres: number;
}
const DEFAULT_PORTS: Ports = {
  gateway: 8080,
  ingest: 8090,
  command: 8091,
  projector: 8092,
  broker: 9092,
  registry: 8081,
  postgres: 5433,
};

export interface Secrets {
  jwtSecret: string;
  /** Shared by the gateway and the command service's internal API. */
  internalToken: string;
  commandSigningKeyPem: string;
  commandSigningPublicKeyPem: string;
}

export interface RunningPlatform {
  dashboardUrl: string;
  ingestUrl: string;
  agentDataDir: string;
  brokers: string[];
  registryUrl: string;
  databaseUrl: string;
  redisUrl?: string;
  firstAdmin?: { username: string; password: string };
  /** Parts found but not built or not present yet, with the reason. */
  missing: { name: string; why: string }[];
  supervisor: Supervisor;
  stop(): Promise<void>;
}

const portFree = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
const freePort = (host: string) =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** Ports kept across restarts so URLs stay the same; a taken port is swapped for a free one. */
async function choosePorts(dataDir: string, host: string, wanted: Partial<Ports>): Promise<Ports> {
  const file = path.join(dataDir, 'ports.json');
  const remembered = readJson<Ports>(file);
  const ports = { ...DEFAULT_PORTS, ...remembered, ...wanted };
  for (const key of Object.keys(ports) as (keyof Ports)[]) {
    if (!(await portFree(ports[key], '127.0.0.1'))) ports[key] = await freePort(host);
  }
  writeFileSync(file, JSON.stringify(ports, null, 2));
  return ports;
}

/** Secrets made once per data dir, readable only by its owner. */
export function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, 'secrets.json');
  const existing = readJson<Secrets>(file);
  if (existing?.internalToken) return existing;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const secrets: Secrets = {
    jwtSecret: existing?.jwtSecret ?? randomBytes(48).toString('base64url'),
    internalToken: randomBytes(32).toString('base64url'),
    commandSigningKeyPem:
      existing?.commandSigningKeyPem ?? privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    commandSigningPublicKeyPem:
      existing?.commandSigningPublicKeyPem ?? publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** A service of the platform: its built entry and how to configure it. */
interface ServicePart {
  name: string;
  entry: string;
  env: Record<string, string>;
  healthPort?: number;
}

/**
 * Starts the whole platform on embedded defaults, each part as the production deployment
 * runs it (separate processes, configured through the environment), with all state in one
 * data directory so a restart resumes where it stopped.
 */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const host = options.bindHost ?? '127.0.0.1';
  const ports = await choosePorts(dataDir, host, options.ports ?? {});
  const secrets = loadOrCreateSecrets(dataDir);
  const missing: RunningPlatform['missing'] = [];
  const supervisor = new Supervisor(path.join(dataDir, 'logs'), {
    onCrash: (name, reason, ms) => log(`! ${name} ${reason}; restarting in ${Math.round(ms / 1000)} s`),
  });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await supervisor.stopAll();
    for (const s of stops.reverse()) await s().catch(() => {});
  };

  try {
    // 1. PostgreSQL
    log(options.databaseUrl ? 'connecting to PostgreSQL' : 'starting embedded PostgreSQL');
    const pg: RunningPostgres = await startPostgres({
      url: options.databaseUrl,
      dir: path.join(dataDir, 'postgres'),
      port: ports.postgres,
    });
    stops.push(() => pg.stop());

    // 2. Redis when configured or found
    let redisUrl = options.redisUrl;
    if (!redisUrl && (await reachable('127.0.0.1', 6379))) redisUrl = 'redis://127.0.0.1:6379/0';
    log(redisUrl ? `using Redis at ${redisUrl}` : 'no Redis: in-process snapshots and rate limits');

    // 3. Broker + schema registry, then topics and schemas
    const cli = path.join(repoRoot, 'packages/cli/dist/main.js');
    supervisor.start({
      name: 'broker',
      entry: cli,
      args: [
        'broker',
        '--data-dir',
        path.join(dataDir, 'broker'),
        '--port',
        String(ports.broker),
        '--registry-port',
        String(ports.registry),
        '--registry-data-dir',
        path.join(dataDir, 'registry'),
        '--topics',
        path.join(repoRoot, 'redpanda/topics.yaml'),
        '--rebalance-delay-ms',
        '0',
      ],
      healthUrl: `http://127.0.0.1:${ports.registry}/`,
    });
    await supervisor.waitReady('broker');
    const brokers = [`127.0.0.1:${ports.broker}`];
    const registryUrl = `http://127.0.0.1:${ports.registry}`;
    await applyTopics({ brokers, registryUrl, log });

    // 4. Identity schema and the first admin (printed by the caller, never logged)
    const pool = new Pool({ connectionString: pg.url, max: 2 });
    const identity = new Identity({ pool });
    await identity.migrate();
    const firstAdmin = await identity.ensureFirstAdmin();
    await pool.end();

    // 5. Services, in dependency order
    const common = {
      DATABASE_URL: pg.url,
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    const svc = (name: string) => path.join(repoRoot, `services/${name}/dist/main.js`);
    const parts: ServicePart[] = [
      {
        name: 'command',
        entry: svc('command'),
        env: {
          ...common,
          HOST: '127.0.0.1',
          PORT: String(ports.command),
          INTERNAL_TOKEN: secrets.internalToken,
          COMMAND_SIGNING_KEY: secrets.commandSigningKeyPem,
        },
        healthPort: ports.command,
      },
      {
        name: 'projector',
        entry: svc('projector'),
        env: {
          ...common,
          HOST: '127.0.0.1',
          PORT: String(ports.projector),
          NAGARE_BROKERS: brokers.join(','),
          NAGARE_REGISTRY_URL: registryUrl,
          ...(redisUrl ? { NAGARE_REDIS_URL: redisUrl } : {}),
        },
        healthPort: ports.projector,
      },
      {
        name: 'ingest',
        entry: svc('ingest'),
        env: {
          ...common,
          HOST: host,
          PORT: String(ports.ingest),
          COMMAND_SIGNING_PUBLIC_KEY: secrets.commandSigningPublicKeyPem,
        },
        healthPort: ports.ingest,
      },
      {
        name: 'gateway',
        entry: svc('gateway'),
        env: {
          ...common,
          HOST: host,
          PORT: String(ports.gateway),
          JWT_SECRET: secrets.jwtSecret,
          BOOTSTRAP_ADMIN: 'false',
          COMMAND_SERVICE_URL: `http://127.0.0.1:${ports.command}`,
          COMMAND_INTERNAL_TOKEN: secrets.internalToken,
          // The dashboard on the gateway's origin once services/web is built (API only before).
          WEB_ROOT: path.join(repoRoot, 'services/web/build'),
        },
        healthPort: ports.gateway,
      },
    ];
    for (const part of parts) {
      if (!existsSync(part.entry)) {
        missing.push({ name: part.name, why: `${path.relative(repoRoot, part.entry)} is not built` });
        continue;
      }
      const spec: ServiceSpec = {
        name: part.name,
        entry: part.entry,
        env: part.env,
        ...(part.healthPort ? { healthUrl: `http://127.0.0.1:${part.healthPort}/health` } : {}),
      };
      log(`starting ${part.name}`);
      supervisor.start(spec);
      await supervisor.waitReady(part.name, 120_000);
    }
    if (!existsSync(path.join(repoRoot, 'services/web/build/index.html'))) {
      missing.push({ name: 'web', why: 'services/web/build is not built (the API still answers)' });
    }

    // 6. The local agent, enrolled automatically so the dashboard shows this machine at once
    const ingestUrl = `http://127.0.0.1:${ports.ingest}`;
    const agentEntry = path.join(repoRoot, 'agent/dist/main.js');
    if (existsSync(agentEntry) && supervisor.pid('ingest') !== undefined) {
      await startLocalAgent({ dataDir, agentEntry, ingestUrl, databaseUrl: pg.url, supervisor, log });
    } else {
      missing.push({ name: 'agent', why: 'agent/dist or the ingest service is not built' });
    }

    return {
      dashboardUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${ports.gateway}`,
      ingestUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${ports.ingest}`,
      agentDataDir: path.join(dataDir, 'agent'),
      brokers,
      registryUrl,
      databaseUrl: pg.url,
      redisUrl,
      firstAdmin,
      missing,
      supervisor,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Enrolls this machine's agent once (a one-time token made directly in the identity store,
 * exchanged by the agent itself over the ingest edge) and keeps it running.
 */
async function startLocalAgent(o: {
  dataDir: string;
  agentEntry: string;
  ingestUrl: string;
  databaseUrl: string;
  supervisor: Supervisor;
  log: (line: string) => void;
}): Promise<void> {
  const agentDir = path.join(o.dataDir, 'agent');
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(agentDir, 'agent.json');
  writeFileSync(
    configFile,
    JSON.stringify({ server: o.ingestUrl, dataDir: path.join(agentDir, 'state') }, null, 2),
  );
  if (!existsSync(path.join(agentDir, 'state', 'credential.json'))) {
    const pool = new Pool({ connectionString: o.databaseUrl, max: 1 });
    try {
      const { token } = await new Identity({ pool }).agents.createEnrollmentToken({
        ttlMs: 10 * 60_000,
        labels: { source: 'local' },
      });
      const { execFile } = await import('node:child_process');
      await new Promise<void>((resolve, reject) =>
        execFile(
          process.execPath,
          [o.agentEntry, '-c', configFile, 'enroll', '--token', token, '--server', o.ingestUrl],
          { timeout: 60_000 },
          (err, _stdout, stderr) =>
            err ? reject(new Error(`agent enroll failed: ${stderr || err.message}`)) : resolve(),
        ),
      );
      o.log('local agent enrolled');
    } finally {
      await pool.end();
    }
  }
  o.supervisor.start({ name: 'agent', entry: o.agentEntry, args: ['-c', configFile, 'run'] });
}
