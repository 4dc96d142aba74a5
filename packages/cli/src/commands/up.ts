import path from 'node:path';
import { startPlatform } from '@nagare/launcher';
import type { Command } from 'commander';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start the whole platform on embedded defaults and print the dashboard URL and login')
    .option('--data-dir <dir>', 'where all state is kept', process.env.NAGARE_DATA_DIR ?? '.data')
    .option(
      '--database-url <url>',
      'use this PostgreSQL instead of the embedded one',
      process.env.DATABASE_URL,
    )
    .option(
      '--redis-url <url>',
      'use this Redis (default: 127.0.0.1:6379 when it answers)',
      process.env.REDIS_URL,
    )
    .option(
      '--bind <host>',
      'address the dashboard and agent edge listen on',
      process.env.NAGARE_BIND ?? '127.0.0.1',
    )
    .option('--port <port>', 'dashboard port', process.env.NAGARE_PORT ?? '8080')
    .action(
      async (o: { dataDir: string; databaseUrl?: string; redisUrl?: string; bind: string; port: string }) => {
        const started = Date.now();
        const say = (line: string) => console.log(`[nagare] ${line}`);
        const platform = await startPlatform({
          dataDir: path.resolve(o.dataDir),
          databaseUrl: o.databaseUrl,
          redisUrl: o.redisUrl,
          bindHost: o.bind,
          ports: { gateway: Number(o.port) },
          log: say,
        });
        const lines = [
          '',
          `  Nagare is up in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${path.resolve(o.dataDir)})`,
          `  dashboard   ${platform.dashboardUrl}`,
          platform.firstAdmin
            ? `  login       ${platform.firstAdmin.username} / ${platform.firstAdmin.password}   (one-time password: you set your own at first login)`
            : '  login       admin, with the password you set (the one-time password was shown at first start)',
          `  kafka       ${platform.brokers.join(',')}   (e.g. kcat -b ${platform.brokers[0]} -L)`,
          `  registry    ${platform.registryUrl}`,
          ...platform.missing.map((m) => `  not yet     ${m.name}: ${m.why}`),
          '',
          '  Ctrl-C stops everything.',
          '',
        ];
        console.log(lines.join('\n'));
        let stopping = false;
        const shutdown = (signal: string) => {
          if (stopping) return;
          stopping = true;
          say(`${signal}: stopping`);
          platform.stop().then(
            () => {
              say('stopped');
              process.exit(0);
            },
            (err) => {
              console.error(err);
              process.exit(1);
            },
          );
        };
        process.on('SIGINT', () => shutdown('SIGINT'));
        process.on('SIGTERM', () => shutdown('SIGTERM'));
      },
    );
}
