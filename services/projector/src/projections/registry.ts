import type { ProjectorConfig } from '../config';
import { alertsSpec } from './alerts';
import { AuditProjection } from './audit';
import { commandsSpec } from './commands';
import { EntityProjection } from './entity-projection';
import { hostsSpec } from './hosts';
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

/** Fresh instances of every projection (they keep per-instance caches and bulk-load state). */
export function createProjections(options: MetricsOptions = {}): ProjectionSet {
  return {
    metrics: new MetricsProjection(options),
    hosts: new EntityProjection(hostsSpec),
    alerts: new EntityProjection(alertsSpec),
    commands: new EntityProjection(commandsSpec),
    audit: new AuditProjection(),
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
