import type { Decoder } from '../decoder';

export interface CreateTopicsRequest {
  topics: {
    name: string;
    numPartitions: number;
    replicationFactor: number;
    assignments: { partition: number; brokers: number[] }[];
    configs: { name: string; value: string | null }[];
  }[];
  timeoutMs: number;
  validateOnly: boolean;
}

export function decodeCreateTopicsRequest(d: Decoder, version: number): CreateTopicsRequest {
  const topics = d.array((d) => ({
    name: d.string(),
    numPartitions: d.int32(),
    replicationFactor: d.int16(),
    assignments: d.array((d) => ({ partition: d.int32(), brokers: d.array((d) => d.int32()) })),
    configs: d.array((d) => ({ name: d.string(), value: d.nullableString() })),
  }));
  const timeoutMs = d.int32();
  const validateOnly = version >= 1 ? d.bool() : false;
  return { topics, timeoutMs, validateOnly };
}
