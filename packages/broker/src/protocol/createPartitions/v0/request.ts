import type { Decoder } from '../../decoder';
import type { CreatePartitionsRequest } from '../types';

/** CreatePartitions v0 request. */
export function decodeV0(d: Decoder): CreatePartitionsRequest {
  const topics = d.array((d) => {
    const name = d.string();
    const count = d.int32();
    d.nullableArray((d) => d.array((d) => d.int32())); // assignments: one broker, ignored
    return { name, count };
  });
  d.int32(); // timeout_ms
  return { topics, validateOnly: d.bool() };
}
