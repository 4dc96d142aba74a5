#!/usr/bin/env node
import { postgresCheck, runService, tcpCheck } from '@nagare/service-kit';
import { Module } from '@nestjs/common';
import { configFromEnv } from './config';
import { isProjectionName, type ProjectionName } from './projections/registry';
import { registerProjectorMetrics, startProjector } from './service';

/** The projector has no routes of its own: the service kit serves /health and /metrics. */
@Module({})
class ProjectorModule {}

/** `node dist/main.js [projection...]`: runs the projector with configuration from the environment. */
const only = process.argv.slice(2);
const unknown = only.filter((name) => !isProjectionName(name));
if (unknown.length > 0) {
  console.error(`projector: unknown projection ${unknown.join(', ')}`);
  process.exit(1);
}

void runService({
  name: 'projector',
  module: ProjectorModule,
  configure: async (_app, ctx) => {
    const config = configFromEnv();
    const projector = await startProjector(config, {
      only: only.length ? (only as ProjectionName[]) : undefined,
      log: (message) => ctx.logger.info(message),
    });
    ctx.closeHooks.register('projector', () => projector.stop());
    ctx.health.register('postgres', postgresCheck(projector.pool));
    const [host, port] = (config.brokers[0] ?? '').split(':');
    if (host && port) ctx.health.register('broker', tcpCheck(host, Number(port)));
    registerProjectorMetrics(ctx.metrics.registry, projector.runners, projector.consumers);
  },
});
