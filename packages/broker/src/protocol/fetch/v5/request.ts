import type { Decoder } from '../../decoder';
import type { FetchRequest } from '../types';

/** Fetch v5 request. */
export function decodeV5(d: Decoder): FetchRequest {
  d.int32(); // replica_id
  const maxWaitMs = d.int32();
  const minBytes = d.int32();
  const maxBytes = d.int32();
  const isolationLevel = d.int8();
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => {
      const partition = d.int32();
      const fetchOffset = d.int64();
      d.int64(); // log_start_offset (followers only)
      return { partition, fetchOffset, partitionMaxBytes: d.int32() };
    }),
  }));
  return { maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
}
