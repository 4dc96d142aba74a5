import type { HostFacts as HostFactsRecord } from '@nagare/contracts';

/** One measured value. Names and labels follow Prometheus conventions (see docs/agent.md). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * What a host is, as opposed to how it is doing: the body of the contracts'
 * `nagare.telemetry.HostFacts` record (schemas/telemetry.inventory/HostFacts.avsc) without
 * the envelope the agent runtime stamps (hostId, agentId, agentSequence, collectedAt,
 * agentVersion). Sent on enrollment, on start and when it changes.
 */
export type HostFacts = Omit<
  HostFactsRecord,
  'hostId' | 'agentId' | 'agentSequence' | 'collectedAt' | 'agentVersion'
>;
export type DiskFact = HostFacts['disks'][number];
export type FilesystemFact = HostFacts['filesystems'][number];
export type NicFact = HostFacts['nics'][number];
export type GpuFact = HostFacts['gpus'][number];

export function sample(name: string, value: number, labels: Record<string, string> = {}): Sample {
  return { name, labels, value };
}
