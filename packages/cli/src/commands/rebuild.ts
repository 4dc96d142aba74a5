import type { Command } from 'commander';

/** `nagare rebuild <projection> [--from events|topics]`: rebuild a read model into a shadow schema and swap it in. */
export function registerRebuild(program: Command): void {
  program
    .command('rebuild')
    .description(
      'rebuild a projection (metrics, hosts, alerts, commands, audit) into fresh tables and swap them in atomically',
    )
    .argument('<projection>', 'metrics | hosts | alerts | commands | audit')
    .option('--from <source>', 'events (the event store) or topics (from the start of its topics)', 'events')
    .action(async (projection: string, opts: { from: string }) => {
      // Loaded on use: the projector pulls in pg and kafkajs, which other commands do not need.
      const { configFromEnv, runRebuild } =
        require('@nagare/projector') as typeof import('@nagare/projector');
      const report = await runRebuild(configFromEnv(), projection, opts.from as 'events' | 'topics');
      console.log(
        `rebuilt ${report.projection}: ${report.records.toLocaleString('en-US')} records in ${report.seconds.toFixed(1)} s ` +
          `(${Math.round(report.perSecond).toLocaleString('en-US')}/s), generation ${report.generation}`,
      );
    });
}
