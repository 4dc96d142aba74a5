import { contractSamples, type RecordInput } from '@nagare/contracts';

export type MetricBatchInput = RecordInput<'nagare.telemetry.MetricBatch'>;

/** A metric batch as an agent builds it (identity left empty: the edge stamps it). */
export function metricBatch(agentSequence: number, collectedAt: number, samples = 3): MetricBatchInput {
  return {
    hostId: '',
    agentId: '',
    agentSequence,
    collectedAt,
    intervalMs: 5000,
    samples: Array.from({ length: samples }, (_, i) => ({
      name: 'cpu_usage_percent',
      labels: { cpu: String(i), mode: 'user' },
      value: 12.5 + i,
    })),
  };
}

export function hostFacts(
  agentSequence: number,
  collectedAt: number,
): RecordInput<'nagare.telemetry.HostFacts'> {
  const sample = contractSamples['nagare.telemetry.HostFacts'][0]!;
  return { ...sample, hostId: '', agentId: '', agentSequence, collectedAt };
}
