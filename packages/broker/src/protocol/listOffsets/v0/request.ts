import type { Decoder } from '../../decoder';
import type { ListOffsetsRequest } from '../types';

/** ListOffsets v0 request. */
export function decodeV0(d: Decoder): ListOffsetsRequest {
  d.int32(); // replica_id
  const isolationLevel = 0;
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => {
      const partition = d.int32();
      const timestamp = d.int64();
      d.int32(); // max_num_offsets
      return { partition, timestamp };
    }),
  }));
  return { isolationLevel, topics };
}
