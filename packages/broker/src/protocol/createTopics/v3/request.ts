import type { Decoder } from '../../decoder';
import type { CreateTopicsRequest } from '../types';

/** CreateTopics v3 request. */
export function decodeV3(d: Decoder): CreateTopicsRequest {
  const topics = d.array((d) => ({
    name: d.string(),
    numPartitions: d.int32(),
    replicationFactor: d.int16(),
    assignments: d.array((d) => ({ partition: d.int32(), brokers: d.array((d) => d.int32()) })),
    configs: d.array((d) => ({ name: d.string(), value: d.nullableString() })),
  }));
  const timeoutMs = d.int32();
  const validateOnly = d.bool();
  return { topics, timeoutMs, validateOnly };
}
