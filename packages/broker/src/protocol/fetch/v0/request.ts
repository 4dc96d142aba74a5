import type { Decoder } from '../../decoder';
import type { FetchRequest } from '../types';

/** Fetch v0 request. */
export function decodeV0(d: Decoder): FetchRequest {
  d.int32(); // replica_id
  const maxWaitMs = d.int32();
  const minBytes = d.int32();
  const maxBytes = 0x7fffffff;
  const isolationLevel = 0;
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => {
      const partition = d.int32();
      const fetchOffset = d.int64();
      return { partition, fetchOffset, partitionMaxBytes: d.int32() };
    }),
  }));
  return { maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
}
