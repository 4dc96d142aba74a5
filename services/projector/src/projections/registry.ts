import type { ProjectorConfig } from '../config';
import { alertsProjection } from './alerts';
import { auditProjection } from './audit';
import { commandsProjection } from './commands';
import { hostsProjection } from './hosts';
import { type MetricsOptions, MetricsProjection } from './metrics';
import type { Projection } from './projection';

export const projectionNames = ['metrics', 'hosts', 'alerts', 'commands', 'audit'] as const;
export type ProjectionName = (typeof projectionNames)[number];

export interface ProjectionSet {
  metrics: MetricsProjection;
  hosts: Projection;
  alerts: Projection;
  commands: Projection;
  audit: Projection;
}

/** One instance of every projection (metrics keeps per-instance caches, so each runner gets its own). */
export function createProjections(options: MetricsOptions = {}): ProjectionSet {
  return {
    metrics: new MetricsProjection(options),
    hosts: hostsProjection,
    alerts: alertsProjection,
    commands: commandsProjection,
    audit: auditProjection,
  };
}

export function metricsOptionsFrom(
  config: Pick<ProjectorConfig, 'retention' | 'partitionsAheadDays'>,
): MetricsOptions {
  return { retention: config.retention, partitionsAheadDays: config.partitionsAheadDays };
}

export function isProjectionName(name: string): name is ProjectionName {
  return (projectionNames as readonly string[]).includes(name);
}
